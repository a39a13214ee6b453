"""Merging two tickets: messages move, the merged ticket points to the one kept."""

import pytest

from concierge.models import AccessLog, Message, Tag, Ticket
from tests.concierge.conftest import make_email
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
    user = concierge_user()
    login(client, user)
    return user


def merge(client, source, target_reference, **extra):
    return client.post(
        staff_url("ticket_merge", source.reference), {"target": target_reference, **extra}
    )


def test_merge_moves_every_message_and_keeps_the_strongest_settings(client, staff):
    requester = RequesterFactory()
    target = TicketFactory(requester=requester, priority=Ticket.Priority.NORMAL)
    source = TicketFactory(
        requester=requester,
        priority=Ticket.Priority.URGENT,
        is_crisis=True,
        crisis_match={"rule_id": 1, "phrase": "suicid*", "language": "en"},
    )
    MessageFactory(ticket=target, body_text="first")
    MessageFactory(ticket=source, body_text="second")
    MessageFactory(ticket=source, body_text="third", direction=Message.Direction.NOTE)
    source.tags.add(Tag.objects.create(name="tour"))
    target.tags.add(Tag.objects.create(name="visa"))
    response = merge(client, source, target.reference)
    assert response.status_code == 302
    assert response["Location"] == staff_url("ticket", target.reference)
    target.refresh_from_db()
    source.refresh_from_db()
    assert sorted(target.messages.values_list("body_text", flat=True)) == [
        "first",
        "second",
        "third",
    ]
    assert not source.messages.exists()
    assert source.merged_into == target and source.status == Ticket.Status.CLOSED
    assert target.priority == Ticket.Priority.URGENT and target.is_crisis
    assert set(target.tags.values_list("name", flat=True)) == {"tour", "visa"}
    for ticket in (source, target):
        assert ticket.events.filter(kind="merged", actor=staff).exists()
        assert AccessLog.objects.filter(action="merged", ticket_id=ticket.pk).exists()
    # The merged ticket's page leads to the one it went into; queues no longer list it.
    page = client.get(staff_url("ticket", source.reference))
    assert page.status_code == 302 and page["Location"] == staff_url("ticket", target.reference)
    html = client.get(staff_url("queue", "open")).content.decode()
    table = html.split("<tbody>")[1]
    assert target.reference in table and source.reference not in table


def test_merging_tickets_of_different_requesters_needs_confirmation(client, staff):
    source, target = TicketFactory(), TicketFactory()
    response = merge(client, source, target.reference)
    assert response.status_code == 400
    assert "different requesters" in response.content.decode()
    source.refresh_from_db()
    assert source.merged_into is None
    response = merge(client, source, target.reference, allow_other_requester="on")
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.merged_into == target


@pytest.mark.parametrize("target", ["self", "unknown", "merged", "garbage"])
def test_impossible_merges_are_refused_with_a_message(client, staff, target):
    requester = RequesterFactory()
    source = TicketFactory(requester=requester)
    other = TicketFactory(requester=requester)
    gone = TicketFactory(requester=requester, merged_into=other)
    reference = {
        "self": source.reference,
        "unknown": "BL-999999",
        "merged": gone.reference,
        "garbage": "<script>",
    }[target]
    response = merge(client, source, reference)
    assert response.status_code == 400
    source.refresh_from_db()
    assert source.merged_into is None and source.status == Ticket.Status.NEW


def test_a_reply_to_the_merged_ticket_lands_on_the_kept_one(client, staff, ingest):
    first = ingest(make_email(message_id="<one@example.org>", subject="First")).ticket
    second = ingest(make_email(message_id="<two@example.org>", subject="Second")).ticket
    assert merge(client, second, first.reference).status_code == 302
    answer = ingest(
        make_email(subject="Re: Second", body="more", headers={"In-Reply-To": "<two@example.org>"})
    )
    assert answer.ticket == first
