"""The intake service: raw first, dedup, classification, quarantine, attachments, logs."""

import io
import logging

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from concierge import services
from concierge.models import Attachment, InboundMessage, Message, Requester, Ticket
from concierge.services import inbound_ingest, inbound_reprocess, inbound_store

from .conftest import make_email

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_new_message_opens_a_ticket_with_its_requester_and_an_acknowledgement(ingest):
    inbound = ingest(make_email(sender="Ana Lima <Ana@Example.org>"))
    assert inbound.state == InboundMessage.State.PROCESSED and inbound.created_ticket
    ticket = inbound.ticket
    assert ticket.reference == f"BL-{ticket.pk:06d}"
    assert ticket.requester.email == "ana@example.org"
    assert ticket.requester.name == "Ana Lima"
    assert ticket.first_response_due > ticket.created_at
    assert ticket.messages.get(direction="inbound").body_text.startswith("Hello, I am on tour")
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
    assert list(ticket.events.values_list("kind", flat=True)) == [
        "created",
        "message_received",
        "ack_queued",
        "email_sent",
    ]


def test_the_raw_bytes_are_kept_exactly(ingest):
    raw = make_email()
    inbound = ingest(raw)
    assert bytes(inbound.raw) == raw
    assert inbound.raw_size == len(raw)


def test_the_same_message_id_twice_is_one_message_even_with_different_bytes(ingest):
    ingest(make_email(message_id="<same@example.org>", body="first copy"))
    again = ingest(make_email(message_id="<same@Example.ORG>", body="relayed copy, new headers"))
    # The domain part of a Message-ID is case-insensitive; the local part is not.
    assert InboundMessage.objects.count() == 1 and again.pk == InboundMessage.objects.get().pk
    assert (Ticket.objects.count(), Message.objects.filter(direction="inbound").count()) == (1, 1)
    assert len(mail.outbox) == 1
    ingest(make_email(message_id="<Same@example.org>"))
    assert InboundMessage.objects.count() == 2


def test_without_a_message_id_identical_bytes_are_deduplicated(ingest):
    raw = b"From: ana@example.org\r\nSubject: no id\r\n\r\nhello\r\n"
    ingest(raw)
    ingest(raw)
    ingest(raw + b"different\r\n")
    assert InboundMessage.objects.count() == 2
    assert Ticket.objects.count() == 2


class ProcessKilled(BaseException):
    """Stands for the process dying mid-filing: no `except Exception` handler sees it."""


def test_an_attempt_that_dies_mid_filing_is_still_counted(monkeypatch):
    inbound, _created = inbound_store(raw=make_email(), source="email")

    def die(inbound):
        raise ProcessKilled

    monkeypatch.setattr(services, "_file", die)
    with pytest.raises(ProcessKilled):
        services.inbound_process_pending()
    inbound.refresh_from_db()
    assert (inbound.state, inbound.attempts) == (InboundMessage.State.NEW, 1)
    assert Ticket.objects.count() == 0


def test_a_message_that_kills_every_run_is_quarantined_and_the_rest_still_filed(
    monkeypatch, settings
):
    settings.CONCIERGE_INBOUND_MAX_ATTEMPTS = 3
    poison, _created = inbound_store(raw=make_email(subject="poison"), source="email")
    fine, _created = inbound_store(raw=make_email(subject="fine"), source="email")
    real_file = services._file

    def file_or_die(inbound):
        if inbound.pk == poison.pk:
            raise ProcessKilled
        real_file(inbound)

    monkeypatch.setattr(services, "_file", file_or_die)
    for _run in range(3):  # three runs, each killed by the poison message before `fine`
        with pytest.raises(ProcessKilled):
            services.inbound_process_pending()
    fine.refresh_from_db()
    assert fine.state == InboundMessage.State.NEW
    results = services.inbound_process_pending()  # the fourth run no longer tries it
    assert [(r.pk, r.state) for r in results] == [
        (poison.pk, InboundMessage.State.QUARANTINED),
        (fine.pk, InboundMessage.State.PROCESSED),
    ]
    poison.refresh_from_db()
    assert poison.attempts == 3
    assert poison.reason == "filing did not finish in 3 attempts: the process stopped each time"
    assert Ticket.objects.get().subject == "fine"
    # After a fix, staff reprocess it like any quarantined message.
    monkeypatch.setattr(services, "_file", real_file)
    [again] = inbound_reprocess(queryset=InboundMessage.objects.filter(pk=poison.pk))
    assert again.state == InboundMessage.State.PROCESSED and again.attempts == 4


