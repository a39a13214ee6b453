"""Concierge intake: every inquiry, whatever the route, goes through `inbound_ingest()`.

Raw bytes are committed first (`inbound_store`), then parsed and filed in a separate
transaction (`inbound_process`). Anything that goes wrong while filing quarantines that
one message with its error; the raw copy stays and can be reprocessed.
Logs carry ids only: never ticket text or email addresses.
"""

import logging
import re
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import get_supported_language_variant

from concierge import parsing, sla
from concierge.crisis import ticket_check_crisis
from concierge.models import (
    Attachment,
    InboundMessage,
    Message,
    Requester,
    Ticket,
    TicketEvent,
    private_storage,
)
from concierge.parsing import ParsedEmail, UnusableMessage
from concierge.tokens import ticket_id_from_message_id

logger = logging.getLogger("concierge.intake")

State = InboundMessage.State
_SUBJECT_TOKEN = re.compile(r"\[(BL-\d{6,})\]", re.IGNORECASE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_MAX_ATTACHMENTS = 50


def dedup_key_for(*, message_id: str, sha256: str) -> str:
    if message_id:
        return f"mid:{parsing.sha256_hex(message_id.encode())}"
    return f"raw:{sha256}"


def inbound_store(
    *, raw: bytes, source: str, source_ref: str = "", total_size: int | None = None
) -> tuple[InboundMessage, bool]:
    """Commit the raw bytes before anything else; return (row, created). Re-delivery is a no-op.

    The same Message-ID, or the same bytes when there is none, maps to the row already kept.
    Over CONCIERGE_MAX_MESSAGE_BYTES only the header block is kept and the row is quarantined;
    `total_size` says how big a message was when the caller only fetched its header.
    """
    sha256 = parsing.sha256_hex(raw)
    message_id = parsing.sniff_message_id(raw)
    key = dedup_key_for(message_id=message_id, sha256=sha256)
    existing = InboundMessage.objects.filter(dedup_key=key).first()
    if existing is not None:
        return existing, False
    limit = settings.CONCIERGE_MAX_MESSAGE_BYTES
    size = max(len(raw), total_size or 0)
    fields = {"raw": raw, "state": State.NEW, "reason": ""}
    if size > limit:
        match = _HEADER_END.search(raw, 0, 1_000_000)
        fields = {
            "raw": raw[: match.end() if match else min(len(raw), 64_000)],
            "state": State.QUARANTINED,
            "reason": f"message is {size} bytes, over the limit of {limit}; "
            "only the header block was kept",
        }
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                raw_size=size,
                is_truncated=size > limit,
                sha256=sha256,
                header_message_id=message_id,
                dedup_key=key,
                source=source,
                source_ref=source_ref[:255],
                **fields,
            )
    except IntegrityError:
        # A concurrent delivery of the same message won the race.
        return InboundMessage.objects.get(dedup_key=key), False
    logger.info("inbound %s stored source=%s size=%s", inbound.pk, source, size)
    return inbound, True


def inbound_ingest(*, raw: bytes, source: str, source_ref: str = "") -> InboundMessage:
    """Store, then file, one message from any route; never raises for bad mail."""
    inbound, _created = inbound_store(raw=raw, source=source, source_ref=source_ref)
    if inbound.state == State.NEW:
        inbound = inbound_process(inbound=inbound)
    return inbound


def inbound_process(*, inbound: InboundMessage) -> InboundMessage:
    """Parse the stored bytes and file them: a ticket, a message on one, ignored or quarantined."""
    # The attempt is counted in its own commit before filing, so that a process killed while
    # filing (out of memory on a pathological message, say) still leaves it counted.
    InboundMessage.objects.filter(
        pk=inbound.pk, state__in=[State.NEW, State.QUARANTINED], is_truncated=False
    ).update(attempts=F("attempts") + 1, processed_at=timezone.now())
    try:
        with transaction.atomic():
            locked = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
            if locked.state in {State.NEW, State.QUARANTINED} and not locked.is_truncated:
                _file(locked)
            return locked
    except Exception as exc:  # one bad message must never stop a batch
        return _quarantine(inbound.pk, f"{type(exc).__name__}: {exc}")


