"""The boundary between triage and the intake's outbound mail queue.

Staff replies go out exactly like the acknowledgement: `emails.outbound_queue()` records
the outbound Message with a signed Message-ID and threading headers, and queues an
OutboundEmail row that is sent after commit and retried until it goes.
"""

from concierge.emails import outbound_queue
from concierge.models import Message, OutboundEmail, Ticket


def queue_reply(
    *,
    ticket: Ticket,
    author,
    subject: str,
    body_text: str,
    body_html: str,
    parent: Message | None,
    language: str,
) -> OutboundEmail:
    """Queue a staff reply to the requester, threaded under `parent`."""
    return outbound_queue(
        ticket=ticket,
        kind=OutboundEmail.Kind.REPLY,
        to=[ticket.requester.email],
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        in_reply_to=parent,
        extra_headers={"Content-Language": language},
        author=author,
    )
