"""Service levels: when the first response is due, and the clock that stops while we wait.

The due time is `created_at + CONCIERGE_FIRST_RESPONSE_HOURS[priority] + time paused`.
While the ticket waits on the requester the clock is paused (`sla_paused_at`); when it
leaves that state the paused time is added to the due time, so the team is not blamed
for time the requester had the ball.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone


def first_response_hours(priority: str) -> float:
    hours = settings.CONCIERGE_FIRST_RESPONSE_HOURS
    return float(hours.get(priority, hours.get("normal", 24)))


def due_for(ticket) -> datetime | None:
    """The first-response due time from priority and time paused so far (None: responded)."""
    if ticket.first_responded_at is not None:
        return ticket.first_response_due
    created = ticket.created_at or timezone.now()
    paused = timedelta(seconds=ticket.sla_paused_seconds or 0)
    return created + timedelta(hours=first_response_hours(ticket.priority)) + paused


def refresh_due(ticket) -> None:
    """Recompute `first_response_due` after a priority change (not saved)."""
    if ticket.first_responded_at is None:
        ticket.first_response_due = due_for(ticket)


def pause(ticket, *, at: datetime | None = None) -> None:
    """Stop the clock (not saved); a no-op when it is stopped or the response was given."""
    if ticket.sla_paused_at is None and ticket.first_responded_at is None:
        ticket.sla_paused_at = at or timezone.now()


def resume(ticket, *, at: datetime | None = None) -> None:
    """Restart the clock, moving the due time on by the time paused (not saved)."""
    if ticket.sla_paused_at is None:
        return
    now = at or timezone.now()
    paused = max(0, int((now - ticket.sla_paused_at).total_seconds()))
    ticket.sla_paused_seconds = (ticket.sla_paused_seconds or 0) + paused
    ticket.sla_paused_at = None
    refresh_due(ticket)


def record_first_response(ticket, *, at: datetime | None = None) -> None:
    """Stop the clock for good: the first response was sent (not saved)."""
    if ticket.first_responded_at is not None:
        return
    now = at or timezone.now()
    resume(ticket, at=now)
    ticket.first_responded_at = now


def apply_status(ticket, new_status: str, *, at: datetime | None = None) -> None:
    """Pause or resume the clock for a status change (not saved)."""
    from concierge.models import Ticket

    if new_status == Ticket.Status.WAITING:
        pause(ticket, at=at)
    else:
        resume(ticket, at=at)


SLA_FIELDS = ["first_response_due", "first_responded_at", "sla_paused_at", "sla_paused_seconds"]


def is_overdue(ticket, *, now: datetime | None = None) -> bool:
    return (
        ticket.first_responded_at is None
        and ticket.sla_paused_at is None
        and ticket.first_response_due is not None
        and ticket.first_response_due <= (now or timezone.now())
        and ticket.status in {"new", "open"}
    )


def response_seconds(ticket) -> float | None:
    """How long the first response took, not counting time paused."""
    if ticket.first_responded_at is None or ticket.created_at is None:
        return None
    taken = (ticket.first_responded_at - ticket.created_at).total_seconds()
    return max(0.0, taken - (ticket.sla_paused_seconds or 0))