def inbound_process_pending(*, limit: int | None = None) -> list[InboundMessage]:
    """File every stored message still in state `new` (left by a crash or a pipe).

    A message whose filing was started CONCIERGE_INBOUND_MAX_ATTEMPTS times without finishing
    (each time the process stopped) is quarantined instead of tried again: otherwise it would
    stop every later run before the mail behind it. Staff reprocess it after a fix.
    """
    pending = InboundMessage.objects.pending().order_by("pk")
    results = []
    for pk, attempts in pending.values_list("pk", "attempts")[:limit]:
        if attempts >= settings.CONCIERGE_INBOUND_MAX_ATTEMPTS:
            reason = f"filing did not finish in {attempts} attempts: the process stopped each time"
            results.append(_quarantine(pk, reason))
        else:
            results.append(inbound_process(inbound=InboundMessage(pk=pk)))
    return results


def inbound_reprocess(*, queryset: QuerySet[InboundMessage]) -> list[InboundMessage]:
    """Try again to file quarantined (or still new) messages, e.g. after a fix."""
    ids = queryset.filter(state__in=[State.NEW, State.QUARANTINED]).values_list("pk", flat=True)
    return [inbound_process(inbound=InboundMessage(pk=pk)) for pk in sorted(ids)]


def _quarantine(pk: int, reason: str) -> InboundMessage:
    with transaction.atomic():
        inbound = InboundMessage.objects.select_for_update().get(pk=pk)
        inbound.state = State.QUARANTINED
        inbound.reason = parsing.clean_text(reason)[:2000]
        inbound.processed_at = timezone.now()
        inbound.save(update_fields=["state", "reason", "processed_at"])
    logger.warning("inbound %s quarantined: %s", pk, reason.split(":", 1)[0][:80])
    return inbound


def _file(inbound: InboundMessage) -> None:
    try:
        parsed = parsing.parse_email(bytes(inbound.raw))
    except UnusableMessage as exc:
        inbound.state, inbound.reason = State.QUARANTINED, str(exc)
        inbound.defects = _safe_defects(inbound)
        inbound.save()
        logger.warning("inbound %s quarantined: unusable", inbound.pk)
        return
    inbound.defects = parsed.defects
    inbound.classification = parsed.classification or InboundMessage.Classification.NORMAL
    inbound.reason = parsed.reason

    duplicate = (
        Message.objects.filter(message_id=parsed.message_id).first() if parsed.message_id else None
    )
    if duplicate is not None:
        inbound.state, inbound.ticket = State.IGNORED, duplicate.ticket
        inbound.reason = f"same Message-ID as message {duplicate.pk} already on the ticket"
        inbound.save()
        return
    if parsed.from_address and parsed.from_address == settings.CONCIERGE_ADDRESS.lower():
        parsed.classification = InboundMessage.Classification.AUTO_REPLY
        parsed.reason = "sent from the concierge address itself (mail loop)"
        inbound.classification, inbound.reason = parsed.classification, parsed.reason

    ticket, how = find_ticket(parsed)
    if parsed.classification:
        _file_automatic(inbound, parsed, ticket)
        return

    requester = requester_for(parsed=parsed, inbound=inbound)
    follows = None
    if ticket is not None and ticket.status == Ticket.Status.CLOSED:
        follows, ticket = ticket, None
    created = ticket is None
    if created:
        ticket = ticket_create(
            requester=requester,
            subject=parsed.subject,
            source=inbound.source,
            data={"inbound": inbound.pk, **({"follows": follows.reference} if follows else {})},
        )
    elif ticket.status in {Ticket.Status.WAITING, Ticket.Status.RESOLVED}:
        old = ticket.status
        ticket.status = Ticket.Status.OPEN
        # The requester answered: the first-response clock (paused while waiting) runs again.
        sla.resume(ticket)
        ticket.save(update_fields=["status", *sla.SLA_FIELDS, "updated_at"])
        ticket_event_record(
            ticket, TicketEvent.Kind.STATUS_CHANGED, {"from": old, "to": ticket.status}
        )
    message = _message_create(ticket=ticket, parsed=parsed, kind=Message.Kind.NORMAL)
    ticket_event_record(
        ticket,
        TicketEvent.Kind.MESSAGE_RECEIVED,
        {"message": message.pk, "inbound": inbound.pk, "threaded_by": how},
    )
    _check_crisis(ticket=ticket, message=message)
    inbound.state, inbound.ticket, inbound.message = State.PROCESSED, ticket, message
    inbound.created_ticket = created
    inbound.save()
    logger.info(
        "inbound %s filed ticket=%s message=%s new=%s", inbound.pk, ticket.pk, message.pk, created
    )
    if created:
        from concierge.emails import acknowledgement_queue

        acknowledgement_queue(ticket=ticket, in_reply_to=message)


