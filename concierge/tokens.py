"""Signed ticket tokens inside our outgoing Message-IDs, so replies find their ticket."""

import re
import uuid

from django.conf import settings
from django.core import signing

_signer = signing.Signer(salt="concierge.ticket-token", sep=".")
_TOKEN_IN_ID = re.compile(r"\.(t\d+\.[A-Za-z0-9_-]{20,})@")


def ticket_token(ticket_id: int) -> str:
    return _signer.sign(f"t{ticket_id}")


def ticket_id_from_message_id(message_id: str) -> int | None:
    """The ticket id signed into one of our Message-IDs; None when absent or forged."""
    match = _TOKEN_IN_ID.search(message_id)
    if not match:
        return None
    try:
        value = _signer.unsign(match.group(1))
    except signing.BadSignature:
        return None
    return int(value[1:])


def make_message_id(ticket_id: int) -> str:
    """A fresh Message-ID (without angle brackets) that carries the ticket's signed token."""
    return f"{uuid.uuid4().hex}.{ticket_token(ticket_id)}@{settings.CONCIERGE_MESSAGE_ID_DOMAIN}"
