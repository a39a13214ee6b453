"""Queues and the dashboard."""

import statistics
from datetime import timedelta

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from concierge import sla
from concierge.models import Ticket
from concierge.queues import (
    DEFAULT_QUEUE,
    QUEUES,
    QUEUES_BY_SLUG,
    triage_order,
    visible_tickets,
)
from concierge.staff.access import concierge_required
from concierge.staff.filters import TicketFilter

PAGE_SIZE = 50
DASHBOARD_PERIODS = (7, 30, 90, 365)


@concierge_required
def queue(request: HttpRequest, queue: str = DEFAULT_QUEUE) -> HttpResponse:
    current = QUEUES_BY_SLUG.get(queue)
    if current is None:
        raise Http404
    now = timezone.now()
    base = visible_tickets()
    counts = {q.slug: q.filter(base, user=request.user, now=now).count() for q in QUEUES}
    tickets = (
        current.filter(base, user=request.user, now=now)
        .select_related("requester", "assignee")
        .prefetch_related("tags")
    )
    filterset = TicketFilter(request.GET or None, queryset=tickets)
    page = Paginator(triage_order(filterset.qs.distinct()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for ticket in page:
        ticket.overdue = sla.is_overdue(ticket, now=now)
    query = request.GET.copy()
    query.pop("page", None)
    response = render(
        request,
        "concierge/staff/queue.html",
        {
            "queues": [(q, counts[q.slug]) for q in QUEUES],
            "current": current,
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
        },
    )
    if filterset.is_bound and not filterset.is_valid():
        response.status_code = 400
    return response


def _bars(rows: list[tuple[str, int]]) -> list[dict]:
    top = max((count for _label, count in rows), default=0) or 1
    return [
        {"label": label, "count": count, "width": round(100 * count / top, 1)}
        for label, count in rows
    ]


def _counts(tickets, field: str) -> list[tuple[str, int]]:
    return list(
        tickets.values_list(field).annotate(n=Count("pk", distinct=True)).order_by("-n", field)
    )


@concierge_required
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 0
    if days not in DASHBOARD_PERIODS:
        days = 30
    now = timezone.now()
    tickets = visible_tickets().filter(created_at__gte=now - timedelta(days=days))
    statuses = dict(Ticket.Status.choices)
    by_status = [(statuses.get(code, code), n) for code, n in _counts(tickets, "status")]
    by_country = [
        ((countries.name(code) or code) if code else _("Not given"), n)
        for code, n in _counts(tickets, "requester__country")
    ]
    languages = dict(settings.LANGUAGES)
    by_language = [
        (str(languages.get(code, code)), n)
        for code, n in _counts(tickets, "requester__preferred_language")
    ]
    responded = tickets.filter(first_responded_at__isnull=False).only(
        "created_at", "first_responded_at", "sla_paused_seconds"
    )
    seconds = [s for s in (sla.response_seconds(t) for t in responded) if s is not None]
    median = statistics.median(seconds) if seconds else None
    open_tickets = visible_tickets()
    return render(
        request,
        "concierge/staff/dashboard.html",
        {
            "days": days,
            "periods": DASHBOARD_PERIODS,
            "total": tickets.count(),
            "by_status": _bars(by_status),
            "by_country": _bars(by_country),
            "by_language": _bars(by_language),
            "median_minutes": round(median / 60) if median is not None else None,
            "responded": len(seconds),
            "overdue": QUEUES_BY_SLUG["overdue"].filter(open_tickets, user=request.user).count(),
            "urgent": QUEUES_BY_SLUG["urgent"].filter(open_tickets, user=request.user).count(),
        },
    )
