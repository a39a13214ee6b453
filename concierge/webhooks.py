"""Inbound email from a provider webhook (django-anymail), through the same intake service.

Anymail's view checks the request (HTTP basic auth from ANYMAIL["WEBHOOK_SECRET"], plus the
provider's own signature where it has one, e.g. MAILGUN_WEBHOOK_SIGNING_KEY) before it sends
the `inbound` signal; only the configured provider's endpoint is mounted.
"""

import logging

from anymail import urls as anymail_urls
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from concierge.models import InboundMessage
from concierge.services import inbound_ingest

logger = logging.getLogger("concierge.webhook")


def provider() -> str:
    return settings.CONCIERGE_INBOUND_PROVIDER.strip().lower().replace(" ", "_")


def inbound_urlpatterns() -> list:
    """Anymail's inbound URL for CONCIERGE_INBOUND_PROVIDER only, e.g. mailgun/inbound/."""
    name = f"{provider()}_inbound_webhook"
    patterns = [pattern for pattern in anymail_urls.urlpatterns if pattern.name == name]
    if not patterns:
        raise ImproperlyConfigured(
            f"CONCIERGE_INBOUND_PROVIDER={provider()!r} has no anymail inbound webhook."
        )
    return patterns


def raw_bytes(event) -> bytes:
    """The provider's raw MIME when it posts it; otherwise the message anymail rebuilt."""
    request = event.esp_event
    post = getattr(request, "POST", None)
    for field in ("body-mime", "email"):  # Mailgun raw MIME; SendGrid "send raw"
        value = post.get(field) if post is not None else None
        if value and ":" in value[:1000]:
            return value.encode("utf-8", "surrogateescape")
    try:
        return event.message.as_bytes()
    except Exception:  # a message anymail parsed but cannot serialise again
        return str(event.message).encode("utf-8", "surrogateescape")


def handle_inbound(sender, event, esp_name: str, **kwargs) -> None:
    """Receiver for anymail's `inbound` signal; an exception makes the provider retry."""
    if not getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET"):
        # Without basic auth anymail accepts anyone's post; refuse, and the provider retries.
        logger.error("inbound webhook refused: ANYMAIL_WEBHOOK_SECRET is not set")
        raise ImproperlyConfigured("ANYMAIL_WEBHOOK_SECRET must be set to accept inbound mail.")
    if esp_name.strip().lower().replace(" ", "_") != provider():
        logger.warning("inbound webhook from unexpected provider ignored")
        return
    inbound = inbound_ingest(
        raw=raw_bytes(event),
        source=InboundMessage.Source.WEBHOOK,
        source_ref=f"{provider()}:{event.event_id or ''}"[:255],
    )
    logger.info("webhook delivered inbound %s", inbound.pk)