def test_store_commits_before_parsing_and_a_crash_while_filing_loses_nothing(monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_message_create", explode)
    inbound = inbound_ingest(raw=make_email(), source="email")
    assert inbound.state == InboundMessage.State.QUARANTINED
    assert inbound.reason == "RuntimeError: disk full"
    assert Ticket.objects.count() == 0  # the half-filed ticket was rolled back
    monkeypatch.undo()
    [again] = inbound_reprocess(queryset=InboundMessage.objects.all())
    assert again.state == InboundMessage.State.PROCESSED and again.attempts == 2
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"// Not an RFC-822 Document\n", "no header fields"),
        (b"Subject: nobody sent this\r\n\r\nbody\r\n", "no usable sender"),
        (b"From: not-an-address\r\nSubject: x\r\n\r\nbody\r\n", "no usable sender"),
        (b"", "no header fields"),
    ],
)
def test_unusable_messages_are_quarantined_with_a_reason(raw, reason):
    inbound = inbound_ingest(raw=raw, source="email")
    assert inbound.state == InboundMessage.State.QUARANTINED
    assert reason in inbound.reason
    assert Ticket.objects.count() == 0


def test_nul_bytes_unknown_charsets_and_broken_mime_still_make_a_ticket(ingest):
    raw = (
        b"From: =?x-unknown?q?Ana?= <ana@example.org>\r\n"
        b"Subject: =?utf-8?q?caf=C3=A9?= \x00 test\r\n"
        b"Message-ID: <nul@example.org>\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        b"--never-closed\r\n"
        b"Content-Type: text/plain; charset=us-askey\r\n\r\n"
        b"hello\x00 there \xff\xfe\r\n"
    )
    inbound = ingest(raw)
    assert inbound.state == InboundMessage.State.PROCESSED, inbound.reason
    message = inbound.message
    assert "\x00" not in message.body_text and "hello" in message.body_text
    assert "\x00" not in message.subject and "café" in message.subject
    assert "CloseBoundaryNotFoundDefect" in inbound.defects


def test_huge_messages_keep_only_their_header_and_are_quarantined(settings):
    settings.CONCIERGE_MAX_MESSAGE_BYTES = 10_000
    raw = make_email(body="x" * 20_000)
    inbound = inbound_ingest(raw=raw, source="email")
    assert inbound.state == InboundMessage.State.QUARANTINED and inbound.is_truncated
    assert inbound.raw_size == len(raw) and len(bytes(inbound.raw)) < 1000
    assert "over the limit" in inbound.reason
    # Reprocessing cannot help a truncated copy, and does not pretend to.
    [again] = inbound_reprocess(queryset=InboundMessage.objects.all())
    assert again.state == InboundMessage.State.QUARANTINED


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated"},
        {"X-Autoreply": "yes"},
        {"X-Autorespond": "Out of office"},
        {"X-Auto-Response-Suppress": "All"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"List-Id": "<fans.example.org>"},
    ],
)
def test_automatic_mail_is_ignored_with_its_reason_and_never_answered(ingest, headers):
    inbound = ingest(make_email(headers=headers))
    assert inbound.state == InboundMessage.State.IGNORED
    name = next(iter(headers))
    assert name in inbound.reason
    assert Ticket.objects.count() == 0 and mail.outbox == []


def test_auto_submitted_no_is_a_person(ingest):
    inbound = ingest(make_email(headers={"Auto-Submitted": "no"}))
    assert inbound.created_ticket


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.org", "mailer-daemon@example.com"])
def test_mail_from_a_mailer_daemon_is_a_bounce(ingest, sender):
    inbound = ingest(make_email(sender=sender, subject="Returned"))
    assert inbound.state == InboundMessage.State.IGNORED
    assert inbound.classification == InboundMessage.Classification.BOUNCE


def test_a_bounce_for_an_unknown_ticket_marks_known_recipients_as_failing(ingest):
    requester = Requester.objects.create(email="gone@example.org")
    dsn = (
        b"From: postmaster@mx.example.org\r\nSubject: Delivery Status Notification\r\n"
        b"Message-ID: <dsn@mx.example.org>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="z"\r\n\r\n'
        b"--z\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n"
        b"--z\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        b"Final-Recipient: rfc822; GONE@example.org\r\nAction: failed\r\n--z--\r\n"
    )
    inbound = ingest(dsn)
    assert inbound.state == InboundMessage.State.IGNORED and inbound.ticket is None
    requester.refresh_from_db()
    assert requester.email_failing_since is not None


def test_mail_from_our_own_address_is_a_loop_and_ignored(ingest):
    inbound = ingest(make_email(sender="Concierge <GLOBAL@backline.care>"))
    assert inbound.state == InboundMessage.State.IGNORED and "loop" in inbound.reason


def test_html_is_sanitised_and_images_dropped(ingest):
    html = (
        '<p onclick="steal()">Hi<script>alert(1)</script>'
        '<img src="https://tracker.example/p.gif"><a href="javascript:x()">x</a></p>'
    )
    message = ingest(make_email(html=html)).message
    assert "<p>Hi" in message.body_html
    for bad in ("script", "onclick", "tracker.example", "javascript:"):
        assert bad not in message.body_html


