"""The outbound queue: a real SMTP server on loopback, outages, retries and backoff."""

import asyncio
import contextlib
import email
import io
import json
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from datetime import timedelta
from email import policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.utils import timezone

from concierge.emails import backoff, outbound_send, outbound_send_due
from concierge.models import OutboundEmail, TicketEvent
from concierge.services import inbound_ingest
from concierge.tasks import send_queued_mail

from .conftest import MANAGE, command_env, make_email
from .test_imap import free_port, inquiries

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self, port: int):
        self.port = port
        self.messages: list[email.message.EmailMessage] = []
        # Seconds between taking a message and answering 250: a server that has delivered
        # while its client, killed meanwhile, never learns it did.
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        parsed.envelope_to = envelope.rcpt_tos
        self.messages.append(parsed)
        await asyncio.sleep(self.delay)
        return "250 OK"


@pytest.fixture
def smtp(settings):
    """Django sends through SMTP to 127.0.0.1:<port>; the server starts when asked."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    inbox = Inbox(port)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    inbox.start, inbox.stop = controller.start, controller.stop
    yield inbox
    with contextlib.suppress(AssertionError):  # it was never started
        controller.stop()


def queue_acknowledgement() -> OutboundEmail:
    """A new ticket queues its acknowledgement (on-commit sending is not run here)."""
    inbound_ingest(raw=make_email(sender="Ana <ana@example.org>"), source="email")
    return OutboundEmail.objects.get()


def test_the_acknowledgement_reaches_a_real_smtp_server_threaded_and_marked_automatic(smtp):
    smtp.start()
    outbound = queue_acknowledgement()
    assert outbound_send(outbound_id=outbound.pk) == OutboundEmail.State.SENT
    [received] = smtp.messages
    inbound_message = outbound.ticket.messages.get(direction="inbound")
    assert received.envelope_to == ["ana@example.org"]
    # Long ids may be folded onto a continuation line, which is valid RFC 5322.
    assert received["Message-ID"].strip() == f"<{outbound.header_message_id}>"
    assert received["In-Reply-To"].strip() == f"<{inbound_message.message_id}>"
    assert inbound_message.message_id in received["References"]
    assert received["Auto-Submitted"] == "auto-replied"
    assert outbound.ticket.reference in received["Subject"]
    assert received.get_body(("plain",)) and received.get_body(("html",))
    outbound.refresh_from_db()
    assert outbound.sent_at and outbound.attempts == 1 and not outbound.last_error


def test_an_smtp_outage_loses_nothing_and_the_mail_goes_out_when_it_is_back(smtp, settings):
    settings.CONCIERGE_OUTBOUND_BACKOFF_SECONDS = 60
    outbound = queue_acknowledgement()
    assert outbound_send(outbound_id=outbound.pk) == OutboundEmail.State.QUEUED
    outbound.refresh_from_db()
    assert outbound.attempts == 1 and "ConnectionRefusedError" in outbound.last_error
    assert outbound.next_attempt_at > timezone.now() + timedelta(seconds=50)
    # Not due yet: the queue leaves it alone.
    assert outbound_send_due().sent == 0 and OutboundEmail.objects.get().attempts == 1

    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        assert outbound_send_due().retrying == 1  # still down
        outbound.refresh_from_db()
        assert outbound.attempts == 2
    smtp.start()
    with time_machine.travel(timezone.now() + timedelta(minutes=10), tick=False):
        out = io.StringIO()
        call_command("send_queued_mail", stdout=out)
    assert "1 sent" in out.getvalue()
    assert len(smtp.messages) == 1
    assert OutboundEmail.objects.get().state == OutboundEmail.State.SENT


def test_backoff_doubles_and_is_capped(settings):
    settings.CONCIERGE_OUTBOUND_BACKOFF_SECONDS = 60
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert backoff(30) == timedelta(hours=6)


def test_after_the_last_attempt_the_email_is_failed_and_the_ticket_says_so(smtp, settings):
    settings.CONCIERGE_OUTBOUND_MAX_ATTEMPTS = 2
    outbound = queue_acknowledgement()
    outbound_send(outbound_id=outbound.pk)
    OutboundEmail.objects.update(next_attempt_at=timezone.now())
    assert outbound_send_due().failed == 1
    outbound.refresh_from_db()
    assert outbound.state == OutboundEmail.State.FAILED and outbound.attempts == 2
    assert outbound.ticket.events.filter(kind=TicketEvent.Kind.EMAIL_FAILED).exists()


def test_a_sent_email_is_never_sent_again_and_a_stale_claim_is_taken_back(smtp):
    smtp.start()
    outbound = queue_acknowledgement()
    OutboundEmail.objects.update(state="sending", claimed_until=timezone.now() + timedelta(1))
    assert outbound_send(outbound_id=outbound.pk) == "sending"  # someone else is on it
    assert smtp.messages == []
    OutboundEmail.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert outbound_send_due().sent == 1  # that worker died; the lease ran out
    assert outbound_send(outbound_id=outbound.pk) == "sent"
    assert outbound_send_due().sent == 0
    assert len(smtp.messages) == 1


class Killed(BaseException):
    """The worker dies (SIGKILL in production): nothing after this point runs."""


def die(*args, **kwargs):
    raise Killed


def test_an_email_whose_sender_died_mid_send_is_sent_again_once_the_claim_runs_out(
    smtp, settings, monkeypatch
):
    settings.CONCIERGE_OUTBOUND_CLAIM_SECONDS = 30
    smtp.start()
    outbound = queue_acknowledgement()
    with monkeypatch.context() as patched:
        patched.setattr(EmailMultiAlternatives, "send", die)
        with pytest.raises(Killed):
            outbound_send(outbound_id=outbound.pk)
    outbound.refresh_from_db()
    assert outbound.state == OutboundEmail.State.SENDING
    assert outbound.attempts == 1  # the attempt that died counts
    with time_machine.travel(timezone.now() + timedelta(seconds=29), tick=False):
        assert outbound_send_due().sent == 0  # the claim may still be alive
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=False):
        assert outbound_send_due().sent == 1
    [received] = smtp.messages
    assert received["Message-ID"].strip() == f"<{outbound.header_message_id}>"
    outbound.refresh_from_db()
    assert outbound.attempts == 2


def test_an_email_that_kills_every_sender_is_given_up_after_the_last_attempt(
    smtp, settings, monkeypatch
):
    settings.CONCIERGE_OUTBOUND_MAX_ATTEMPTS = 2
    smtp.start()
    outbound = queue_acknowledgement()
    monkeypatch.setattr(EmailMultiAlternatives, "send", die)
    for _attempt in range(2):
        with pytest.raises(Killed):
            outbound_send(outbound_id=outbound.pk)
        OutboundEmail.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert outbound_send(outbound_id=outbound.pk) == OutboundEmail.State.FAILED
    outbound.refresh_from_db()
    assert outbound.attempts == 2 and "died" in outbound.last_error
    assert outbound.ticket.events.filter(kind=TicketEvent.Kind.EMAIL_FAILED).exists()
    assert outbound_send_due().failed == 0  # and it stays given up


def test_the_ticket_says_sent_only_together_with_the_email_being_recorded_sent(smtp, monkeypatch):
    smtp.start()
    outbound = queue_acknowledgement()
    with monkeypatch.context() as patched:
        patched.setattr(OutboundEmail, "save", die)  # dies between the history and the row
        with pytest.raises(Killed):
            outbound_send(outbound_id=outbound.pk)
    assert len(smtp.messages) == 1
    # The email will be sent again when its claim runs out; only then may the ticket say so.
    assert OutboundEmail.objects.get().state == OutboundEmail.State.SENDING
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.EMAIL_SENT).exists()


def test_send_queued_mail_is_also_a_task(smtp):
    smtp.start()
    queue_acknowledgement()
    assert send_queued_mail.call() == {"sent": 1, "retrying": 0, "failed": 0}


def test_the_acknowledgement_is_queued_once_per_ticket(django_capture_on_commit_callbacks):
    from concierge.emails import acknowledgement_queue

    outbound = queue_acknowledgement()
    assert acknowledgement_queue(ticket=outbound.ticket) is None
    assert OutboundEmail.objects.count() == 1


def received_message_id(message: email.message.EmailMessage) -> str:
    return message["Message-ID"].strip().strip("<>")


@pytest.mark.slow
def test_killing_send_queued_mail_mid_run_and_rerunning_loses_nothing(smtp, tmp_path):
    """A real `manage.py send_queued_mail` process is SIGKILLed mid-batch, then run again.

    Delivery is at least once: the one email whose SMTP transaction was in flight at the kill
    may have reached the server before the process could record it as sent; its claim runs
    out and it is sent again, with the same Message-ID, so mail clients show it once. Every
    other email is received exactly once, and every one of them is received.
    """
    database = tmp_path / "kill.sqlite3"
    env = command_env(
        database,
        tmp_path,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        EMAIL_USE_TLS="",
        EMAIL_USE_SSL="",
        EMAIL_TIMEOUT="10",
        CONCIERGE_OUTBOUND_CLAIM_SECONDS="3",
    )
    subprocess.run([*MANAGE, "migrate", "-v0"], env=env, check=True, timeout=300)
    total = 60
    # Each new inquiry queues its acknowledgement, as mail arriving in production does.
    files = []
    for i, raw in enumerate(inquiries(total, prefix="outkill")):
        files.append(tmp_path / f"inquiry{i}.eml")
        files[-1].write_bytes(raw)
    subprocess.run(
        [*MANAGE, "ingest_email", *map(str, files)],
        env=env,
        check=True,
        timeout=300,
        stdout=subprocess.DEVNULL,
    )

    def outbound() -> dict[str, tuple[str, int]]:
        with sqlite3.connect(database) as db:
            rows = db.execute(
                "SELECT header_message_id, state, attempts FROM concierge_outboundemail"
            )
            return {mid: (state, attempts) for mid, state, attempts in rows}

    queued = outbound()
    assert len(queued) == total and {state for state, _ in queued.values()} == {"queued"}

    smtp.delay = 0.1
    smtp.start()
    process = subprocess.Popen([*MANAGE, "send_queued_mail"], env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(smtp.messages) < 5 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, "send_queued_mail finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    time.sleep(0.5)  # the server finishes whatever it was reading when the client died
    received_before_kill = len(smtp.messages)
    at_kill = outbound()
    sent_at_kill = {mid for mid, (state, _) in at_kill.items() if state == "sent"}
    in_flight = {mid for mid, (state, _) in at_kill.items() if state == "sending"}
    assert 5 <= received_before_kill < total
    assert len(in_flight) <= 1
    # Marked sent means received; received but not marked sent is only the one in flight.
    received_ids = {received_message_id(message) for message in smtp.messages}
    assert sent_at_kill <= received_ids and received_ids - sent_at_kill <= in_flight

    reruns = 0
    while any(state != "sent" for state, _ in outbound().values()):
        assert reruns < 20, "the queue never emptied"
        if reruns:
            time.sleep(1)  # the killed process's claim has not run out yet
        subprocess.run(
            [*MANAGE, "send_queued_mail"],
            env=env,
            check=True,
            timeout=300,
            stdout=subprocess.DEVNULL,
        )
        reruns += 1

    final = outbound()
    received = Counter(received_message_id(message) for message in smtp.messages)
    duplicates = {mid: n for mid, n in received.items() if n > 1}
    print(
        f"\nqueued {total}, received before kill {received_before_kill}, received after rerun "
        f"{len(smtp.messages) - received_before_kill} ({reruns} reruns), "
        f"duplicates {sum(n - 1 for n in duplicates.values())} "
        f"(in flight at the kill: {len(in_flight)})"
    )
    assert set(received) == set(queued)  # nothing lost, nothing made up
    assert duplicates.keys() <= in_flight and set(duplicates.values()) <= {2}
    assert {mid: state for mid, (state, _) in final.items()} == dict.fromkeys(queued, "sent")
    # The killed attempt counts, so a message that kills its sender cannot loop for ever.
    assert {mid for mid, (_, attempts) in final.items() if attempts != 1} == in_flight
    assert {attempts for mid, (_, attempts) in final.items() if mid in in_flight} <= {2}
    with sqlite3.connect(database) as db:
        events = db.execute(
            "SELECT data FROM concierge_ticketevent WHERE kind = ?",
            [TicketEvent.Kind.EMAIL_SENT],
        ).fetchall()
        outbound_ids = {row[0] for row in db.execute("SELECT id FROM concierge_outboundemail")}
    sent_events = Counter(json.loads(data)["outbound"] for (data,) in events)
    assert sent_events == dict.fromkeys(outbound_ids, 1)  # each ticket says "sent" once
    recipients = {address for message in smtp.messages for address in message.envelope_to}
    assert recipients == {f"person{i}@example.org" for i in range(total)}
