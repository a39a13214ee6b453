import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from concierge.forms import InquiryForm
from concierge.models import InboundMessage
from concierge.services import inbound_process, inbound_store

logger = logging.getLogger("concierge.form")


def client_ip(request: HttpRequest) -> str:
    header = settings.CONCIERGE_CLIENT_IP_HEADER
    value = request.META.get(header, "") if header else ""
    # With a proxy header, its last hop is the one our own proxy appended.
    return value.split(",")[-1].strip() if value else request.META.get("REMOTE_ADDR", "")


def over_rate_limit(*, email: str, ip: str) -> bool:
    """Count this submission against its address and its IP; True when either is over."""
    rate = settings.CONCIERGE_FORM_RATE
    limits = [("email", email, rate["PER_EMAIL"]), ("ip", ip, rate["PER_IP"])]
    over = False
    for kind, value, limit in limits:
        # Hashed: cache keys (e.g. in Redis) must not reveal who wrote to us.
        digest = hashlib.sha256(f"{settings.SECRET_KEY}|{value}".encode()).hexdigest()[:32]
        key = f"concierge:form:{kind}:{digest}"
        try:
            cache.add(key, 0, rate["WINDOW_SECONDS"])
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, rate["WINDOW_SECONDS"])
            count = 1
        except Exception:  # a cache outage must not stop someone asking for help
            logger.warning("rate-limit cache unavailable")
            return False
        over = over or count > limit
    return over


@require_http_methods(["GET", "HEAD", "POST"])
def inquiry(request: HttpRequest) -> HttpResponse:
    """The public concierge form; each inquiry becomes raw mail and takes the intake path."""
    form = InquiryForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "concierge/inquiry.html", {"form": form})
    if form.is_spam:
        logger.info("form honeypot filled; dropped")
        return redirect("concierge:thanks")
    if over_rate_limit(email=form.cleaned_data["email"], ip=client_ip(request)):
        return render(request, "concierge/rate_limited.html", status=429)
    try:
        inbound, _created = inbound_store(raw=form.to_rfc822(), source=InboundMessage.Source.FORM)
    except DatabaseError:
        logger.error("form submission not stored: database unavailable")
        response = render(request, "concierge/unavailable.html", {"form": form}, status=503)
        response["Retry-After"] = "60"
        return response
    try:
        inbound_process(inbound=inbound)
    except DatabaseError:
        # The raw copy is safe; `reprocess_inbound --quarantined` or the next
        # fetch_inbox run files it. Asking to resend would make a duplicate.
        logger.error("form inbound %s stored; filing deferred: database unavailable", inbound.pk)
    return redirect("concierge:thanks")


@require_safe
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "concierge/thanks.html")