def _check_crisis(*, ticket: Ticket, message: Message) -> None:
    """Crisis rules (triage): a match lifts the ticket to urgent; a bug never loses the mail."""
    try:
        with transaction.atomic():
            ticket_check_crisis(ticket=ticket, message=message)
    except Exception:  # the message is filed either way; staff still see it in the queue
        logger.exception("crisis check failed ticket=%s message=%s", ticket.pk, message.pk)
    else:
        ticket.refresh_from_db()


def _file_automatic(inbound: InboundMessage, parsed: ParsedEmail, ticket: Ticket | None) -> None:
    """Auto-replies, bounces and list mail: never a new ticket, never answered, but recorded."""
    inbound.state = State.IGNORED
    if ticket is not None:
        kind = (
            Message.Kind.BOUNCE
            if parsed.classification == InboundMessage.Classification.BOUNCE
            else Message.Kind.AUTO_REPLY
        )
        message = _message_create(ticket=ticket, parsed=parsed, kind=kind)
        ticket_event_record(
            ticket,
            TicketEvent.Kind.AUTOMATIC_RECEIVED,
            {"message": message.pk, "inbound": inbound.pk, "classification": kind},
        )
        inbound.ticket, inbound.message = ticket, message
    if parsed.classification == InboundMessage.Classification.BOUNCE:
        failing = set(parsed.failed_recipients)
        if ticket is not None:
            failing.add(ticket.requester.email)
        Requester.objects.filter(email__in=failing, email_failing_since__isnull=True).update(
            email_failing_since=timezone.now()
        )
    inbound.save()
    logger.info(
        "inbound %s ignored classification=%s ticket=%s",
        inbound.pk,
        inbound.classification,
        ticket.pk if ticket else None,
    )


def _safe_defects(inbound: InboundMessage) -> list[str]:
    try:
        return parsing.collect_defects(parsing.parse_bytes(bytes(inbound.raw)))
    except Exception:  # defects are a courtesy; the quarantine reason already says why
        return []


def find_ticket(parsed: ParsedEmail) -> tuple[Ticket | None, str]:
    """The ticket a message belongs to, and how it was found ("" when it is new)."""
    ids = parsed.thread_ids
    for message_id in ids:
        ticket_id = ticket_id_from_message_id(message_id)
        if ticket_id is not None:
            ticket = Ticket.objects.filter(pk=ticket_id).first()
            if ticket is not None:
                return _follow_merges(ticket), "token"
    if ids:
        known = dict(
            Message.objects.filter(message_id__in=ids).values_list("message_id", "ticket_id")
        )
        for message_id in ids:
            if message_id in known:
                return _follow_merges(Ticket.objects.get(pk=known[message_id])), "references"
    match = _SUBJECT_TOKEN.search(parsed.subject)
    if match and parsed.from_address:
        ticket = Ticket.objects.by_reference(match.group(1)).select_related("requester").first()
        if ticket is not None and ticket.requester.email == parsed.from_address:
            return _follow_merges(ticket), "subject"
    return None, ""


def _follow_merges(ticket: Ticket) -> Ticket:
    for _hop in range(10):
        if ticket.merged_into_id is None:
            break
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


