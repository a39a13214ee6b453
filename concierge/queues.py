"""The triage queues, and the order every list of tickets is shown in."""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from concierge.models import Ticket

ACTIVE = [Ticket.Status.NEW, Ticket.Status.OPEN]


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str

    def filter(self, queryset: QuerySet, *, user, now=None) -> QuerySet:
        return QUEUE_FILTERS[self.slug](queryset, user, now or timezone.now())


QUEUE_FILTERS = {
    "open": lambda qs, user, now: qs.open(),
    "unassigned": lambda qs, user, now: qs.open().filter(assignee__isnull=True),
    "mine": lambda qs, user, now: qs.open().filter(assignee=user),
    "urgent": lambda qs, user, now: qs.open().filter(priority=Ticket.Priority.URGENT),
    "waiting": lambda qs, user, now: qs.filter(status=Ticket.Status.WAITING),
    "overdue": lambda qs, user, now: qs.filter(
        status__in=ACTIVE,
        first_responded_at__isnull=True,
        sla_paused_at__isnull=True,
        first_response_due__lte=now,
    ),
}

QUEUES = [
    Queue("unassigned", _("Unassigned")),
    Queue("mine", _("Mine")),
    Queue("urgent", _("Urgent")),
    Queue("waiting", _("Waiting on requester")),
    Queue("overdue", _("Overdue for first response")),
    Queue("open", _("All open")),
]
QUEUES_BY_SLUG = {queue.slug: queue for queue in QUEUES}
DEFAULT_QUEUE = "open"


def visible_tickets() -> QuerySet:
    """Tickets staff work on: merged tickets live on in the ticket they went into."""
    return Ticket.objects.filter(merged_into__isnull=True)


def triage_order(queryset: QuerySet) -> QuerySet:
    """Urgent first, then by priority, then the oldest first."""
    rank = Case(
        When(priority=Ticket.Priority.URGENT, then=Value(0)),
        When(priority=Ticket.Priority.HIGH, then=Value(1)),
        When(priority=Ticket.Priority.NORMAL, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    return queryset.annotate(priority_rank=rank).order_by("priority_rank", "created_at", "pk")


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Reference, subject, requester and message text (case-insensitive)."""
    text = text.strip()
    if not text:
        return queryset
    by_reference = Ticket.objects.by_reference(text).values("pk")
    return queryset.filter(
        Q(pk__in=by_reference)
        | Q(subject__icontains=text)
        | Q(requester__email__icontains=text)
        | Q(requester__name__icontains=text)
        | Q(pk__in=Ticket.objects.filter(messages__body_text__icontains=text).values("pk"))
    )
