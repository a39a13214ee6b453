"""Triage services: reply, note, assign, status, priority, tags and merge.

Every write records a ticket event (the ticket's history) and an access-log row (the
audit trail that outlives the ticket). Nothing here logs or emails message text.
"""

import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from concierge import audit, outbound, sla, staff_emails
from concierge.models import (
    AccessLog,
    InboundMessage,
    Message,
    OutboundEmail,
    Tag,
    Ticket,
    TicketEvent,
)

PRIORITY_RANK = {
    Ticket.Priority.URGENT: 0,
    Ticket.Priority.HIGH: 1,
    Ticket.Priority.NORMAL: 2,
    Ticket.Priority.LOW: 3,
}
REPLY_PREFIX = re.compile(
    r"^\s*((re|aw|sv|antw|rif|r|odp|ynt|回复|答复|返信|답장)\s*[:：]\s*)+", re.I
)


class TicketChanged(Exception):
    """Someone else added to the ticket after the form was loaded."""

    def __init__(self, messages: list[Message]):
        super().__init__(f"{len(messages)} newer message(s)")
        self.messages = messages


class MergeError(ValueError):
    pass


def newer_messages(*, ticket: Ticket, seen_message_id: int | None, actor) -> list[Message]:
    """Messages added by anyone but `actor` since the page showed `seen_message_id`."""
    if seen_message_id is None:
        return []
    return list(
        ticket.messages.filter(pk__gt=seen_message_id)
        .exclude(author=actor)
        .select_related("author")
        .order_by("pk")
    )


def reply_subject(ticket: Ticket) -> str:
    subject = REPLY_PREFIX.sub("", ticket.subject or "").strip()
    subject = subject.replace(ticket.subject_token, "").strip()
    if not subject:
        subject = _("Your message to the Backline concierge")
    return f"Re: {subject} {ticket.subject_token}"


def thread_parent(ticket: Ticket) -> Message | None:
    """What a reply answers: the latest inbound message with a Message-ID, else our latest mail."""
    messages = ticket.messages.exclude(message_id="").order_by("-created_at", "-pk")
    return (
        messages.filter(direction=Message.Direction.INBOUND, kind=Message.Kind.NORMAL).first()
        or messages.filter(direction=Message.Direction.INBOUND).first()
        or messages.filter(direction=Message.Direction.OUTBOUND).first()
    )


def _body_html(text: str, language: str) -> str:
    with translation.override(language):
        direction = "rtl" if translation.get_language_bidi() else "ltr"
    return f'<div dir="{direction}" lang="{language}">{linebreaks(escape(text))}</div>'


def _event(ticket: Ticket, kind: str, actor, **data) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, kind=kind, actor=actor, data=data)


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().select_related("requester").get(pk=ticket.pk)


def ticket_reply(
    *,
    ticket: Ticket,
    author,
    body: str,
    status_after: str = Ticket.Status.WAITING,
    seen_message_id: int | None = None,
    confirm_newer: bool = False,
) -> Message:
    """Queue a threaded email reply to the requester, in the outbound queue, never sent inline.

    Raises TicketChanged when someone else added a message since `seen_message_id`, unless
    `confirm_newer` says the author has seen it and wants to send anyway.
    """
    with transaction.atomic():
        ticket = _locked(ticket)
        newer = newer_messages(ticket=ticket, seen_message_id=seen_message_id, actor=author)
        if newer and not confirm_newer:
            raise TicketChanged(newer)
        requester = ticket.requester
        language = requester.preferred_language or settings.LANGUAGE_CODE
        parent = thread_parent(ticket)
        with translation.override(language):
            subject = reply_subject(ticket)
        email = outbound.queue_reply(
            ticket=ticket,
            author=author,
            subject=subject,
            body_text=body,
            body_html=_body_html(body, language),
            parent=parent,
            language=language,
        )
        message = email.message
        now = timezone.now()
        changes = {}
        first = ticket.first_responded_at is None
        sla.record_first_response(ticket, at=now)
        if status_after and status_after != ticket.status:
            changes = {"status": [ticket.status, status_after]}
            ticket.status = status_after
        sla.apply_status(ticket, ticket.status, at=now)
        ticket.save(update_fields=["status", *sla.SLA_FIELDS, "updated_at"])
        if changes:
            old, new = changes["status"]
            _event(ticket, TicketEvent.Kind.STATUS_CHANGED, author, **{"from": old, "to": new})
        audit.record(
            action=AccessLog.Action.REPLY_QUEUED,
            actor=author,
            ticket=ticket,
            data={"message": message.pk, "first_response": first, **changes},
        )
    return message


def ticket_add_note(
    *, ticket: Ticket, author, body: str, seen_message_id: int | None = None
) -> Message:
    """Add an internal note: seen by staff only, never emailed."""
    with transaction.atomic():
        ticket = _locked(ticket)
        note = Message.objects.create(
            ticket=ticket,
            direction=Message.Direction.NOTE,
            author=author,
            from_name=author.get_full_name() or author.get_username(),
            body_text=body,
        )
        if ticket.status == Ticket.Status.NEW:
            # A note means someone is on it; it does not count as a response to the requester.
            ticket.status = Ticket.Status.OPEN
            ticket.save(update_fields=["status", "updated_at"])
        _event(ticket, TicketEvent.Kind.NOTE_ADDED, author, message=note.pk)
        audit.record(
            action=AccessLog.Action.NOTE_ADDED,
            actor=author,
            ticket=ticket,
            data={"message": note.pk},
        )
    return note


_UNCHANGED = object()