def requester_for(*, parsed: ParsedEmail, inbound: InboundMessage) -> Requester:
    """Find or create the requester by address (case-insensitive); the form's details win."""
    details: dict[str, str] = {}
    if inbound.source == InboundMessage.Source.FORM:
        headers = {name.lower(): value for name, value in parsed.headers}
        details = {
            "country": headers.get("x-hub-country", "").strip().upper()[:2],
            "preferred_language": _language(headers.get("x-hub-language", "")),
        }
    elif parsed.content_language:
        details["preferred_language"] = _language(parsed.content_language)
    details = {key: value for key, value in details.items() if value}
    requester = Requester.objects.filter(email__iexact=parsed.from_address).first()
    if requester is None:
        try:
            with transaction.atomic():
                return Requester.objects.create(
                    email=parsed.from_address, name=parsed.from_name, **details
                )
        except IntegrityError:
            requester = Requester.objects.get(email__iexact=parsed.from_address)
    changed = ["email_failing_since"] if requester.email_failing_since else []
    requester.email_failing_since = None
    if parsed.from_name and not requester.name:
        requester.name = parsed.from_name
        changed.append("name")
    if inbound.source == InboundMessage.Source.FORM:
        for key, value in details.items():
            setattr(requester, key, value)
            changed.append(key)
    if changed:
        requester.save(update_fields=changed)
    return requester


def _language(value: str) -> str:
    try:
        return get_supported_language_variant(value.strip().lower())
    except LookupError:
        return ""


def ticket_create(
    *,
    requester: Requester,
    subject: str,
    source: str,
    priority: str = Ticket.Priority.NORMAL,
    data: dict | None = None,
) -> Ticket:
    """Open a ticket with its first-response due time and a `created` event."""
    hours = settings.CONCIERGE_FIRST_RESPONSE_HOURS.get(priority, 24)
    ticket = Ticket.objects.create(
        requester=requester,
        subject=subject[:300],
        source=source,
        priority=priority,
        first_response_due=timezone.now() + timedelta(hours=hours),
    )
    ticket_event_record(ticket, TicketEvent.Kind.CREATED, {"source": source, **(data or {})})
    return ticket


def _message_create(*, ticket: Ticket, parsed: ParsedEmail, kind: str) -> Message:
    message = Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.INBOUND,
        kind=kind,
        from_address=parsed.from_address[:320],
        from_name=parsed.from_name,
        to_addresses=", ".join(parsed.to),
        cc_addresses=", ".join(parsed.cc),
        subject=parsed.subject,
        body_text=parsed.body_text,
        body_html=parsed.body_html,
        headers=parsed.headers,
        message_id=parsed.message_id,
        in_reply_to=" ".join(parsed.in_reply_to),
        references=" ".join(parsed.references),
    )
    _attachments_create(message=message, attachments=parsed.attachments)
    return message


def _attachments_create(
    *, message: Message, attachments: Iterable[parsing.ParsedAttachment]
) -> None:
    storage = private_storage()
    limit = settings.CONCIERGE_MAX_ATTACHMENT_BYTES
    for index, item in enumerate(attachments, start=1):
        if index > _MAX_ATTACHMENTS:
            break
        content_type = parsing.sniff_content_type(item.data)
        attachment = Attachment(
            message=message,
            filename=parsing.safe_filename(item.filename, content_type, index),
            content_type=content_type,
            declared_content_type=item.declared_content_type[:255],
            size=len(item.data),
            sha256=parsing.sha256_hex(item.data),
            is_inline=item.is_inline,
        )
        if len(item.data) > limit:
            attachment.omitted_reason = f"{len(item.data)} bytes is over the limit of {limit}"
        else:
            # Content-addressed names: a rolled-back transaction leaves at most an
            # unreferenced copy, and the same file is stored once.
            name = f"concierge/{attachment.sha256[:2]}/{attachment.sha256}"
            if not storage.exists(name):
                name = storage.save(name, ContentFile(item.data))
            attachment.file.name = name
        attachment.save()


def ticket_event_record(
    ticket: Ticket, kind: str, data: dict | None = None, actor=None
) -> TicketEvent:
    """Append one entry to the ticket's history."""
    return TicketEvent.objects.create(ticket=ticket, kind=kind, data=data or {}, actor=actor)
