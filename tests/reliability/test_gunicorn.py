"""The site under gunicorn with production settings: logs, limits and shared lockouts."""

import json
import socket
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.conf import settings

from tests.reliability.harness import FormReader

pytestmark = pytest.mark.slow

ADDRESS = "requester@example.org"


def raw_request(port: int, data: bytes) -> bytes:
    """Send bytes as they are (invalid UTF-8, overlong lines) and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_logs_are_json_lines_without_addresses_or_query_strings(site):
    gunicorn = site.gunicorn
    start = gunicorn.log.stat().st_size
    gunicorn.get(f"/en/?email={ADDRESS}&q=private+words")
    gunicorn.get(f"/en/{ADDRESS}/")
    with gunicorn.log.open() as log:
        log.seek(start)
        new = log.read()
    entries = [json.loads(line) for line in new.splitlines() if line.strip()]
    assert entries, "nothing was logged"
    assert ADDRESS not in new and "private" not in new
    access = [e for e in entries if e["logger"] == "gunicorn.access"]
    assert any(e["message"].startswith('"GET /en/" 200 ') for e in access), access
    assert any(e["message"].startswith("Not Found: /en/[email]/") for e in entries), entries


PROXIED = b"Host: 127.0.0.1\r\nX-Forwarded-Proto: https\r\n\r\n"


# gunicorn itself answers malformed HTTP (400), overlong request lines (414) and huge
# headers (431) with its own short page; everything that reaches Django gets ours.
@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /en/%FF%FE/ HTTP/1.1\r\n" + PROXIED, 404),
        (b"GET /en/?q=%FF%FE%00 HTTP/1.1\r\n" + PROXIED, 200),
        (b"GET /en/?q=\xff\xfe HTTP/1.1\r\n" + PROXIED, 400),
        (b"GET /" + b"a" * 5000 + b"/ HTTP/1.1\r\n" + PROXIED, 414),
        (b"GET /en/ HTTP/1.1\r\nX-Big: " + b"b" * 9000 + b"\r\n" + PROXIED, 431),
        (b"POST /i18n/setlang/ HTTP/1.1\r\nContent-Length: x\r\n" + PROXIED, 400),
        (b"GET /en/ HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Proto: https\r\n\r\n", 400),
    ],
    ids=[
        "bad-utf8-path",
        "bad-utf8-query-encoded",
        "bad-utf8-query-raw",
        "overlong-line",
        "huge-header",
        "bad-length",
        "host",
    ],
)
def test_hostile_raw_requests_get_a_clear_4xx(site, raw, status):
    answer = raw_request(site.gunicorn.port, raw)
    assert answer.startswith(f"HTTP/1.1 {status}".encode()), answer[:200]


def test_a_lockout_holds_across_gunicorn_workers(site):
    """Failures counted by one worker lock the account in the others: axes keeps them in the DB."""
    gunicorn = site.gunicorn
    login = f"/{settings.ADMIN_PATH}login/"
    page = gunicorn.get(login)
    reader = FormReader()
    reader.feed(page.body)
    cookie = "; ".join(f"{k}={v}" for k, v in page.cookies.items())
    origin = f"https://127.0.0.1:{gunicorn.port}"

    def attempt(password: str) -> int:
        fields = {name: spec["value"] for name, spec in reader.fields.items()}
        body = urlencode({**fields, "username": "locked-out", "password": password}).encode()
        return gunicorn.request(
            "POST",
            login,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Origin": origin,
            },
        ).status

    start = gunicorn.log.stat().st_size
    # Two clients at a time, so the kernel hands the connections to both workers.
    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(pool.map(attempt, [f"wrong-{n}" for n in range(12)]))
    with gunicorn.log.open() as log:
        log.seek(start)
        served_by = {
            json.loads(line).get("message", "").rsplit("pid=", 1)[-1]
            for line in log
            if "POST /" in line
        }
    limit = 5  # AXES_FAILURE_LIMIT's default, which the harness does not change
    print(f"\nlockout: statuses {statuses}, served by workers {sorted(served_by)}")
    assert len(served_by) == 2, served_by  # both workers answered some of them
    # At most one attempt may race past the limit; every later one is refused.
    assert limit - 1 <= statuses.count(200) <= limit, statuses
    assert statuses[-4:] == [429] * 4, statuses
    assert attempt("still-locked") == 429
