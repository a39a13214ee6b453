"""Inbound email through the django-anymail webhook (Mailgun's signed raw-MIME post)."""

import base64
import hashlib
import hmac
import time

import pytest
from django.urls import reverse

from concierge.models import InboundMessage, Ticket

from .conftest import make_email

pytestmark = pytest.mark.django_db

SIGNING_KEY = "test-mailgun-signing-key"
BASIC = "anymail:webhook-password"


@pytest.fixture(autouse=True)
def anymail_settings(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": BASIC, "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}


def signed(raw: bytes, key: str = SIGNING_KEY) -> dict:
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "body-mime": raw.decode("utf-8"),
        "timestamp": timestamp,
        "token": token,
        "signature": signature.hexdigest(),
        "recipient": "global@backline.care",
        "sender": "ana@example.org",
    }


def post(client, data: dict, auth: str = BASIC):
    credentials = base64.b64encode(auth.encode()).decode()
    return client.post(
        reverse("anymail:mailgun_inbound_webhook"),
        data,
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )


def test_a_signed_inbound_post_opens_a_ticket_from_the_raw_mime(client):
    raw = make_email(subject="Hola", body="Necesito ayuda")
    response = post(client, signed(raw))
    assert response.status_code == 200
    inbound = InboundMessage.objects.get()
    assert inbound.source == InboundMessage.Source.WEBHOOK
    assert bytes(inbound.raw) == raw
    assert inbound.ticket.messages.get(direction="inbound").body_text.strip() == "Necesito ayuda"


def test_a_redelivered_webhook_makes_no_second_ticket(client):
    raw = make_email()
    assert post(client, signed(raw)).status_code == 200
    assert post(client, signed(raw)).status_code == 200
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("data_key", "auth"),
    [("wrong-key", BASIC), (SIGNING_KEY, "anymail:wrong-password")],
    ids=["bad signature", "bad basic auth"],
)
def test_unsigned_or_unauthenticated_posts_are_refused_and_store_nothing(client, data_key, auth):
    response = post(client, signed(make_email(), key=data_key), auth=auth)
    assert response.status_code == 400
    assert InboundMessage.objects.count() == 0


def test_only_the_configured_providers_endpoint_exists(client):
    response = client.post("/anymail/postmark/inbound/", {})
    assert response.status_code == 404


def test_without_a_webhook_secret_inbound_mail_is_refused_for_a_later_retry(client, settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    client.raise_request_exception = False
    response = client.post(reverse("anymail:mailgun_inbound_webhook"), signed(make_email()))
    assert response.status_code == 500  # providers retry on 5xx
    assert InboundMessage.objects.count() == 0
