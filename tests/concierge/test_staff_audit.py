"""The access log records every view and change of a ticket: who, when, what (never text)."""

import json

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile

from concierge.models import AccessLog, Attachment, CrisisRule, SavedReply
from concierge.snippets import vetted_resources
from tests.concierge.conftest import make_email
from tests.concierge.staff_factories import (
    MessageFactory,
    TicketFactory,
    UserFactory,
    concierge_user,
    load_country,
    login,
    staff_url,
)

pytestmark = pytest.mark.django_db


def test_the_whole_triage_flow_is_in_the_audit_trail(
    client, ingest, django_capture_on_commit_callbacks
):
    """The "done when": urgent ticket → queue → ticket → threaded reply with resources."""
    load_country("GB")
    inbound = ingest(make_email(sender="Ana <ana@example.org>", body="I want to end my life."))
    ticket = inbound.ticket
    ticket.requester.country = "GB"
    ticket.requester.save()
    staff = concierge_user()
    login(client, staff)
    queue = client.get(staff_url("queue", "urgent")).content.decode()
    assert ticket.reference in queue
    page = client.get(staff_url("ticket", ticket.reference)).content.decode()
    assert 'class="crisis-panel"' in page
    client.post(staff_url("ticket_update", ticket.reference), {"assignee": staff.pk})
    resources = list(vetted_resources(country="GB", language="en").filter(type="crisis_line"))
    inserted = client.post(
        staff_url("ticket_reply", ticket.reference),
        {
            "body": "Ana, please call now:",
            "resources": [r.pk for r in resources],
            "action": "insert_resources",
        },
    )
    assert inserted.status_code == 200
    body = inserted.context["reply_form"].initial["body"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(staff_url("ticket_reply", ticket.reference), {"body": body})
    assert sent.status_code == 302
    trail = list(
        AccessLog.objects.filter(ticket_id=ticket.pk)
        .order_by("at", "pk")
        .values_list("action", "actor_username")
    )
    assert trail == [
        ("crisis_flagged", ""),
        ("ticket_viewed", staff.username),
        ("ticket_changed", staff.username),
        ("ticket_viewed", staff.username),  # the page shown again with the resources inserted
        ("reply_queued", staff.username),
    ]
    reply = ticket.outbound_emails.get(kind="reply")
    assert reply.state == "sent"
    assert resources[0].channels.first().value in reply.body_text


def test_each_view_is_logged_with_who_and_when_and_shown_on_the_page(client):
    ticket = TicketFactory()
    first, second = concierge_user("first"), concierge_user("second")
    login(client, first)
    client.get(staff_url("ticket", ticket.reference))
    login(client, second)
    html = client.get(staff_url("ticket", ticket.reference)).content.decode()
    views = AccessLog.objects.filter(action="ticket_viewed", ticket_id=ticket.pk)
    assert list(views.order_by("at", "pk").values_list("actor_username", flat=True)) == [
        "first",
        "second",
    ]
    assert all(view.at is not None for view in views)
    recently = html.split("Recently viewed by")[1]
    assert "first" in recently and "second" in recently


def test_attachment_downloads_and_requester_views_are_logged(client, ingest):
    ticket = ingest(make_email()).ticket
    attachment = Attachment(
        message=ticket.messages.first(),
        filename="a.txt",
        content_type="text/plain",
        declared_content_type="text/plain",
        size=2,
        sha256="b" * 64,
    )
    attachment.file.save("a.txt", ContentFile(b"hi"), save=False)
    attachment.save()
    login(client, concierge_user())
    client.get(staff_url("attachment", attachment.pk))
    client.get(staff_url("requester", ticket.requester_id))
    assert AccessLog.objects.filter(
        action="attachment_downloaded", ticket_id=ticket.pk, data__attachment=attachment.pk
    ).exists()
    assert AccessLog.objects.filter(
        action="requester_viewed", requester_id=ticket.requester_id
    ).exists()


def test_the_log_never_holds_message_text_or_addresses(client, ingest):
    ticket = ingest(make_email(sender="ana@example.org", body="very private words")).ticket
    login(client, concierge_user())
    client.get(staff_url("ticket", ticket.reference))
    client.post(staff_url("ticket_note", ticket.reference), {"body": "private note words"})
    client.post(staff_url("ticket_update", ticket.reference), {"priority": "high"})
    dumped = json.dumps(list(AccessLog.objects.values()), default=str)
    for text in ("very private words", "private note words", "ana@example.org"):
        assert text not in dumped


def test_the_access_log_cannot_be_edited_in_the_admin(rf):
    model_admin = admin.site._registry[AccessLog]
    request = rf.get("/")
    request.user = UserFactory(username="root", is_superuser=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.parametrize("model", [CrisisRule, SavedReply, AccessLog])
def test_admin_pages_load(client, model):
    superuser = UserFactory(username="root", is_superuser=True)
    login(client, superuser)
    SavedReply.objects.create(title="Hi", language="en", body="Hello {{ name }}")
    info = model._meta.app_label, model._meta.model_name
    assert client.get(f"/admin/{info[0]}/{info[1]}/").status_code == 200
    if model is not AccessLog:
        assert client.get(f"/admin/{info[0]}/{info[1]}/add/").status_code == 200


def test_saved_reply_admin_records_its_author(client):
    member = concierge_user(is_staff=True)
    login(client, member)
    response = client.post(
        "/admin/concierge/savedreply/add/",
        {"title": "Welcome", "language": "es", "body": "Hola {{ name }}", "is_active": "on"},
    )
    assert response.status_code == 302
    assert SavedReply.objects.get(title="Welcome").created_by == member
    bad = client.post(
        "/admin/concierge/savedreply/add/",
        {"title": "Bad", "language": "es", "body": "Hola {{ secret }}", "is_active": "on"},
    )
    assert bad.status_code == 200 and "Unknown placeholders" in bad.content.decode()


def test_tickets_and_messages_opened_in_the_admin_are_logged_too(client):
    superuser = UserFactory(username="root", is_superuser=True)
    login(client, superuser)
    ticket = TicketFactory()
    message = MessageFactory(ticket=ticket)
    assert client.get(f"/admin/concierge/ticket/{ticket.pk}/change/").status_code == 200
    assert client.get(f"/admin/concierge/message/{message.pk}/change/").status_code == 200
    views = AccessLog.objects.filter(action="ticket_viewed", ticket_id=ticket.pk, actor=superuser)
    assert sorted(views.values_list("data__model", flat=True)) == ["message", "ticket"]
    assert all(view.data["via"] == "admin" for view in views)
