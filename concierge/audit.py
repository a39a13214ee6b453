"""The access log: every view and change of concierge data, who and when, never the text."""

import logging

from concierge.models import AccessLog

logger = logging.getLogger("concierge.audit")


def record(
    *,
    action: str,
    actor=None,
    ticket=None,
    requester=None,
    requester_id: int | None = None,
    data: dict | None = None,
) -> AccessLog:
    """Write one access-log row; `data` must hold ids and field values, never message text."""
    if requester is not None:
        requester_id = requester.pk
    elif ticket is not None and requester_id is None:
        requester_id = ticket.requester_id
    entry = AccessLog.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_username=actor.get_username() if actor is not None and actor.is_authenticated else "",
        ticket_id=ticket.pk if ticket is not None else None,
        ticket_reference=(ticket.reference or "") if ticket is not None else "",
        requester_id=requester_id,
        data=data or {},
    )
    # Ids only: ticket text never goes to the logs.
    logger.info(
        "%s ticket=%s requester=%s actor=%s",
        action,
        entry.ticket_id,
        entry.requester_id,
        entry.actor_id,
    )
    return entry
