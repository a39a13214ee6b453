"""fetch_inbox against a real IMAP server (pymap's in-memory backend on loopback)."""

import imaplib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache

from concierge.imap import LOCK_KEY, InboxBusy, fetch_inbox, single_run_lock
from concierge.models import InboundMessage, Ticket

from .conftest import MANAGE, command_env, make_email

PYMAP = Path(sys.executable).with_name("pymap")
USER, PASSWORD = "concierge", "imap-test-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def imap_server():
    port = free_port()
    process = subprocess.Popen(
        [
            str(PYMAP),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-tls",
            "dict",
            "--demo-user",
            USER,
            "--demo-password",
            PASSWORD,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("pymap did not start")
            time.sleep(0.1)
    config = {
        "HOST": "127.0.0.1",
        "PORT": port,
        "SECURITY": "none",
        "USER": USER,
        "PASSWORD": PASSWORD,
        "FOLDER": "INBOX",
        "AFTER": "move",
        "MOVE_TO": "Processed",
        "QUARANTINE_TO": "Quarantine",
        "TIMEOUT": 10,
    }
    yield config
    process.terminate()
    process.wait(timeout=10)


def client(config) -> imaplib.IMAP4:
    connection = imaplib.IMAP4(config["HOST"], config["PORT"])
    connection.login(config["USER"], config["PASSWORD"])
    return connection


def deliver(config, messages: list[bytes]) -> None:
    connection = client(config)
    for raw in messages:
        status, _ = connection.append("INBOX", None, None, raw)
        assert status == "OK"
    connection.logout()


def count(config, folder: str, criteria: str = "ALL") -> int:
    connection = client(config)
    status, _ = connection.select(folder)
    if status != "OK":
        connection.logout()
        return 0
    _, data = connection.uid("SEARCH", None, criteria)
    connection.logout()
    return len(data[0].split())


def message_ids_in(config, folder: str) -> set[str]:
    connection = client(config)
    connection.select(folder)
    _, data = connection.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    connection.logout()
    headers = b"".join(item[1] for item in data if isinstance(item, tuple))
    return {
        line.split(b"<")[1].split(b">")[0].decode() for line in headers.splitlines() if b"<" in line
    }


def inquiries(n: int, prefix: str = "m") -> list[bytes]:
    return [
        make_email(sender=f"person{i}@example.org", message_id=f"<{prefix}{i}@example.org>")
        for i in range(n)
    ]


@pytest.fixture(autouse=True)
def clear_lock():
    cache.delete(LOCK_KEY)


@pytest.mark.django_db(transaction=True)
def test_fetch_inbox_stores_files_and_then_moves_each_message(imap_server):
    deliver(imap_server, [*inquiries(3), b"no headers at all, quarantine me"])
    result = fetch_inbox(config=imap_server)
    assert (result.seen, result.stored) == (4, 4)
    assert Ticket.objects.count() == 3
    assert InboundMessage.objects.quarantined().count() == 1
    assert set(InboundMessage.objects.values_list("source", flat=True)) == {"imap"}
    # Even the unusable message is safe in our store, so it leaves the inbox too.
    assert count(imap_server, "INBOX") == 0 and count(imap_server, "Processed") == 4
    again = fetch_inbox(config=imap_server)
    assert again.seen == 0 and InboundMessage.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_crash_between_storing_and_marking_loses_and_duplicates_nothing(imap_server):
    deliver(imap_server, inquiries(4))

    class Crash(Exception):
        pass

    def crash_on_third(uid: int) -> None:
        if InboundMessage.objects.count() == 3:
            raise Crash

    with pytest.raises(Crash):
        fetch_inbox(config=imap_server, after_store=crash_on_third)
    # Three raw copies are committed; the third is still on the server, unfiled here.
    assert InboundMessage.objects.count() == 3
    assert count(imap_server, "INBOX") == 2
    result = fetch_inbox(config=imap_server)
    assert (result.seen, result.stored, result.already_stored) == (2, 1, 1)
    assert InboundMessage.objects.count() == 4
    assert InboundMessage.objects.filter(state="processed").count() == 4
    assert Ticket.objects.count() == 4
    assert count(imap_server, "INBOX") == 0 and count(imap_server, "Processed") == 4


@pytest.mark.django_db(transaction=True)
def test_oversized_mail_keeps_its_header_and_is_moved_to_quarantine_not_deleted(
    imap_server, settings
):
    settings.CONCIERGE_MAX_MESSAGE_BYTES = 5000
    deliver(imap_server, [make_email(body="x" * 10_000)])
    result = fetch_inbox(config=imap_server)
    assert result.oversized == 1
    inbound = InboundMessage.objects.get()
    assert inbound.is_truncated and inbound.state == "quarantined"
    assert count(imap_server, "Quarantine") == 1 and count(imap_server, "INBOX") == 0


@pytest.mark.django_db(transaction=True)
def test_seen_mode_marks_instead_of_moving(imap_server):
    deliver(imap_server, inquiries(2))
    fetch_inbox(config={**imap_server, "AFTER": "seen"})
    assert count(imap_server, "INBOX") == 2 and count(imap_server, "INBOX", "UNSEEN") == 0
    assert fetch_inbox(config={**imap_server, "AFTER": "seen"}).seen == 0


@pytest.mark.django_db(transaction=True)
def test_delete_mode_expunges_after_storing(imap_server):
    deliver(imap_server, inquiries(2))
    fetch_inbox(config={**imap_server, "AFTER": "delete"})
    assert count(imap_server, "INBOX") == 0 and InboundMessage.objects.count() == 2


def test_only_one_run_at_a_time_but_a_dead_holder_does_not_block():
    with single_run_lock(), pytest.raises(InboxBusy), single_run_lock():
        pass
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    cache.set(LOCK_KEY, f"{socket.gethostname()}|{dead.pid}|stale", 600)
    with single_run_lock():
        assert cache.get(LOCK_KEY).startswith(f"{socket.gethostname()}|{os.getpid()}|")
    assert cache.get(LOCK_KEY) is None


@pytest.mark.slow
def test_killing_fetch_inbox_mid_run_and_rerunning_loses_and_duplicates_nothing(
    imap_server, tmp_path
):
    """A real `manage.py fetch_inbox` process is SIGKILLed mid-batch, then run again."""
    database = tmp_path / "kill.sqlite3"
    env = command_env(
        database,
        tmp_path,
        CONCIERGE_IMAP_HOST=imap_server["HOST"],
        CONCIERGE_IMAP_PORT=str(imap_server["PORT"]),
        CONCIERGE_IMAP_SECURITY="none",
        CONCIERGE_IMAP_USER=USER,
        CONCIERGE_IMAP_PASSWORD=PASSWORD,
    )
    subprocess.run([*MANAGE, "migrate", "-v0"], env=env, check=True, timeout=300)
    total = 60
    deliver(imap_server, inquiries(total, prefix="kill"))

    def stored() -> int:
        with sqlite3.connect(database) as db:
            return db.execute("SELECT COUNT(*) FROM concierge_inboundmessage").fetchone()[0]

    process = subprocess.Popen([*MANAGE, "fetch_inbox"], env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while stored() < 5 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, "fetch_inbox finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = stored()
    assert 5 <= killed_at < total
    with sqlite3.connect(database) as db:
        safe = {
            row[0] for row in db.execute("SELECT header_message_id FROM concierge_inboundmessage")
        }
    everything = {f"kill{i}@example.org" for i in range(total)}
    # Whatever has no committed raw copy is still in the inbox: nothing was lost.
    assert everything - safe <= message_ids_in(imap_server, "INBOX")

    subprocess.run([*MANAGE, "fetch_inbox"], env=env, check=True, timeout=300)
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT header_message_id, state FROM concierge_inboundmessage"
        ).fetchall()
        tickets = db.execute("SELECT COUNT(*) FROM concierge_ticket").fetchone()[0]
        inbound_messages = db.execute(
            "SELECT COUNT(*) FROM concierge_message WHERE direction = 'inbound'"
        ).fetchone()[0]
    assert sorted(mid for mid, _state in rows) == sorted(
        f"kill{i}@example.org" for i in range(total)
    )
    assert {state for _mid, state in rows} == {"processed"}
    assert tickets == inbound_messages == total
    assert count(imap_server, "INBOX") == 0 and count(imap_server, "Processed") == total
