"""Permission matrix: every staff URL for anonymous, ordinary staff, curator and concierge."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import get_resolver

from concierge.models import AccessLog, Attachment, Requester, Ticket
from tests.concierge.staff_factories import (
    MessageFactory,
    TicketFactory,
    UserFactory,
    concierge_user,
    curator_user,
    login,
    staff_url,
)

pytestmark = pytest.mark.django_db

SECRET_SUBJECT = "Private matter nobody else may read"


@pytest.fixture
def world():
    ticket = TicketFactory(subject=SECRET_SUBJECT)
    message = MessageFactory(ticket=ticket)
    other = TicketFactory(requester=ticket.requester)
    attachment = Attachment(
        message=message,
        filename="notes.txt",
        content_type="text/plain",
        declared_content_type="text/plain",
        size=5,
        sha256="a" * 64,
    )
    attachment.file.save("ignored", ContentFile(b"hello"), save=False)
    attachment.save()
    return {"ticket": ticket, "other": other, "attachment": attachment}


# (url name, method, args from the world, POST data, status for a concierge member)
MATRIX = [
    ("home", "get", lambda w: [], {}, 200),
    ("queue", "get", lambda w: ["unassigned"], {}, 200),
    ("dashboard", "get", lambda w: [], {}, 200),
    ("ticket", "get", lambda w: [w["ticket"].reference], {}, 200),
    ("ticket_reply", "post", lambda w: [w["ticket"].reference], {"body": "Hello"}, 302),
    ("ticket_note", "post", lambda w: [w["ticket"].reference], {"body": "Seen"}, 302),
    ("ticket_update", "post", lambda w: [w["ticket"].reference], {"priority": "high"}, 302),
    (
        "ticket_merge",
        "post",
        lambda w: [w["other"].reference],
        {"target": "__ticket__"},
        302,
    ),
    ("ticket_presence", "get", lambda w: [w["ticket"].reference], {}, 200),
    ("attachment", "get", lambda w: [w["attachment"].pk], {}, 200),
    ("requester", "get", lambda w: [w["ticket"].requester_id], {}, 200),
    ("requester_export", "post", lambda w: [w["ticket"].requester_id], {}, 200),
    ("requester_erase", "get", lambda w: [w["ticket"].requester_id], {}, 200),
    (
        "requester_erase",
        "post",
        lambda w: [w["ticket"].requester_id],
        {"confirm_email": "someone-else@example.org"},
        400,
    ),
]


def make_user(kind: str):
    if kind == "anonymous":
        return None
    if kind == "staff":
        return UserFactory(username="ordinary-staff")
    if kind == "curator":
        return curator_user()
    if kind == "superuser":
        return UserFactory(username="root", is_superuser=True)
    if kind == "inactive-concierge":
        return concierge_user("former", is_active=False)
    return concierge_user()


def request(client, world, name, method, args, data):
    url = staff_url(name, *args(world))
    data = {k: (world["ticket"].reference if v == "__ticket__" else v) for k, v in data.items()}
    return getattr(client, method)(url, data) if method == "post" else client.get(url)


@pytest.mark.parametrize("kind", ["anonymous", "staff", "curator", "superuser"])
@pytest.mark.parametrize(("name", "method", "args", "data", "ok"), MATRIX)
def test_only_concierge_members_get_in(client, world, kind, name, method, args, data, ok):
    user = make_user(kind)
    if user is not None:
        login(client, user)
    tickets, messages = Ticket.objects.count(), world["ticket"].messages.count()
    response = request(client, world, name, method, args, data)
    if kind == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    else:
        assert response.status_code == 403
    assert SECRET_SUBJECT.encode() not in response.content
    # Nothing changed and nothing was recorded as seen.
    assert Ticket.objects.count() == tickets
    assert world["ticket"].messages.count() == messages
    assert Requester.objects.filter(pk=world["ticket"].requester_id).exists()
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(("name", "method", "args", "data", "ok"), MATRIX)
def test_concierge_members_get_in(client, world, name, method, args, data, ok):
    login(client, concierge_user())
    response = request(client, world, name, method, args, data)
    assert response.status_code == ok, response.content[:500]


def test_an_inactive_member_is_not_let_in(client, world):
    user = concierge_user("former")
    login(client, user)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(staff_url("ticket", world["ticket"].reference))
    assert response.status_code == 302
    assert SECRET_SUBJECT.encode() not in response.content


def test_the_matrix_covers_every_staff_url():
    resolver = get_resolver()
    staff = resolver.namespace_dict["staff"][1]
    names = {pattern.name for pattern in staff.url_patterns}
    assert names == {row[0] for row in MATRIX}


def test_staff_pages_are_never_cached_and_not_indexed(client, world):
    login(client, concierge_user())
    response = client.get(staff_url("ticket", world["ticket"].reference))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert b'<meta name="robots" content="noindex, nofollow">' in response.content


def test_staff_pages_exist_in_every_language(client, world, settings):
    login(client, concierge_user())
    for language in settings.LANGUAGE_CODES:
        url = staff_url("ticket", world["ticket"].reference, language=language)
        assert url.startswith(f"/{language}/staff/")
        response = client.get(url)
        assert response.status_code == 200
        assert f'<html lang="{language}"'.encode() in response.content


def test_unknown_queue_and_ticket_are_404(client, world):
    login(client, concierge_user())
    assert client.get(staff_url("queue", "nonsense")).status_code == 404
    assert client.get(staff_url("ticket", "BL-999999")).status_code == 404
    assert client.get(staff_url("ticket", "not-a-reference")).status_code == 404
    assert client.get(staff_url("requester", 999999)).status_code == 404
    assert client.get(staff_url("attachment", 999999)).status_code == 404


def test_wrong_methods_are_refused(client, world):
    login(client, concierge_user())
    reference = world["ticket"].reference
    assert client.get(staff_url("ticket_reply", reference)).status_code == 405
    export = staff_url("requester_export", world["ticket"].requester_id)
    assert client.get(export).status_code == 405
    assert client.post(staff_url("ticket", reference)).status_code == 405


def test_attachment_is_a_download_that_browsers_do_not_sniff(client, world):
    login(client, concierge_user())
    response = client.get(staff_url("attachment", world["attachment"].pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="notes.txt"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"hello"


def test_attachment_not_stored_is_404(client, world):
    login(client, concierge_user())
    Attachment.objects.filter(pk=world["attachment"].pk).update(file="", omitted_reason="too big")
    assert client.get(staff_url("attachment", world["attachment"].pk)).status_code == 404


def test_setup_command_creates_the_group_and_adds_users(db):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    user = UserFactory(username="newcomer", is_staff=False)
    call_command("setup_concierge_group", "--add", "newcomer")
    user.refresh_from_db()
    assert user.groups.filter(name="concierge").exists()
    assert user.is_staff
    perms = set(user.get_all_permissions())
    assert "concierge.change_crisisrule" in perms
    assert "concierge.add_savedreply" in perms
    # Tickets and messages are only reachable through the audited staff pages.
    assert "concierge.view_ticket" not in perms
    assert "concierge.view_message" not in perms
    with pytest.raises(CommandError):
        call_command("setup_concierge_group", "--add", "nobody-by-that-name")
