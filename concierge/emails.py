"""Outbound mail: the acknowledgement, and the queue every concierge email goes through.

A queued email is a row; it is sent by `outbound_send()` (from a django-tasks task
enqueued on commit, or from `manage.py send_queued_mail`) and retried with backoff
until it is sent or has failed CONCIERGE_OUTBOUND_MAX_ATTEMPTS times. Nothing is lost
when the SMTP server is down; at worst a message whose send was interrupted after
the server accepted it goes out twice, with the same Message-ID, once its claim
(CONCIERGE_OUTBOUND_CLAIM_SECONDS) has run out.
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from concierge.models import Message, OutboundEmail, Ticket, TicketEvent
from concierge.parsing import normalise_message_id
from concierge.services import ticket_event_record
from concierge.tokens import make_message_id

logger = logging.getLogger("concierge.outbound")

_ROLE_ACCOUNTS = {"postmaster", "post_master", "abuse", "root", "hostmaster", "webmaster"}


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def can_acknowledge(address: str) -> bool:
    """Role and system mailboxes get no automatic mail (RFC 3834 §2)."""
    local = address.partition("@")[0].lower()
    return (
        bool(address)
        and local not in _ROLE_ACCOUNTS
        and address != (settings.CONCIERGE_ADDRESS.lower())
    )


def acknowledgement_queue(*, ticket: Ticket, in_reply_to: Message | None = None):
    """Queue the one acknowledgement a new ticket gets, in the requester's language."""
    requester = ticket.requester
    if not can_acknowledge(requester.email):
        return None
    language = requester.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "ticket": ticket,
            "requester": requester,
            "reference": ticket.reference,
            "directory": directory_contacts(requester.country.code if requester.country else ""),
            "site_url": settings.SITE_URL,
            "language": language,
            "bidi": translation.get_language_bidi(),
        }
        subject = gettext("We received your message [%(reference)s]") % {
            "reference": ticket.reference
        }
        body_text = render_to_string("concierge/email/acknowledgement.txt", context)
        body_html = render_to_string("concierge/email/acknowledgement.html", context)
    headers = {"Auto-Submitted": "auto-replied", "Content-Language": language}
    try:
        with transaction.atomic():
            return outbound_queue(
                ticket=ticket,
                kind=OutboundEmail.Kind.ACKNOWLEDGEMENT,
                to=[requester.email],
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                in_reply_to=in_reply_to,
                extra_headers=headers,
                message_kind=Message.Kind.ACKNOWLEDGEMENT,
            )
    except IntegrityError:
        # The constraint allows one acknowledgement per ticket: this one already has it.
        return None


def outbound_queue(
    *,
    ticket: Ticket,
    kind: str,
    to: list[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    in_reply_to: Message | None = None,
    extra_headers: dict[str, str] | None = None,
    author=None,
    message_kind: str = Message.Kind.NORMAL,
) -> OutboundEmail:
    """Record an outbound message on the ticket and queue it; sent after commit."""
    message_id = normalise_message_id(make_message_id(ticket.pk))
    parent = in_reply_to or ticket.messages.exclude(message_id="").order_by("-pk").first()
    references = []
    if parent is not None:
        references = [*parent.references.split(), parent.message_id]
        references = [ref for ref in dict.fromkeys(references) if ref][-20:]
    headers = dict(extra_headers or {})
    if parent is not None and parent.message_id:
        headers["In-Reply-To"] = f"<{parent.message_id}>"
        headers["References"] = " ".join(f"<{ref}>" for ref in references)
    message = Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.OUTBOUND,
        kind=message_kind,
        author=author,
        from_address=settings.CONCIERGE_ADDRESS,
        to_addresses=", ".join(to),
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        headers=[[name, value] for name, value in headers.items()],
        message_id=message_id,
        in_reply_to=parent.message_id if parent is not None else "",
        references=" ".join(references),
    )
    outbound = OutboundEmail.objects.create(
        ticket=ticket,
        message=message,
        kind=kind,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        headers=headers,
        header_message_id=message_id,
        next_attempt_at=timezone.now(),
    )
    event = (
        TicketEvent.Kind.ACKNOWLEDGEMENT_QUEUED
        if kind == OutboundEmail.Kind.ACKNOWLEDGEMENT
        else TicketEvent.Kind.REPLY_QUEUED
    )
    ticket_event_record(ticket, event, {"outbound": outbound.pk, "message": message.pk}, author)
    transaction.on_commit(lambda: _enqueue(outbound.pk), robust=True)
    return outbound


def _enqueue(outbound_id: int) -> None:
    from concierge.tasks import send_outbound_email

    send_outbound_email.enqueue(outbound_id)


def build_email(outbound: OutboundEmail) -> EmailMultiAlternatives:
    headers = {"Message-ID": f"<{outbound.header_message_id}>", **outbound.headers}
    email = EmailMultiAlternatives(
        subject=outbound.subject,
        body=outbound.body_text,
        from_email=outbound.from_email,
        to=outbound.to,
        headers=headers,
        reply_to=[settings.CONCIERGE_ADDRESS],
    )
    if outbound.body_html:
        email.attach_alternative(outbound.body_html, "text/html")
    return email


def backoff(attempts: int) -> timedelta:
    """60 s, 2 min, 4 min … capped at 6 hours (base configurable)."""
    base = settings.CONCIERGE_OUTBOUND_BACKOFF_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


