"""The boundary between triage and the intake issue's outbound mail queue.

Staff replies are queued exactly like the acknowledgement: an OutboundEmail row that the
queue worker sends and retries. This module is the one place triage touches that path.
"""

import uuid

from django.conf import settings
from django.utils import timezone

from concierge.models import Message, OutboundEmail, Ticket


def new_message_id(ticket: Ticket) -> str:
    """A bare Message-ID for our outgoing mail (wired to the intake's signed ids on merge)."""
    return f"bl.{ticket.pk}.{uuid.uuid4().hex}@{settings.CONCIERGE_MESSAGE_ID_DOMAIN}"


def queue_reply(*, ticket: Ticket, message: Message) -> OutboundEmail:
    """Queue `message` (an outbound Message) for sending with its threading headers."""
    if not message.message_id:
        message.message_id = new_message_id(ticket)
        message.save(update_fields=["message_id"])
    headers = {}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = message.references
    return OutboundEmail.objects.create(
        ticket=ticket,
        message=message,
        kind=OutboundEmail.Kind.REPLY,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[ticket.requester.email],
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        headers=headers,
        header_message_id=f"<{message.message_id}>",
        next_attempt_at=timezone.now(),
    )