def test_html_only_mail_gets_a_text_body(ingest):
    raw = (
        b"From: ana@example.org\r\nSubject: html\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Hello &amp; <b>thanks</b></p>\r\n"
    )
    assert ingest(raw).message.body_text == "Hello & thanks"


def test_attachments_are_stored_privately_with_the_type_sniffed_from_their_bytes(
    ingest, settings, private_files
):
    settings.CONCIERGE_MAX_ATTACHMENT_BYTES = 1000
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "ana@example.org"
    message["Subject"] = "files"
    message.set_content("see attached")
    message.add_attachment(PDF, maintype="image", subtype="png", filename="../../etc/passwd.png")
    message.add_attachment(b"\x00" * 5000, maintype="application", subtype="zip", filename="big")
    message.add_attachment(b"", maintype="application", subtype="octet-stream")
    ingest(message.as_bytes())
    small, big, empty = Attachment.objects.order_by("pk")
    assert small.content_type == "application/pdf"
    assert small.declared_content_type == "image/png"
    assert small.filename == "passwd.png" and small.size == len(PDF)
    assert (private_files / small.file.name).read_bytes() == PDF
    with pytest.raises(ValueError, match="no public URL"):
        small.file.url  # noqa: B018
    assert big.omitted_reason and not big.file
    assert empty.filename.startswith("attachment-3") and empty.content_type == "application/x-empty"


def test_the_form_headers_are_only_trusted_from_the_form(ingest):
    raw = make_email(headers={"X-Hub-Country": "BR", "X-Hub-Language": "pt-br"})
    requester = ingest(raw).ticket.requester
    assert requester.country == "" and requester.preferred_language == "en"
    form = make_email(
        sender="other@example.org", headers={"X-Hub-Country": "BR", "X-Hub-Language": "pt-br"}
    )
    requester = ingest(form, source="form").ticket.requester
    assert requester.country == "BR" and requester.preferred_language == "pt-br"


def test_content_language_sets_a_new_requesters_language(ingest):
    raw = make_email(headers={"Content-Language": "de-DE"})
    assert ingest(raw).ticket.requester.preferred_language == "de"


def test_requester_emails_are_unique_ignoring_case():
    Requester.objects.create(email="ana@example.org")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Requester.objects.create(email="ANA@example.org")


def test_logs_carry_ids_not_addresses_or_text(ingest, caplog):
    caplog.set_level(logging.DEBUG)
    ingest(make_email(sender="secret.person@example.org", subject="very private words"))
    ingest(b"Subject: private too\r\n\r\nno sender\r\n")
    text = caplog.text.lower()
    assert "inbound" in text
    for secret in ("secret.person", "example.org", "private", "struggling"):
        assert secret not in text


def test_ingest_email_command_reads_files_and_stdin_and_keeps_going(tmp_path, monkeypatch):
    good = tmp_path / "good.eml"
    good.write_bytes(make_email())
    bad = tmp_path / "bad.eml"
    bad.write_bytes(b"garbage without headers")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(make_email(sender="b@ex.org"))))
    out = io.StringIO()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command(
            "ingest_email",
            str(bad),
            str(tmp_path / "missing.eml"),
            str(good),
            "-",
            stdout=out,
            stderr=err,
        )
    assert "missing.eml: cannot read" in err.getvalue()
    assert "bad.eml: inbound" in out.getvalue() and "quarantined" in out.getvalue()
    assert Ticket.objects.count() == 2
    assert set(InboundMessage.objects.values_list("source_ref", flat=True)) == {
        "bad.eml",
        "good.eml",
        "stdin",
    }


def test_ingest_email_asks_a_mail_server_to_retry_when_the_database_is_down(tmp_path, monkeypatch):
    from django.db import OperationalError

    def database_down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("concierge.management.commands.ingest_email.inbound_ingest", database_down)
    path = tmp_path / "m.eml"
    path.write_bytes(make_email())
    with pytest.raises(CommandError, match="database unavailable") as raised:
        call_command("ingest_email", str(path))
    assert raised.value.returncode == 75


def test_reprocess_inbound_command(monkeypatch):
    monkeypatch.setattr(services, "_message_create", lambda **kw: 1 / 0)
    inbound_ingest(raw=make_email(), source="email")
    monkeypatch.undo()
    with pytest.raises(CommandError, match="No inbound message"):
        call_command("reprocess_inbound", "--id", "999")
    out = io.StringIO()
    call_command("reprocess_inbound", "--quarantined", stdout=out)
    assert "processed" in out.getvalue()
    assert InboundMessage.objects.get().state == InboundMessage.State.PROCESSED


def test_store_is_idempotent_and_reports_whether_it_created():
    first, created = inbound_store(raw=make_email(message_id="<x@example.org>"), source="email")
    second, created_again = inbound_store(
        raw=make_email(message_id="<x@example.org>"), source="imap"
    )
    assert (created, created_again) == (True, False) and first.pk == second.pk
