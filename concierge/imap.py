"""Poll the concierge IMAP mailbox: copy each message into the raw store, then tidy the server.

Order per message: fetch with BODY.PEEK (nothing changes on the server) → commit the raw
bytes → only then move/delete/mark it on the server → file it. Killed at any point, the
next run either finds the message still on the server (its raw copy, if any, is matched by
Message-ID or bytes, so nothing is stored twice) or finds a stored row still `new` and
files it. A lock keeps two runs from working the mailbox at once.
"""

import imaplib
import logging
import os
import re
import socket
import ssl
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from concierge.models import InboundMessage
from concierge.services import inbound_process, inbound_process_pending, inbound_store

logger = logging.getLogger("concierge.imap")

LOCK_KEY = "concierge:fetch_inbox:lock"
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class InboxBusy(Exception):
    """Another fetch_inbox run holds the lock."""


class InboxError(Exception):
    """The IMAP server refused something we need (login, folder, fetch)."""


@dataclass
class FetchResult:
    seen: int = 0
    stored: int = 0
    already_stored: int = 0
    oversized: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, inbound: InboundMessage) -> None:
        self.outcomes[inbound.state] = self.outcomes.get(inbound.state, 0) + 1


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def single_run_lock(key: str = LOCK_KEY, timeout: int | None = None) -> Iterator[Callable]:
    """A cache lock; a holder on this host whose process died (SIGKILL) is taken over."""
    timeout = timeout or settings.CONCIERGE_FETCH_LOCK_SECONDS
    host = socket.gethostname()
    token = f"{host}|{os.getpid()}|{uuid.uuid4().hex}"
    if not cache.add(key, token, timeout):
        holder_host, _, rest = str(cache.get(key) or "").partition("|")
        pid = rest.partition("|")[0]
        if not (holder_host == host and pid.isdigit() and not _alive(int(pid))):
            raise InboxBusy("another fetch_inbox run is in progress")
        cache.delete(key)
        if not cache.add(key, token, timeout):
            raise InboxBusy("another fetch_inbox run is in progress")

    def refresh() -> None:
        cache.touch(key, timeout)

    try:
        yield refresh
    finally:
        if cache.get(key) == token:
            cache.delete(key)


def connect(config: dict) -> imaplib.IMAP4:
    security = config.get("SECURITY", "ssl")
    timeout = config.get("TIMEOUT", 60)
    if security == "ssl":
        connection = imaplib.IMAP4_SSL(
            config["HOST"],
            config["PORT"],
            ssl_context=ssl.create_default_context(),
            timeout=timeout,
        )
    else:
        connection = imaplib.IMAP4(config["HOST"], config["PORT"], timeout=timeout)
        if security == "starttls":
            connection.starttls(ssl_context=ssl.create_default_context())
    _ok(connection.login(config["USER"], config["PASSWORD"]), "login")
    return connection


def _ok(response: tuple, what: str) -> list:
    status, data = response
    if status != "OK":
        raise InboxError(f"IMAP {what} failed: {status}")
    return data


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fetch_inbox(
    *,
    config: dict | None = None,
    limit: int | None = None,
    progress: Callable[[str], None] | None = None,
    after_store: Callable[[int], None] | None = None,
) -> FetchResult:
    """Copy up to `limit` messages from the mailbox into the raw store and file them.

    `after_store` is called with the UID once its raw copy is committed, before the server
    is touched (tests use it to simulate a crash exactly there).
    """
    config = {**settings.CONCIERGE_IMAP, **(config or {})}
    if not config.get("HOST"):
        raise InboxError("CONCIERGE_IMAP_HOST is not set")
    say = progress or (lambda _line: None)
    result = FetchResult()
    with single_run_lock() as refresh:
        for inbound in inbound_process_pending():
            result.count(inbound)
        connection = connect(config)
        try:
            _ok(connection.select(_quote(config["FOLDER"])), "select")
            validity = (connection.response("UIDVALIDITY")[1] or [b"0"])[0]
            validity = validity.decode() if isinstance(validity, bytes) else str(validity)
            after = config.get("AFTER", "move")
            criteria = ("UNSEEN", "UNDELETED") if after == "seen" else ("UNDELETED",)
            uids = _ok(connection.uid("SEARCH", None, *criteria), "search")[0].split()
            say(f"{len(uids)} message(s) in {config['FOLDER']}")
            expunge = False
            can_move = b"MOVE" in b" ".join(_capabilities(connection))
            folders = {config["MOVE_TO"], config["QUARANTINE_TO"]}
            for folder in folders:
                connection.create(_quote(folder))  # "already exists" is fine
            for uid in uids[:limit]:
                result.seen += 1
                uid_text = uid.decode()
                raw, size = _fetch(connection, uid_text)
                inbound, created = inbound_store(
                    raw=raw,
                    source=InboundMessage.Source.IMAP,
                    source_ref=f"{config['FOLDER']}:{validity}:{uid_text}",
                    total_size=size,
                )
                result.stored += created
                result.already_stored += not created
                if after_store is not None:
                    after_store(int(uid_text))
                if inbound.is_truncated:
                    result.oversized += 1
                    _move(connection, uid_text, config["QUARANTINE_TO"], can_move)
                    expunge = True
                elif after == "seen":
                    _ok(connection.uid("STORE", uid_text, "+FLAGS", r"(\Seen)"), "store")
                elif after == "delete":
                    _ok(connection.uid("STORE", uid_text, "+FLAGS", r"(\Deleted)"), "store")
                    expunge = True
                else:
                    _move(connection, uid_text, config["MOVE_TO"], can_move)
                    expunge = True
                if inbound.state == InboundMessage.State.NEW:
                    inbound = inbound_process(inbound=inbound)
                result.count(inbound)
                refresh()
                say(f"uid {uid_text} → inbound {inbound.pk} {inbound.state}")
            if expunge:
                connection.expunge()
        finally:
            try:
                connection.logout()
            except (imaplib.IMAP4.error, OSError):
                logger.debug("IMAP logout failed")
    logger.info(
        "fetch_inbox seen=%s stored=%s already=%s oversized=%s",
        result.seen,
        result.stored,
        result.already_stored,
        result.oversized,
    )
    return result


def _fetch(connection: imaplib.IMAP4, uid: str) -> tuple[bytes, int]:
    data = _ok(connection.uid("FETCH", uid, "(RFC822.SIZE)"), "fetch size")
    match = _SIZE.search(b" ".join(item for item in data if isinstance(item, bytes)))
    size = int(match.group(1)) if match else 0
    part = "BODY.PEEK[HEADER]" if size > settings.CONCIERGE_MAX_MESSAGE_BYTES else "BODY.PEEK[]"
    data = _ok(connection.uid("FETCH", uid, f"({part})"), "fetch")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1], size
    raise InboxError(f"IMAP fetch of uid {uid} returned no message")


def _move(connection: imaplib.IMAP4, uid: str, mailbox: str, can_move: bool) -> None:
    if can_move:
        _ok(connection.uid("MOVE", uid, _quote(mailbox)), "move")
        return
    _ok(connection.uid("COPY", uid, _quote(mailbox)), "copy")
    _ok(connection.uid("STORE", uid, "+FLAGS", r"(\Deleted)"), "store")


def _capabilities(connection: imaplib.IMAP4) -> list[bytes]:
    status, data = connection.capability()
    return data[0].split() if status == "OK" and data and data[0] else []
