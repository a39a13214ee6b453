"""First-response due times, paused while waiting on the requester; overdue queue; dashboard."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from concierge import sla, triage
from concierge.models import Ticket
from concierge.queues import QUEUES_BY_SLUG, visible_tickets
from concierge.services import ticket_create
from tests.concierge.conftest import make_email
from tests.concierge.staff_factories import RequesterFactory, concierge_user, login, staff_url

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOURS = settings.CONCIERGE_FIRST_RESPONSE_HOURS


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def overdue_ids(user) -> set[int]:
    queue = QUEUES_BY_SLUG["overdue"]
    return set(queue.filter(visible_tickets(), user=user).values_list("pk", flat=True))


@pytest.fixture
def staff(client):
    user = concierge_user()
    login(client, user)
    return user


def new_ticket(priority=Ticket.Priority.NORMAL) -> Ticket:
    return ticket_create(
        requester=RequesterFactory(),
        subject="Help",
        source="email",
        priority=priority,
    )


def test_due_time_comes_from_the_priority_setting():
    with time_machine.travel(T0, tick=False):
        for priority in Ticket.Priority.values:
            ticket = new_ticket(priority)
            assert ticket.first_response_due == at(HOURS[priority])
            assert sla.due_for(ticket) == at(HOURS[priority])


def test_clock_pauses_while_waiting_and_resumes_when_the_requester_answers(
    client, staff, ingest, django_capture_on_commit_callbacks
):
    with time_machine.travel(T0, tick=False):
        inbound = ingest(make_email(message_id="<q.1@example.org>"))
        ticket = inbound.ticket
        assert ticket.first_response_due == at(24)
    with time_machine.travel(at(2), tick=False):
        response = client.post(
            staff_url("ticket_update", ticket.reference), {"status": Ticket.Status.WAITING}
        )
        assert response.status_code == 302
        ticket.refresh_from_db()
        assert ticket.sla_paused_at == at(2)
    with time_machine.travel(at(30), tick=False):
        login(client, staff)  # sessions last a working day
        assert ticket.pk not in overdue_ids(staff)  # past the original due time, but paused
        html = client.get(staff_url("ticket", ticket.reference)).content.decode()
        assert "Response clock paused while waiting on the requester" in html
    with time_machine.travel(at(10), tick=False):
        ingest(
            make_email(
                subject="Re: I need someone to talk to",
                body="Here is the information you asked for.",
                headers={"In-Reply-To": "<q.1@example.org>"},
            )
        )
        ticket.refresh_from_db()
        assert ticket.status == Ticket.Status.OPEN
        assert ticket.sla_paused_at is None
        assert ticket.sla_paused_seconds == 8 * 3600
        assert ticket.first_response_due == at(32)
    with time_machine.travel(at(31), tick=False):
        assert ticket.pk not in overdue_ids(staff)
    with time_machine.travel(at(33), tick=False):
        login(client, staff)
        assert ticket.pk in overdue_ids(staff)
        html = client.get(staff_url("queue", "overdue")).content.decode()
        assert ticket.reference in html and "Overdue" in html
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                staff_url("ticket_reply", ticket.reference), {"body": "Sorry for the wait."}
            )
        ticket.refresh_from_db()
        assert ticket.first_responded_at == at(33)
        assert ticket.pk not in overdue_ids(staff)
        assert sla.response_seconds(ticket) == 25 * 3600  # 33 hours less 8 paused
        html = client.get(staff_url("dashboard") + "?days=7").content.decode()
        assert "1500 minutes" in html


def test_priority_change_moves_the_due_time_and_keeps_paused_time():
    with time_machine.travel(T0, tick=False):
        ticket = new_ticket()
        user = concierge_user()
    with time_machine.travel(at(1), tick=False):
        triage.ticket_update(ticket=ticket, actor=user, status=Ticket.Status.WAITING)
    with time_machine.travel(at(4), tick=False):
        triage.ticket_update(ticket=ticket, actor=user, status=Ticket.Status.OPEN)
        triage.ticket_update(ticket=ticket, actor=user, priority=Ticket.Priority.URGENT)
        ticket.refresh_from_db()
        assert ticket.first_response_due == at(HOURS["urgent"] + 3)
        assert ticket.pk in overdue_ids(user)  # 1 h + 3 h paused = due at 4 h
        assert ticket.events.filter(kind="priority_changed", data__to="urgent").exists()


def test_after_the_first_response_waiting_no_longer_pauses_anything():
    with time_machine.travel(T0, tick=False):
        ticket = new_ticket()
        user = concierge_user()
    with time_machine.travel(at(1), tick=False):
        triage.ticket_reply(ticket=ticket, author=user, body="Hello", status_after="waiting")
        ticket.refresh_from_db()
        assert ticket.first_responded_at == at(1)
        assert ticket.sla_paused_at is None
    with time_machine.travel(at(50), tick=False):
        triage.ticket_update(ticket=ticket, actor=user, status=Ticket.Status.OPEN)
        ticket.refresh_from_db()
        assert ticket.sla_paused_seconds == 0
        assert sla.response_seconds(ticket) == 3600
        assert ticket.pk not in overdue_ids(user)


def test_waiting_before_the_first_reply_then_replied_counts_only_time_before_the_pause():
    with time_machine.travel(T0, tick=False):
        ticket = new_ticket()
        user = concierge_user()
    with time_machine.travel(at(2), tick=False):
        triage.ticket_update(ticket=ticket, actor=user, status=Ticket.Status.WAITING)
    with time_machine.travel(at(6), tick=False):
        triage.ticket_reply(ticket=ticket, author=user, body="Following up")
        ticket.refresh_from_db()
        assert ticket.sla_paused_seconds == 4 * 3600
        assert sla.response_seconds(ticket) == 2 * 3600


def test_dashboard_counts_and_median(client, staff):
    with time_machine.travel(T0, tick=False):
        fast = new_ticket()
        slow = ticket_create(
            requester=RequesterFactory(country="JP", preferred_language="ja"),
            subject="x",
            source="form",
        )
        new_ticket()
    with time_machine.travel(at(1), tick=False):
        triage.ticket_reply(ticket=fast, author=staff, body="a")
    with time_machine.travel(at(3), tick=False):
        triage.ticket_reply(ticket=slow, author=staff, body="b", status_after="resolved")
        html = client.get(staff_url("dashboard")).content.decode()
    assert "120 minutes" in html  # median of 60 and 180
    assert "Japan" in html and "Japanese" in html
    # Bars are SVG drawn on the server; no script is involved.
    assert "<svg" in html and "<rect" in html and "<script>" not in html
    assert 'width="100.0"' in html


def test_dashboard_ignores_a_bad_period(client, staff):
    response = client.get(staff_url("dashboard") + "?days=abc")
    assert response.status_code == 200
    assert '<option value="30" selected>' in response.content.decode()
