"""Benchmark the public pages with gunicorn and wrk; see bench/README.md.

Standard library only (the Django side is bench/probe.py, run with the project's venv).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PAGES = ["floor", "home", "country", "country_filtered", "entry", "search", "language"]
GROWTH_PAGES = ["country", "search"]
GROWTH_SIZES = [1_000, 10_000, 100_000]
HEADERS = ["X-Forwarded-Proto: https", "Accept-Language: en"]
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


# -- wrk output -------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int = 0


def _ms(value: str, unit: str) -> float:
    return float(value) * UNITS[unit]


def parse_wrk(text: str) -> WrkResult:
    """Requests/s, p50 and p99 latency (ms), requests and errors from `wrk --latency` output."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    total = re.search(r"^\s+(\d+) requests in ", text, re.M)
    if not (rps and p50 and p99 and total):
        raise ValueError("not wrk --latency output:\n" + text[-500:])
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non_2xx:
        errors += int(non_2xx[1])
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return WrkResult(
        requests_per_second=float(rps[1]),
        p50_ms=_ms(*p50.groups()),
        p99_ms=_ms(*p99.groups()),
        requests=int(total[1]),
        errors=errors,
    )


# -- the table --------------------------------------------------------------------------


@dataclass
class PageRow:
    page: str
    url: str
    runs: list[WrkResult] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)
    queries: int | None = None
    gzip_bytes: int | None = None
    status: int | None = None

    @property
    def rps(self) -> float:
        return statistics.median(r.requests_per_second for r in self.runs)

    @property
    def p50(self) -> float:
        return statistics.median(r.p50_ms for r in self.runs)

    @property
    def p99(self) -> float:
        return statistics.median(r.p99_ms for r in self.runs)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios) if self.ratios else 0.0

    @property
    def errors(self) -> int:
        return sum(r.errors for r in self.runs)


def add_ratios(rows: list[PageRow]) -> None:
    """Each page's throughput over the floor's in the same run (then the median over runs)."""
    floor = next(row for row in rows if row.page == "floor")
    for row in rows:
        row.ratios = [
            page.requests_per_second / base.requests_per_second if base.requests_per_second else 0
            for page, base in zip(row.runs, floor.runs, strict=True)
        ]


def format_table(rows: list[PageRow], runs: int) -> str:
    title = f"median of {runs} runs" if runs > 1 else "1 run"
    header = (
        f"{'page':<17} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs floor':>9} "
        f"{'queries':>7} {'KB gzip':>8} {'status':>6} {'errors':>6}"
    )
    lines = [f"Throughput and latency ({title})", header, "-" * len(header)]
    for row in rows:
        size = f"{row.gzip_bytes / 1024:.1f}" if row.gzip_bytes is not None else "-"
        lines.append(
            f"{row.page:<17} {row.rps:>8.1f} {row.p50:>8.1f} {row.p99:>8.1f} "
            f"{row.ratio:>8.0%} {row.queries if row.queries is not None else '-':>7} "
            f"{size:>8} {row.status or '-':>6} {row.errors:>6}"
        )
    return "\n".join(lines)


def format_growth(results: dict[int, dict[str, WrkResult]]) -> str:
    sizes = sorted(results)
    header = f"{'page':<9} {'entries':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'p50 x':>6}"
    lines = ["Growth with the number of entries", header, "-" * len(header)]
    for page in GROWTH_PAGES:
        base = results[sizes[0]][page].p50_ms
        for size in sizes:
            result = results[size][page]
            factor = result.p50_ms / base if base else 0
            lines.append(
                f"{page:<9} {size:>8,} {result.requests_per_second:>8.1f} "
                f"{result.p50_ms:>8.1f} {result.p99_ms:>8.1f} {factor:>6.2f}"
            )
    return "\n".join(lines)


# -- running things ---------------------------------------------------------------------


