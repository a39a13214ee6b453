"""Queues, filters, search and ordering; assigning and tagging from the ticket page."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from concierge.models import AccessLog, Tag, Ticket
from concierge.queues import QUEUES
from tests.concierge.staff_factories import (
    MessageFactory,
    RequesterFactory,
    TicketFactory,
    concierge_user,
    login,
    staff_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = concierge_user(email="me@staff.example")
    login(client, user)
    return user


def listed(client, queue="open", query=""):
    html = client.get(staff_url("queue", queue) + query).content.decode()
    tbody = html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""
    return [
        ref for ref in Ticket.objects.values_list("reference", flat=True) if ref in tbody
    ], tbody


def aged(ticket, hours):
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - timedelta(hours=hours))
    return ticket


def test_each_queue_holds_the_right_tickets(client, staff):
    colleague = concierge_user("colleague")
    now = timezone.now()
    unassigned = TicketFactory()
    mine = TicketFactory(assignee=staff, status=Ticket.Status.OPEN)
    theirs = TicketFactory(assignee=colleague)
    urgent = TicketFactory(priority=Ticket.Priority.URGENT, assignee=colleague)
    waiting = TicketFactory(status=Ticket.Status.WAITING, sla_paused_at=now)
    overdue = TicketFactory(first_response_due=now - timedelta(minutes=5))
    closed = TicketFactory(status=Ticket.Status.CLOSED)
    expected = {
        "unassigned": {unassigned, waiting, overdue},
        "mine": {mine},
        "urgent": {urgent},
        "waiting": {waiting},
        "overdue": {overdue},
        "open": {unassigned, mine, theirs, urgent, waiting, overdue},
    }
    assert set(expected) == {queue.slug for queue in QUEUES}
    for slug, tickets in expected.items():
        references, _ = listed(client, slug)
        assert set(references) == {t.reference for t in tickets}, slug
        assert closed.reference not in references


def test_urgent_first_then_oldest(client, staff):
    young_normal = aged(TicketFactory(), 1)
    old_normal = aged(TicketFactory(), 30)
    young_urgent = aged(TicketFactory(priority=Ticket.Priority.URGENT), 1)
    old_urgent = aged(TicketFactory(priority=Ticket.Priority.URGENT), 5)
    low = aged(TicketFactory(priority=Ticket.Priority.LOW), 100)
    high = aged(TicketFactory(priority=Ticket.Priority.HIGH), 2)
    _, tbody = listed(client)
    order = sorted(
        [young_normal, old_normal, young_urgent, old_urgent, low, high],
        key=lambda t: tbody.index(t.reference),
    )
    assert order == [old_urgent, young_urgent, high, old_normal, young_normal, low]


def test_filters(client, staff):
    tag = Tag.objects.create(name="visa")
    jp = TicketFactory(requester=RequesterFactory(country="JP", preferred_language="ja"))
    de = TicketFactory(requester=RequesterFactory(country="DE", preferred_language="de"))
    de.tags.add(tag)
    high = TicketFactory(priority=Ticket.Priority.HIGH, assignee=staff, status=Ticket.Status.OPEN)
    assert listed(client, query="?country=JP")[0] == [jp.reference]
    assert listed(client, query="?language=de")[0] == [de.reference]
    assert listed(client, query=f"?tag={tag.pk}")[0] == [de.reference]
    assert listed(client, query="?priority=high")[0] == [high.reference]
    assert listed(client, query="?status=open")[0] == [high.reference]
    assert listed(client, query=f"?assignee={staff.pk}")[0] == [high.reference]
    assert set(listed(client, query="?assignee=none")[0]) == {jp.reference, de.reference}
    assert set(listed(client, query="?status=new&status=open")[0]) == {
        jp.reference,
        de.reference,
        high.reference,
    }


def test_search_by_reference_subject_requester_and_message_text(client, staff):
    one = TicketFactory(subject="Panic attacks before shows")
    two = TicketFactory(requester=RequesterFactory(email="drummer@band.example", name="Sam"))
    three = TicketFactory()
    MessageFactory(ticket=three, body_text="My manager wants me back on stage tomorrow")
    assert listed(client, query="?q=panic")[0] == [one.reference]
    assert listed(client, query="?q=DRUMMER@band")[0] == [two.reference]
    assert listed(client, query="?q=on+stage+tomorrow")[0] == [three.reference]
    assert listed(client, query=f"?q={two.reference.lower()}")[0] == [two.reference]


def test_a_bad_filter_value_is_a_400_with_the_form_not_a_crash(client, staff):
    TicketFactory()
    for query in ("?priority=apocalyptic", "?tag=abc", "?country=XX", "?assignee=999"):
        response = client.get(staff_url("queue", "open") + query)
        assert response.status_code == 400, query
        assert "Select a valid choice" in response.content.decode()


def test_pages_of_fifty(client, staff):
    TicketFactory.create_batch(51)
    html = client.get(staff_url("queue", "open")).content.decode()
    assert html.count('<tr class="priority-') == 50
    assert "Page 1 of 2" in html
    page2 = client.get(staff_url("queue", "open") + "?page=2").content.decode()
    assert page2.count('<tr class="priority-') == 1
    assert client.get(staff_url("queue", "open") + "?page=zzz").status_code == 200


def test_assign_to_me_unassign_and_tags(client, staff, django_capture_on_commit_callbacks):
    ticket = TicketFactory(subject="Confidential subject")
    url = staff_url("ticket_update", ticket.reference)
    assert client.post(url, {"assignee": staff.pk}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee == staff
    assert ticket.events.get(kind="assigned").data["to_id"] == staff.pk
    colleague = concierge_user("colleague", email="colleague@staff.example")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"assignee": colleague.pk})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["colleague@staff.example"]
    assert ticket.reference in mail.outbox[0].subject
    assert "Confidential subject" not in mail.outbox[0].subject + mail.outbox[0].body
    client.post(url, {"assignee": ""})
    ticket.refresh_from_db()
    assert ticket.assignee is None
    existing = Tag.objects.create(name="grant")
    client.post(url, {"tags_submitted": "1", "tags": [existing.pk], "new_tags": "visa, tour "})
    assert set(ticket.tags.values_list("name", flat=True)) == {"grant", "visa", "tour"}
    client.post(url, {"tags_submitted": "1", "tags": [existing.pk]})
    assert set(ticket.tags.values_list("name", flat=True)) == {"grant"}
    changes = AccessLog.objects.filter(action="ticket_changed", ticket_id=ticket.pk)
    assert changes.count() == 5
    assert changes.filter(data__tags__removed=["tour", "visa"]).exists()


def test_assignee_must_be_a_concierge_member(client, staff):
    outsider = concierge_user("outsider")
    outsider.groups.clear()
    ticket = TicketFactory()
    response = client.post(staff_url("ticket_update", ticket.reference), {"assignee": outsider.pk})
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_nothing_changed_records_nothing(client, staff):
    ticket = TicketFactory(priority=Ticket.Priority.NORMAL)
    client.post(staff_url("ticket_update", ticket.reference), {"priority": "normal"})
    assert not AccessLog.objects.filter(action="ticket_changed").exists()


@pytest.mark.parametrize("tag_id", ["99999999999999999999999", "-99999999999999999999999"])
def test_a_tag_id_beyond_the_database_range_is_a_400_not_a_crash(client, staff, tag_id):
    ticket = TicketFactory()
    url = staff_url("ticket_update", ticket.reference)
    response = client.post(url, {"tags_submitted": "1", "tags": [tag_id]})
    assert response.status_code == 400
    assert f"Select a valid choice. {tag_id} is not one of the available choices." in (
        response.content.decode()
    )
    assert not ticket.tags.exists()
