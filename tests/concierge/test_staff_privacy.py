"""Retention purge, per-requester export and erase: data goes, the audit trail stays."""

import json
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from concierge.models import (
    AccessLog,
    Attachment,
    InboundMessage,
    Message,
    OutboundEmail,
    Requester,
    Ticket,
)
from concierge.privacy import tickets_purge
from tests.concierge.conftest import make_email
from tests.concierge.staff_factories import concierge_user, login, staff_url

pytestmark = pytest.mark.django_db


def with_attachment(ticket: Ticket, data: bytes = b"%PDF-1.4 letter") -> Attachment:
    message = ticket.messages.filter(direction="inbound").first()
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    attachment = Attachment(
        message=message,
        filename="letter.pdf",
        content_type="application/pdf",
        declared_content_type="application/pdf",
        size=len(data),
        sha256=digest,
    )
    attachment.file.save("letter.pdf", ContentFile(data), save=False)
    attachment.save()
    return attachment


def raw_mail_mentions(text: str) -> bool:
    return any(
        text.encode() in bytes(raw) for raw in InboundMessage.objects.values_list("raw", flat=True)
    )


def closed_long_ago(ticket: Ticket, days: int) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Ticket.Status.CLOSED, updated_at=timezone.now() - timedelta(days=days)
    )


@pytest.fixture
def tickets(ingest, client):
    old = ingest(make_email(sender="old@example.org", body="old story")).ticket
    recent = ingest(make_email(sender="recent@example.org", body="recent story")).ticket
    still_open = ingest(make_email(sender="open@example.org", body="open story")).ticket
    both = ingest(make_email(sender="both@example.org", body="first of two")).ticket
    both_new = ingest(make_email(sender="both@example.org", body="second of two")).ticket
    attachment = with_attachment(old)
    closed_long_ago(old, 400)
    closed_long_ago(recent, 10)
    closed_long_ago(both, 400)
    Ticket.objects.filter(pk=still_open.pk).update(updated_at=timezone.now() - timedelta(days=900))
    # Someone looked at the old ticket once: that record must outlive the ticket.
    login(client, concierge_user())
    client.get(staff_url("ticket", old.reference))
    return {
        "old": old,
        "recent": recent,
        "open": still_open,
        "both": both,
        "both_new": both_new,
        "attachment": attachment,
    }


def test_dry_run_counts_and_deletes_nothing(tickets):
    before = (Ticket.objects.count(), Message.objects.count(), InboundMessage.objects.count())
    totals = tickets_purge(older_than_days=365, dry_run=True)
    assert totals.tickets == 2
    assert totals.attachments == 1
    assert (
        Ticket.objects.count(),
        Message.objects.count(),
        InboundMessage.objects.count(),
    ) == before


def test_purge_erases_old_closed_tickets_with_everything_and_keeps_the_audit_trail(
    tickets, django_capture_on_commit_callbacks, capsys
):
    old, both = tickets["old"], tickets["both"]
    stored = tickets["attachment"].file
    assert stored.storage.exists(stored.name)
    assert raw_mail_mentions("old story")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_tickets", "--older-than", "365")
    output = capsys.readouterr().out
    assert "Erased 2 closed tickets older than 365 days" in output
    assert "2/2 tickets" in output
    assert set(Ticket.objects.values_list("pk", flat=True)) == {
        tickets["recent"].pk,
        tickets["open"].pk,
        tickets["both_new"].pk,
    }
    for gone in (old, both):
        assert not Message.objects.filter(ticket_id=gone.pk).exists()
        assert not InboundMessage.objects.filter(ticket_id=gone.pk).exists()
        assert not OutboundEmail.objects.filter(ticket_id=gone.pk).exists()
    assert not raw_mail_mentions("old story")
    assert raw_mail_mentions("recent story")
    assert not stored.storage.exists(stored.name)
    # A requester left with no tickets goes; one with another ticket stays.
    assert not Requester.objects.filter(email="old@example.org").exists()
    assert Requester.objects.filter(email="both@example.org").exists()
    # The audit trail: the earlier view of the old ticket, and one purge row per ticket.
    assert AccessLog.objects.filter(action="ticket_viewed", ticket_reference=old.reference).exists()
    purged = AccessLog.objects.filter(action="ticket_purged")
    assert set(purged.values_list("ticket_reference", flat=True)) == {old.reference, both.reference}
    assert all("story" not in json.dumps(row.data) for row in AccessLog.objects.all())


def test_purge_refuses_a_nonsense_period():
    with pytest.raises(CommandError):
        call_command("purge_tickets", "--older-than", "0")


def test_dry_run_command(tickets, capsys):
    call_command("purge_tickets", "--older-than", "5", "--dry-run")
    assert "Would erase 3 closed tickets older than 5 days" in capsys.readouterr().out
    assert Ticket.objects.count() == 5


def test_export_has_everything_about_the_requester_as_a_json_download(client, ingest):
    ticket = ingest(make_email(sender="Ana <ana@example.org>", body="My whole story")).ticket
    other = ingest(make_email(sender="someone@example.org", body="Not Ana's")).ticket
    staff = concierge_user()
    login(client, staff)
    client.post(staff_url("ticket_note", ticket.reference), {"body": "Called her back"})
    response = client.post(staff_url("requester_export", ticket.requester_id))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["requester"]["email"] == "ana@example.org"
    assert [t["reference"] for t in data["tickets"]] == [ticket.reference]
    bodies = [m["body_text"] for t in data["tickets"] for m in t["messages"]]
    assert any("My whole story" in body for body in bodies)
    assert "Called her back" in bodies
    assert other.reference not in response.content.decode()
    entry = AccessLog.objects.get(action="requester_exported")
    assert entry.actor == staff and entry.requester_id == ticket.requester_id


def test_erase_needs_the_address_typed_then_removes_everything_but_the_log(
    client, ingest, django_capture_on_commit_callbacks
):
    ticket = ingest(make_email(sender="Ana <ana@example.org>", body="Please forget me")).ticket
    follow_up = ingest(make_email(sender="ana@example.org", body="Second ticket")).ticket
    kept = ingest(make_email(sender="someone@example.org", body="Keep me")).ticket
    attachment = with_attachment(ticket)
    assert raw_mail_mentions("forget me")
    staff = concierge_user()
    login(client, staff)
    client.get(staff_url("ticket", ticket.reference))
    url = staff_url("requester_erase", ticket.requester_id)
    page = client.get(url)
    assert page.status_code == 200 and "2 tickets" in page.content.decode()
    wrong = client.post(url, {"confirm_email": "someone@example.org"})
    assert wrong.status_code == 400
    assert Requester.objects.filter(pk=ticket.requester_id).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm_email": "ANA@example.org"})
    assert response.status_code == 302
    assert not Requester.objects.filter(email__iexact="ana@example.org").exists()
    assert not Ticket.objects.filter(pk__in=[ticket.pk, follow_up.pk]).exists()
    assert not Message.objects.filter(body_text__contains="forget me").exists()
    assert not raw_mail_mentions("forget me")
    assert raw_mail_mentions("Keep me")
    assert not attachment.file.storage.exists(attachment.file.name)
    assert Ticket.objects.filter(pk=kept.pk).exists()
    erased = AccessLog.objects.get(action="requester_erased")
    assert erased.actor == staff and erased.requester_id == ticket.requester_id
    assert set(erased.data["tickets"]) == {ticket.reference, follow_up.reference}
    assert AccessLog.objects.filter(action="ticket_viewed", ticket_id=ticket.pk).exists()
    assert "ana@example.org" not in json.dumps(list(AccessLog.objects.values("data")))
