"""Notifications to staff: a reference and a link, never anything the requester wrote."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from concierge.access import concierge_users

logger = logging.getLogger("concierge.notifications")


def ticket_link(ticket) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse("staff:ticket", args=[ticket.reference])


def _send(*, subject: str, body: str, recipients: list[str]) -> int:
    if not recipients:
        return 0
    try:
        return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # a notification failing must not break the request that caused it
        logger.exception("staff notification failed")
        return 0


def notify_crisis(*, ticket_id: int) -> int:
    """Tell the whole concierge team an urgent crisis ticket arrived."""
    from concierge.models import Ticket

    ticket = Ticket.objects.get(pk=ticket_id)
    recipients = [user.email for user in concierge_users() if user.email]
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Urgent: crisis language in %(reference)s") % {"reference": ticket.reference}
        body = _(
            "A concierge ticket matched a crisis rule and is now urgent.\n\n"
            "Open it here (sign-in required):\n%(link)s\n"
        ) % {"link": ticket_link(ticket)}
    return _send(subject=subject, body=body, recipients=recipients)


def notify_assigned(*, ticket_id: int, assignee_id: int) -> int:
    """Tell a staff member a ticket was assigned to them."""
    from django.contrib.auth import get_user_model

    from concierge.models import Ticket

    ticket = Ticket.objects.get(pk=ticket_id)
    assignee = get_user_model().objects.filter(pk=assignee_id).first()
    if assignee is None or not assignee.email:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Ticket %(reference)s was assigned to you") % {"reference": ticket.reference}
        body = _("Open it here (sign-in required):\n%(link)s\n") % {"link": ticket_link(ticket)}
    return _send(subject=subject, body=body, recipients=[assignee.email])
