"""The public concierge form in every language: validation, honeypot, rate limit, outage."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import OperationalError
from django.urls import reverse
from django.utils import translation

from concierge.models import InboundMessage, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def valid(**overrides) -> dict:
    data = {
        "name": "Ana Lima",
        "email": "Ana@Example.org",
        "country": "BR",
        "preferred_language": "pt-br",
        "message": "Estou em turnê e não consigo dormir.\nPreciso de ajuda.",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def url(name: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse(name)


@pytest.mark.parametrize("language", settings.LANGUAGE_CODES)
def test_the_form_renders_in_every_language(client, language):
    response = client.get(url("concierge:inquiry", language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert 'name="consent"' in html and 'name="website"' in html
    assert f'<option value="{language}" selected>' in html  # reply language defaults to the page's
    assert response.get("Set-Cookie") is None or "sessionid" not in response["Set-Cookie"]


def test_the_thanks_page_renders_in_every_language(client):
    for language in settings.LANGUAGE_CODES:
        assert client.get(url("concierge:thanks", language)).status_code == 200


def test_a_valid_inquiry_becomes_a_ticket_through_the_raw_pipeline(
    client, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level("DEBUG")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("concierge:inquiry", "pt-br"), valid())
    assert response.status_code == 302
    assert response["Location"] == url("concierge:thanks", "pt-br")
    inbound = InboundMessage.objects.get()
    assert inbound.source == InboundMessage.Source.FORM
    assert inbound.state == InboundMessage.State.PROCESSED and inbound.created_ticket
    assert b"From: Ana Lima <ana@example.org>" in bytes(inbound.raw)
    ticket = inbound.ticket
    assert ticket.source == Ticket.Source.FORM
    assert ticket.subject == "Estou em turnê e não consigo dormir."
    assert (ticket.requester.country, ticket.requester.preferred_language) == ("BR", "pt-br")
    assert "Preciso de ajuda." in ticket.messages.get(direction="inbound").body_text
    [acknowledgement] = mail.outbox
    assert acknowledgement.to == ["ana@example.org"]
    assert acknowledgement.extra_headers["Content-Language"] == "pt-br"
    for secret in ("ana@", "example.org", "Ana Lima", "dormir"):
        assert secret not in caplog.text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "not-an-email"),
        ("email", ""),
        ("country", "XX"),
        ("country", ""),
        ("preferred_language", "klingon"),
        ("message", ""),
        ("message", "x" * 10_001),
        ("consent", ""),
    ],
)
def test_invalid_input_is_shown_again_with_errors_and_nothing_is_stored(client, field, value):
    response = client.post(url("concierge:inquiry"), valid(**{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert 'role="alert"' in response.content.decode()
    assert InboundMessage.objects.count() == 0


def test_errors_are_in_the_active_language(client):
    response = client.post(url("concierge:inquiry", "de"), valid(email=""))
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()


def test_a_name_with_line_breaks_cannot_inject_headers(client):
    client.post(url("concierge:inquiry"), valid(name="Ana\r\nBcc: victim@example.com"))
    raw = bytes(InboundMessage.objects.get().raw)
    assert b"\nBcc:" not in raw


def test_the_honeypot_thanks_bots_and_stores_nothing(client):
    response = client.post(url("concierge:inquiry"), valid(website="http://spam.example"))
    assert response.status_code == 302
    assert InboundMessage.objects.count() == 0 and mail.outbox == []


def test_rate_limit_per_address(client, settings):
    settings.CONCIERGE_FORM_RATE = {"PER_EMAIL": 2, "PER_IP": 100, "WINDOW_SECONDS": 60}
    for _ in range(2):
        assert client.post(url("concierge:inquiry"), valid()).status_code == 302
    response = client.post(url("concierge:inquiry"), valid(email="ANA@example.org"))
    assert response.status_code == 429
    assert InboundMessage.objects.count() == 2
    other = client.post(url("concierge:inquiry"), valid(email="someone@example.org"))
    assert other.status_code == 302


def test_rate_limit_per_ip(client, settings):
    settings.CONCIERGE_FORM_RATE = {"PER_EMAIL": 100, "PER_IP": 2, "WINDOW_SECONDS": 60}
    for n in range(2):
        client.post(url("concierge:inquiry"), valid(email=f"p{n}@example.org"))
    blocked = client.post(url("concierge:inquiry"), valid(email="p9@example.org"))
    assert blocked.status_code == 429
    elsewhere = client.post(
        url("concierge:inquiry"), valid(email="p9@example.org"), REMOTE_ADDR="192.0.2.9"
    )
    assert elsewhere.status_code == 302


def test_a_database_outage_gets_a_clear_try_again_page_not_a_traceback(client, monkeypatch):
    def database_down(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("concierge.views.inbound_store", database_down)
    response = client.post(url("concierge:inquiry", "es"), valid())
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert 'href="mailto:global@backline.care"' in response.content.decode()
    assert '<html lang="es"' in response.content.decode()


def test_if_only_filing_fails_the_stored_inquiry_is_kept_and_thanked(client, monkeypatch):
    def database_down(**kwargs):
        raise OperationalError("connection lost")

    monkeypatch.setattr("concierge.views.inbound_process", database_down)
    response = client.post(url("concierge:inquiry"), valid())
    assert response.status_code == 302
    assert InboundMessage.objects.get().state == InboundMessage.State.NEW
