-- wrk script: rotate over the paths given after "--" (the first argument is the Host header),
-- send them as if through the TLS proxy, count responses by status, print a parseable summary.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  host = args[1]
  paths = {}
  for i = 2, #args do
    paths[#paths + 1] = args[i]
  end
  counter = math.random(#paths)
  statuses = {}
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  return wrk.format("GET", path, { ["Host"] = host, ["X-Forwarded-Proto"] = "https" })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      totals[code] = (totals[code] or 0) + n
    end
  end
  for code, n in pairs(totals) do
    io.write(string.format("STATUS %d %d\n", code, n))
  end
  io.write(string.format("REQUESTS %d\n", summary.requests))
  io.write(string.format("DURATION_US %d\n", summary.duration))
  local e = summary.errors
  io.write(string.format("ERRORS connect=%d read=%d write=%d status=%d timeout=%d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
  for _, p in ipairs({ 50, 90, 99 }) do
    io.write(string.format("LATENCY_P%d_US %d\n", p, latency:percentile(p)))
  end
  io.write(string.format("LATENCY_MEAN_US %d\n", latency.mean))
  io.write(string.format("LATENCY_MAX_US %d\n", latency.max))
end