def outbound_send(*, outbound_id: int) -> str:
    """Claim one queued email, send it, and record the outcome; returns the new state."""
    now = timezone.now()
    claimable = OutboundEmail.objects.filter(pk=outbound_id, next_attempt_at__lte=now).filter(
        state=OutboundEmail.State.QUEUED
    ) | OutboundEmail.objects.filter(
        pk=outbound_id, state=OutboundEmail.State.SENDING, claimed_until__lt=now
    )
    # A conditional UPDATE is the claim: only one worker can move the row to "sending".
    claimed = OutboundEmail.objects.filter(pk__in=claimable.values("pk")).update(
        state=OutboundEmail.State.SENDING,
        claimed_until=now + timedelta(seconds=settings.CONCIERGE_OUTBOUND_CLAIM_SECONDS),
        # Counted before sending, so an attempt that kills its worker counts too.
        attempts=F("attempts") + 1,
    )
    outbound = OutboundEmail.objects.select_related("ticket").get(pk=outbound_id)
    if not claimed:
        return outbound.state
    if outbound.attempts > settings.CONCIERGE_OUTBOUND_MAX_ATTEMPTS:
        # Its last attempt died with its worker; sending it yet again could loop for ever.
        outbound.attempts -= 1
        outbound.state = OutboundEmail.State.FAILED
        outbound.last_error = f"The worker died during attempt {outbound.attempts}."
        logger.warning("outbound %s given up: its last attempt died mid-send", outbound.pk)
        _outcome_record(outbound)
        return outbound.state
    try:
        build_email(outbound).send(fail_silently=False)
    except Exception as exc:  # any transport failure is retried later, never lost
        outbound.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if outbound.attempts >= settings.CONCIERGE_OUTBOUND_MAX_ATTEMPTS:
            outbound.state = OutboundEmail.State.FAILED
        else:
            outbound.state = OutboundEmail.State.QUEUED
            outbound.next_attempt_at = now + backoff(outbound.attempts)
        logger.warning(
            "outbound %s attempt %s failed: %s", outbound.pk, outbound.attempts, type(exc).__name__
        )
    else:
        outbound.state = OutboundEmail.State.SENT
        outbound.sent_at = timezone.now()
        outbound.last_error = ""
        logger.info("outbound %s sent", outbound.pk)
    _outcome_record(outbound)
    return outbound.state


def _outcome_record(outbound: OutboundEmail) -> None:
    """Save the outcome and the ticket's history entry for it in one transaction."""
    outbound.claimed_until = None
    # Apart, a worker dying between them leaves "sent" on an email that is sent again later.
    with transaction.atomic():
        if outbound.state == OutboundEmail.State.SENT:
            ticket_event_record(
                outbound.ticket, TicketEvent.Kind.EMAIL_SENT, {"outbound": outbound.pk}
            )
        elif outbound.state == OutboundEmail.State.FAILED:
            ticket_event_record(
                outbound.ticket, TicketEvent.Kind.EMAIL_FAILED, {"outbound": outbound.pk}
            )
        outbound.save(
            update_fields=[
                "state",
                "attempts",
                "next_attempt_at",
                "claimed_until",
                "last_error",
                "sent_at",
            ]
        )


def outbound_send_due(*, limit: int = 200) -> SendResult:
    """Send every queued email whose time has come (and reclaim stale `sending` rows)."""
    now = timezone.now()
    due = OutboundEmail.objects.due(now) | OutboundEmail.objects.filter(
        state=OutboundEmail.State.SENDING, claimed_until__lt=now
    )
    result = SendResult()
    for outbound_id in due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]:
        state = outbound_send(outbound_id=outbound_id)
        if state == OutboundEmail.State.SENT:
            result.sent += 1
        elif state == OutboundEmail.State.FAILED:
            result.failed += 1
        elif state == OutboundEmail.State.QUEUED:
            result.retrying += 1
    return result


def directory_contacts(country_code: str, limit: int = 5) -> dict:
    """Emergency numbers and phone crisis lines (24/7 first) of a country, from the directory."""
    from django.db.models import Prefetch

    from resources.models import Channel, Country, Resource

    contacts = {
        "country_code": country_code,
        "country_name": "",
        "emergency_numbers": [],
        "crisis_lines": [],
        "directory_path": reverse("resources:home") + "#countries",
    }
    if not country_code:
        return contacts
    country = Country.objects.filter(code=country_code).first()
    if country is None:
        return contacts
    contacts["country_name"] = country.name
    contacts["emergency_numbers"] = [
        {"label": number.get_kind_display(), "number": number.number, "tel": dial(number.number)}
        for number in country.emergency_numbers.all()
    ]
    lines = (
        Resource.objects.published()
        .for_country(country_code)
        .crisis_lines()
        .prefetch_related(Prefetch("channels", queryset=Channel.objects.phones()))
    )
    for line in lines:
        channel = next(iter(line.channels.all()), None)
        if channel is None:
            continue
        contacts["crisis_lines"].append(
            {
                "name": line.name,
                "number": channel.value,
                "tel": channel.e164 or dial(channel.value),
                "is_24_7": channel.is_24_7,
            }
        )
    contacts["crisis_lines"].sort(key=lambda line: not line["is_24_7"])
    contacts["crisis_lines"] = contacts["crisis_lines"][:limit]
    return contacts


def dial(published: str) -> str:
    """Digits to dial from a number as published ("116 123" → "116123"); never adds a prefix."""
    match = re.match(r"\+?[\d\s\-().]+", published.strip())
    digits = re.sub(r"[^\d+]", "", match.group(0)) if match else ""
    return digits
