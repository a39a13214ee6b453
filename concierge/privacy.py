"""Retention and data-subject requests: purge old closed tickets, export and erase a requester.

Erasing removes the tickets, their messages, attachment files, raw inbound mail and queued
outbound mail. The access log stays: it holds ids, references and who did what, no text,
and each erasure adds a row of its own.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from concierge import audit
from concierge.models import (
    AccessLog,
    Attachment,
    InboundMessage,
    Message,
    Requester,
    Ticket,
)

EXPORT_FORMAT = "backline-concierge-export/1"


def requester_export(*, requester: Requester, actor=None) -> dict:
    """Everything stored about a requester, as JSON-ready data (attachments as metadata)."""
    tickets = (
        Ticket.objects.filter(requester=requester)
        .prefetch_related("tags", "messages__attachments", "events")
        .order_by("created_at", "pk")
    )
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "requester": {
            "email": requester.email,
            "name": requester.name,
            "preferred_language": requester.preferred_language,
            "country": str(requester.country or ""),
            "created_at": requester.created_at,
        },
        "tickets": [
            {
                "reference": ticket.reference,
                "subject": ticket.subject,
                "status": ticket.status,
                "priority": ticket.priority,
                "source": ticket.source,
                "tags": [tag.name for tag in ticket.tags.all()],
                "created_at": ticket.created_at,
                "messages": [
                    {
                        "direction": message.direction,
                        "kind": message.kind,
                        "from": message.from_address,
                        "to": message.to_addresses,
                        "subject": message.subject,
                        "body_text": message.body_text,
                        "created_at": message.created_at,
                        "attachments": [
                            {
                                "filename": attachment.filename,
                                "content_type": attachment.content_type,
                                "size": attachment.size,
                                "sha256": attachment.sha256,
                            }
                            for attachment in message.attachments.all()
                        ],
                    }
                    for message in ticket.messages.all()
                    # Internal notes are staff working notes about the case, exported too:
                    # the requester is entitled to personal data held about them.
                ],
                "events": [
                    {"kind": event.kind, "at": event.at, "data": event.data}
                    for event in ticket.events.all()
                ],
            }
            for ticket in tickets
        ],
    }
    audit.record(
        action=AccessLog.Action.REQUESTER_EXPORTED,
        actor=actor,
        requester=requester,
        data={"tickets": [t["reference"] for t in data["tickets"]]},
    )
    return data


def export_json(data: dict) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


@dataclass
class Erased:
    tickets: int = 0
    messages: int = 0
    attachments: int = 0
    raw_messages: int = 0
    requesters: int = 0


def _erase_tickets(ticket_ids: list[int], totals: Erased) -> None:
    """Delete tickets with their messages, raw mail and attachment files (inside a transaction)."""
    messages = Message.objects.filter(ticket_id__in=ticket_ids)
    attachments = list(Attachment.objects.filter(message__ticket_id__in=ticket_ids))
    files = [attachment.file for attachment in attachments if attachment.file]
    raw = InboundMessage.objects.filter(
        Q(ticket_id__in=ticket_ids) | Q(message__ticket_id__in=ticket_ids)
    )
    totals.raw_messages += raw.delete()[0]
    totals.messages += messages.count()
    totals.attachments += len(attachments)
    totals.tickets += len(ticket_ids)
    Ticket.objects.filter(merged_into_id__in=ticket_ids).update(merged_into=None)
    Ticket.objects.filter(pk__in=ticket_ids).delete()

    def delete_files() -> None:
        # Files go only once the rows are gone for good; a rolled-back erase keeps them.
        for stored in files:
            stored.storage.delete(stored.name)

    transaction.on_commit(delete_files)


def requester_erase(*, requester: Requester, actor=None) -> Erased:
    """Delete a requester and everything about them; the access log records that it happened."""
    totals = Erased()
    with transaction.atomic():
        tickets = list(Ticket.objects.filter(requester=requester).values_list("pk", "reference"))
        _erase_tickets([pk for pk, _reference in tickets], totals)
        requester_id = requester.pk
        requester.delete()
        totals.requesters = 1
        audit.record(
            action=AccessLog.Action.REQUESTER_ERASED,
            actor=actor,
            requester_id=requester_id,
            data={
                "tickets": [reference for _pk, reference in tickets],
                "messages": totals.messages,
                "attachments": totals.attachments,
                "raw_messages": totals.raw_messages,
            },
        )
    return totals


def purgeable_tickets(*, older_than_days: int, now=None):
    """Closed tickets untouched for longer than the retention period."""
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    return Ticket.objects.filter(status=Ticket.Status.CLOSED, updated_at__lt=cutoff)


def tickets_purge(
    *,
    older_than_days: int,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 100,
) -> Erased:
    """Erase closed tickets past retention, in batches; requesters left with none go too."""
    totals = Erased()
    ids = list(
        purgeable_tickets(older_than_days=older_than_days)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if dry_run:
        totals.tickets = len(ids)
        totals.messages = Message.objects.filter(ticket_id__in=ids).count()
        totals.attachments = Attachment.objects.filter(message__ticket_id__in=ids).count()
        return totals
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        with transaction.atomic():
            rows = list(
                purgeable_tickets(older_than_days=older_than_days)
                .filter(pk__in=batch)
                .select_for_update()
                .values_list("pk", "reference", "requester_id")
            )
            if not rows:
                continue
            _erase_tickets([pk for pk, _ref, _req in rows], totals)
            for pk, reference, requester_id in rows:
                AccessLog.objects.create(
                    action=AccessLog.Action.TICKET_PURGED,
                    ticket_id=pk,
                    ticket_reference=reference or "",
                    requester_id=requester_id,
                    data={"older_than_days": older_than_days},
                )
            orphans = Requester.objects.filter(pk__in={r[2] for r in rows}, tickets__isnull=True)
            totals.requesters += orphans.delete()[1].get("concierge.Requester", 0)
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return totals
