"""A throwaway PostgreSQL 15 cluster and the site under gunicorn with production settings.

Everything listens on 127.0.0.1 only, on free ports, in a temporary directory, and every
wait has a timeout. Used by the slow tests in this package.
"""

import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
VENV_BIN = Path(sys.executable).parent
REQUEST_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres_user(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root; drop to the postgres account if we are root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PostgresCluster:
    """`initdb` + `pg_ctl` in a temporary directory, on a free loopback port."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="hub-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *command: str, timeout: float = 60) -> None:
        subprocess.run(
            as_postgres_user(list(command)), check=True, timeout=timeout, capture_output=True
        )

    def init(self) -> None:
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c max_connections=100"
        )
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
            timeout=90,
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            mode,
            "-w",
            "-t",
            "60",
            "stop",
            timeout=90,
        )

    def create_database(self, name: str) -> str:
        self._run(
            str(PG_BIN / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            name,
        )
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def production_env(database_url: str, static_root: Path) -> dict[str, str]:
    """Production settings as .env.example documents them; nothing inherited from the tests."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(Path.home())),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "hub.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://127.0.0.1",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "INFO",
    }
    if redis_available():
        # Helper index 5 on the shared Redis, with a prefix of our own.
        env["REDIS_URL"] = "redis://127.0.0.1:6379/5"
        env["CACHE_KEY_PREFIX"] = f"hub-reliability-{secrets.token_hex(4)}"
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float
    cookies: dict[str, str] = field(default_factory=dict)


class Gunicorn:
    """The site as production runs it: `gunicorn hub.wsgi` with gunicorn.conf.py."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 2, threads: int = 4):
        self.env = {**env, "WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": str(threads)}
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        command = [str(VENV_BIN / "gunicorn"), "hub.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log.read_text()}"
            try:
                self.get("/healthz/", timeout=2)
                if len(self.worker_pids()) == int(self.env["WEB_CONCURRENCY"]):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"gunicorn did not answer in {timeout}s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> set[int]:
        out = subprocess.run(
            ["ps", "--ppid", str(self.process.pid), "-o", "pid="],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout
        return {int(pid) for pid in out.split()}

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict | None = None,
        timeout: float = REQUEST_TIMEOUT,
    ) -> Response:
        """One request as if through the TLS-terminating proxy (X-Forwarded-Proto: https)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        started = time.monotonic()
        try:
            connection.request(
                method,
                path,
                body=body,
                headers={
                    "Host": f"127.0.0.1:{self.port}",
                    "X-Forwarded-Proto": "https",
                    **(headers or {}),
                },
            )
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            cookies = {}
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    cookies[name] = rest.split(";")[0]
            return Response(
                response.status,
                dict(response.getheaders()),
                content,
                time.monotonic() - started,
                cookies,
            )
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)


class FormReader(HTMLParser):
    """The fields of the first POST form on a page: name -> (type, value, options)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, dict] = {}
        self.action: str | None = None
        self._in_form = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form" and self.action is None and (a.get("method") or "").lower() == "post":
            self._in_form, self.action = True, a.get("action") or ""
        elif self._in_form and tag in {"input", "textarea"} and a.get("name"):
            self.fields.setdefault(
                a["name"],
                {"type": a.get("type", tag), "value": a.get("value") or "", "options": []},
            )
        elif self._in_form and tag == "select" and a.get("name"):
            self._select = a["name"]
            self.fields[a["name"]] = {"type": "select", "value": "", "options": []}
        elif self._in_form and tag == "option" and self._select:
            self.fields[self._select]["options"].append(a.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None


HONEYPOT = re.compile(r"website|honeypot|homepage|^hp|_hp$|url|fax|nickname", re.IGNORECASE)


def fill_form(fields: dict[str, dict], marker: str) -> dict[str, str]:
    """Plausible values for a form by field name and type; honeypots stay empty."""
    values = {}
    for name, spec in fields.items():
        kind, lowered = spec["type"], name.lower()
        if HONEYPOT.search(name) and kind != "hidden":
            values[name] = ""
        elif kind == "hidden":
            values[name] = spec["value"]
        elif kind == "checkbox":
            values[name] = spec["value"] or "on"
        elif kind == "select":
            options = [o for o in spec["options"] if o]
            preferred = [o for o in options if o.lower() in {"gb", "en", "united kingdom"}]
            values[name] = (preferred or options or [""])[0]
        elif "email" in lowered or kind == "email":
            values[name] = f"{marker}@example.org"
        elif kind in {"password"}:
            values[name] = marker
        elif "message" in lowered or "body" in lowered or kind == "textarea":
            values[name] = f"Reliability check {marker}: please ignore this message."
        else:
            values[name] = f"Check {marker}"
    return values