def say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def django_env(args, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-" + secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{args.port}",
        BENCH_FLOOR="1",
        STATIC_ROOT=str(ROOT / "staticfiles"),
        LOG_LEVEL="WARNING",
        DJANGO_PLAIN_STATIC="0",
    )
    env.pop("REDIS_URL", None)
    env.pop("PAGE_CACHE", None)
    if args.redis:
        env["REDIS_URL"] = args.redis
    return env


def manage(env: dict[str, str], *command: str, timeout: int = 3600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def probe(env: dict[str, str], *command: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "probe.py"), *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode:
        sys.exit(f"bench/probe.py {' '.join(command)} failed:\n{result.stderr}")
    return result.stdout


def ensure_database(database_url: str) -> None:
    """Create the benchmark's PostgreSQL database when it does not exist yet."""
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            say(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(args, database_url: str, resources: int) -> dict[str, str]:
    """Database, migrations, seed and exactly `resources` synthetic entries; static files."""
    env = django_env(args, database_url)
    ensure_database(database_url)
    say(f"migrating {database_url.rsplit('/', 1)[1]}")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_initial_data", "-v0")
    have = json.loads(probe(env, "count"))["synthetic"]
    if have != resources:
        if have:
            say(f"removing {have:,} synthetic entries")
            manage(env, "generate_bench_data", "--delete")
        say(f"generating {resources:,} synthetic entries in {args.countries} countries")
        started = time.monotonic()
        out = manage(env, "generate_bench_data", f"--resources={resources}",
                     f"--countries={args.countries}", "-v0")  # fmt: skip
        say(out.strip() + f" (command: {time.monotonic() - started:.0f} s)")
        manage(env, "shell", "-c", "from django.db import connection; "
               "connection.cursor().execute('VACUUM ANALYZE')")  # fmt: skip
    else:
        say(f"reusing {have:,} synthetic entries")
    return env


class Server:
    """gunicorn serving the site in the background, workers = cores."""

    def __init__(self, args, env: dict[str, str]):
        self.args, self.env, self.process = args, env, None

    def __enter__(self) -> "Server":
        gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
        self.process = subprocess.Popen(
            [gunicorn, "hub.wsgi", f"--workers={self.args.workers}",
             f"--bind=127.0.0.1:{self.args.port}", "--log-level=warning",
             "--backlog=2048", "--timeout=60"],
            cwd=ROOT, env=self.env, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("/healthz/"), timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:  # refused, reset or timed out while the workers start
                time.sleep(0.5)
        self.__exit__()
        sys.exit("gunicorn did not answer /healthz/ within 60 s")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.args.port}{path}"

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def wrk(args, url: str, duration: int) -> WrkResult:
    command = ["wrk", f"--threads={args.threads}", f"--connections={args.connections}",
               f"--duration={duration}s", "--timeout=10s", "--latency"]  # fmt: skip
    for header in HEADERS:
        command += ["--header", header]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=duration + 60, check=True
    ).stdout
    return parse_wrk(out)


def warm(server: Server, path: str, times: int = 3) -> None:
    request = urllib.request.Request(server.url(path), headers=dict(h.split(": ") for h in HEADERS))
    for _ in range(times):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            exc.read()


def settle(server: Server, limit: float = 120.0) -> None:
    """Wait until the workers have finished what wrk left queued (slow pages pile up)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            warm(server, "/en/bench/floor/", times=1)
        except OSError:
            continue
        if time.monotonic() - started < 1.0:
            return


def benchmark(args, env: dict[str, str], targets: dict, pages: list[str]) -> list[PageRow]:
    rows = [PageRow(page, targets[page]) for page in pages]
    with Server(args, env) as server:
        for row in rows:
            warm(server, row.url)
        for run in range(args.runs):
            say(f"run {run + 1} of {args.runs}: {', '.join(pages)} ({args.duration} s each)")
            for row in rows:
                settle(server)
                if args.warmup:
                    wrk(args, server.url(row.url), args.warmup)
                    settle(server)
                row.runs.append(wrk(args, server.url(row.url), args.duration))
    return rows


def add_probe(env: dict[str, str], rows: list[PageRow]) -> dict:
    measured = json.loads(probe(env, "measure", *(row.url for row in rows)))
    for row in rows:
        found = measured[row.url]
        row.queries, row.gzip_bytes, row.status = (
            found["queries"],
            found["gzip_bytes"],
            found["status"],
        )
    return measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hub_bench"
        ),
    )
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--countries", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="median of this many runs")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds before each measurement")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=0, help="default 4 x workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--redis", metavar="URL", help="REDIS_URL: serve with the page cache")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated subset")
    parser.add_argument("--growth", action="store_true", help="also 1,000 / 10,000 entries")
    parser.add_argument("--growth-only", action="store_true")
    parser.add_argument("--profile", metavar="PAGE", help="print a pyinstrument profile")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    args.connections = args.connections or 4 * args.workers
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: sudo apt-get install wrk")
    pages = [p for p in args.pages.split(",") if p]
    if "floor" not in pages:
        pages.insert(0, "floor")
    unknown = set(pages) - set(PAGES)
    if unknown:
        sys.exit(f"unknown pages: {', '.join(sorted(unknown))}; choose from {', '.join(PAGES)}")

    print(f"gunicorn workers: {args.workers}; wrk: {args.threads} threads, "
          f"{args.connections} connections, {args.duration} s per page; "
          f"page cache: {'Redis ' + args.redis if args.redis else 'off'}")  # fmt: skip
    output: dict = {}
    if not args.growth_only:
        env = prepare(args, args.database_url, args.resources)
        targets = json.loads(probe(env, "targets"))
        print(f"{args.resources:,} synthetic entries; largest country page: "
              f"{targets['country']} ({targets['country_entries']:,} entries)")  # fmt: skip
        if args.profile:
            print(probe(env, "profile", targets[args.profile]))
            return 0
        rows = benchmark(args, env, targets, pages)
        add_ratios(rows)
        output["probe"] = add_probe(env, rows)
        print(format_table(rows, args.runs))
        for row in rows:
            print(f"  {row.page:<17} {row.url}")
        css = output["probe"][rows[0].url]["css_gzip_bytes"]
        country = next((r for r in rows if r.page == "country"), None)
        if country and country.gzip_bytes:
            print(f"Country page HTML + CSS, gzip: {(country.gzip_bytes + css) / 1024:.1f} KB")
        static = output["probe"]["static"]
        encoding = static["content_encoding"] or "-"
        print(f"Static: {static['url']} -> {static['status']}, Cache-Control: "
              f"{static['cache_control']}; Content-Encoding: {encoding}")  # fmt: skip
        print(f"Page headers ({rows[-1].page}): Cache-Control: "
              f"{output['probe'][rows[-1].url]['cache_control']}; "
              f"ETag: {'yes' if output['probe'][rows[-1].url]['etag'] else 'no'}")  # fmt: skip
        output["pages"] = {
            row.page: {"url": row.url, "rps": row.rps, "p50_ms": row.p50, "p99_ms": row.p99,
                       "ratio": row.ratio, "queries": row.queries,
                       "gzip_bytes": row.gzip_bytes, "errors": row.errors}
            for row in rows
        }  # fmt: skip
    if args.growth or args.growth_only:
        growth: dict[int, dict[str, WrkResult]] = {}
        for size in GROWTH_SIZES:
            url = args.database_url if size == args.resources else f"{args.database_url}_{size}"
            env = prepare(args, url, size)
            targets = json.loads(probe(env, "targets"))
            rows = benchmark(args, env, targets, ["floor", *GROWTH_PAGES])
            growth[size] = {
                row.page: WrkResult(row.rps, row.p50, row.p99, row.runs[0].requests, row.errors)
                for row in rows
            }
        print(format_growth(growth))
        output["growth"] = {
            size: {page: vars(result) for page, result in found.items()}
            for size, found in growth.items()
        }
    if args.json:
        args.json.write_text(json.dumps(output, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