def ticket_update(
    *,
    ticket: Ticket,
    actor,
    assignee=_UNCHANGED,
    status: str | None = None,
    priority: str | None = None,
    tags: list[Tag] | None = None,
    new_tags: list[str] | tuple[str, ...] = (),
) -> dict:
    """Change assignee, status, priority and/or tags; returns what changed (old, new).

    `tags` is the ticket's whole new set; `new_tags` are names to add to it, created as tags
    when nobody has used them yet.
    """
    with transaction.atomic():
        ticket = _locked(ticket)
        changes: dict = {}
        now = timezone.now()
        fields = {"updated_at"}
        if assignee is not _UNCHANGED and assignee != ticket.assignee:
            old = ticket.assignee
            changes["assignee"] = [old.pk if old else None, assignee.pk if assignee else None]
            ticket.assignee = assignee
            fields.add("assignee")
            _event(
                ticket,
                TicketEvent.Kind.ASSIGNED,
                actor,
                **{"from": _name(old), "to": _name(assignee)},
                from_id=changes["assignee"][0],
                to_id=changes["assignee"][1],
            )
            if assignee is not None and assignee != actor:
                ticket_id, assignee_id = ticket.pk, assignee.pk
                transaction.on_commit(
                    lambda: staff_emails.notify_assigned(
                        ticket_id=ticket_id, assignee_id=assignee_id
                    )
                )
        if status and status != ticket.status:
            changes["status"] = [ticket.status, status]
            sla.apply_status(ticket, status, at=now)
            ticket.status = status
            fields.update(["status", *sla.SLA_FIELDS])
            _event(
                ticket, TicketEvent.Kind.STATUS_CHANGED, actor, old=changes["status"][0], new=status
            )
        if priority and priority != ticket.priority:
            changes["priority"] = [ticket.priority, priority]
            ticket.priority = priority
            sla.refresh_due(ticket)
            fields.update(["priority", *sla.SLA_FIELDS])
            old_priority = changes["priority"][0]
            _event(
                ticket,
                TicketEvent.Kind.PRIORITY_CHANGED,
                actor,
                **{"from": old_priority, "to": priority},
            )
        if tags is not None:
            tags = [*tags, *(Tag.objects.get_or_create(name=name)[0] for name in new_tags)]
            before = set(ticket.tags.values_list("name", flat=True))
            after = {tag.name for tag in tags}
            if before != after:
                ticket.tags.set(tags)
                changes["tags"] = {
                    "added": sorted(after - before),
                    "removed": sorted(before - after),
                }
                _event(ticket, TicketEvent.Kind.TAGS_CHANGED, actor, **changes["tags"])
        if changes:
            ticket.save(update_fields=sorted(fields))
            audit.record(
                action=AccessLog.Action.TICKET_CHANGED, actor=actor, ticket=ticket, data=changes
            )
    return changes


def ticket_merge(
    *, source: Ticket, target: Ticket, actor, allow_other_requester: bool = False
) -> Ticket:
    """Move every message of `source` onto `target` and close `source` as merged.

    The merged ticket keeps its reference (mail quoting it still finds the thread) and
    points to the ticket it went into; the target gets the higher priority, the crisis
    flag if either had it, both sets of tags, and the earlier response due time.
    """
    if source.pk == target.pk:
        raise MergeError(_("A ticket cannot be merged into itself."))
    with transaction.atomic():
        first, second = sorted([source.pk, target.pk])
        locked = {
            t.pk: t
            for t in Ticket.objects.select_for_update()
            .select_related("requester")
            .filter(pk__in=[first, second])
        }
        source, target = locked[source.pk], locked[target.pk]
        if source.merged_into_id or target.merged_into_id:
            raise MergeError(_("One of these tickets was already merged into another."))
        if source.requester_id != target.requester_id and not allow_other_requester:
            raise MergeError(
                _("These tickets are from different requesters; confirm to merge them anyway.")
            )
        moved = Message.objects.filter(ticket=source).update(ticket=target)
        InboundMessage.objects.filter(ticket=source).update(ticket=target)
        OutboundEmail.objects.filter(ticket=source).exclude(
            kind=OutboundEmail.Kind.ACKNOWLEDGEMENT
        ).update(ticket=target)
        target.tags.add(*source.tags.all())
        if PRIORITY_RANK[source.priority] < PRIORITY_RANK[target.priority]:
            target.priority = source.priority
        if source.is_crisis and not target.is_crisis:
            target.is_crisis = True
            target.crisis_matched_at = source.crisis_matched_at
            target.crisis_match = source.crisis_match
        responded = [t.first_responded_at for t in (source, target) if t.first_responded_at]
        target.first_responded_at = min(responded) if responded else None
        if target.first_responded_at is None:
            sla.refresh_due(target)
            dues = [t.first_response_due for t in (source, target) if t.first_response_due]
            target.first_response_due = min(dues) if dues else None
        if target.status in {Ticket.Status.RESOLVED, Ticket.Status.CLOSED}:
            sla.apply_status(target, Ticket.Status.OPEN)
            target.status = Ticket.Status.OPEN
        target.save()
        source.merged_into = target
        sla.resume(source)
        source.status = Ticket.Status.CLOSED
        source.save(update_fields=["merged_into", "status", *sla.SLA_FIELDS, "updated_at"])
        data = {"source": source.reference, "target": target.reference, "messages": moved}
        _event(source, TicketEvent.Kind.MERGED, actor, **data)
        _event(target, TicketEvent.Kind.MERGED, actor, **data)
        audit.record(action=AccessLog.Action.MERGED, actor=actor, ticket=source, data=data)
        audit.record(action=AccessLog.Action.MERGED, actor=actor, ticket=target, data=data)
    return target
