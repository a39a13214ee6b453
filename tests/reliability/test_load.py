"""A bounded load test: wrk, 60 s at 64 connections on loopback, against gunicorn on PostgreSQL.

Run: pytest -m slow tests/reliability/test_load.py -s
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.public_urls import public_urls

pytestmark = pytest.mark.slow

DURATION_SECONDS = 60
CONNECTIONS = 64
SCRIPT = Path(__file__).with_name("wrk_status.lua")


def run_wrk(url: str, host: str, paths: list[str]) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        pytest.fail("wrk is not installed: apt-get install wrk (.ci/run does)")
    command = [
        wrk, "--threads", "2", "--connections", str(CONNECTIONS),
        "--duration", f"{DURATION_SECONDS}s", "--timeout", "10s", "--latency",
        "--script", str(SCRIPT), url, "--", host, *paths,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=DURATION_SECONDS + 60)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    statuses = {int(code): int(n) for code, n in re.findall(r"^STATUS (\d+) (\d+)$", out, re.M)}
    errors = dict(
        (name, int(n))
        for name, n in re.findall(r"(\w+)=(\d+)", re.search(r"^ERRORS .*$", out, re.M)[0])
    )
    figure = lambda name: int(re.search(rf"^{name} (\d+)$", out, re.M)[1])  # noqa: E731
    requests = figure("REQUESTS")
    seconds = figure("DURATION_US") / 1e6
    return {
        "requests": requests,
        "requests_per_second": round(requests / seconds, 1),
        "statuses": statuses,
        "errors": errors,
        "latency_ms": {
            name: round(figure(f"LATENCY_{name.upper()}_US") / 1000, 1)
            for name in ("p50", "p90", "p99", "mean", "max")
        },
        "paths": paths,
        # The machine is shared: the figures mean little without its load at the time.
        "load_average_after": [round(x, 1) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }


def test_sixty_seconds_at_64_connections_without_a_single_5xx(site):
    gunicorn = site.gunicorn
    # Every public page (in three scripts), the health check (one query) and an error page.
    paths = sorted({*public_urls(["en", "ar", "ja"]), "/healthz/", "/en/no-such-page/"})
    # The pages under load are the real ones, with the seed directory behind them.
    assert [gunicorn.get(path).status for path in paths if path != "/en/no-such-page/"] == [
        302 if path == "/" else 200 for path in paths if path != "/en/no-such-page/"
    ]
    workers = gunicorn.worker_pids()
    report = run_wrk(gunicorn.url, f"127.0.0.1:{gunicorn.port}", paths)
    print(f"\nload test: {report}")
    assert report["requests"] > 0
    assert not {code for code in report["statuses"] if code >= 500}, report
    assert set(report["statuses"]) <= {200, 302, 404}, report
    assert report["errors"]["timeout"] == 0 and report["errors"]["connect"] == 0, report
    assert gunicorn.worker_pids() == workers  # no worker died or timed out
