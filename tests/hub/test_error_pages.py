"""Error pages: right status, visitor's language, emergency help, no traceback, no database."""

from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db.backends.base.base import BaseDatabaseWrapper
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from hub.errors import CSRF_MESSAGE
from tests.hub.emergency_fixtures import fixture_with_integer_keys, write_fixture
from tests.hub.test_security_headers import assert_strict_headers

pytestmark = pytest.mark.urls("tests.hub.error_urls")

TITLES = {
    400: "Bad request",
    403: "Access denied",
    404: "Page not found",
    405: "Not allowed",
    413: "Too much data",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}


@pytest.fixture(autouse=True)
def seed_fixture(settings, tmp_path):
    cache.clear()
    settings.EMERGENCY_FIXTURE = write_fixture(
        tmp_path / "directory.json", fixture_with_integer_keys()
    )
    yield settings.EMERGENCY_FIXTURE
    cache.clear()


@pytest.fixture
def database_down():
    """Every attempt to reach the database fails the way a stopped server does."""
    from django.db import OperationalError

    refused = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with (
        mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=refused) as connect,
        mock.patch.object(BaseDatabaseWrapper, "cursor", side_effect=refused),
    ):
        yield connect


def client() -> Client:
    return Client(raise_request_exception=False)


def request_for(status: int, language: str):
    """Make the site answer with `status`, through the same paths real requests take."""
    c = client()
    headers = {"HTTP_ACCEPT_LANGUAGE": f"{language},en;q=0.5"}
    if status == 400:
        return c.get(f"/{language}/test-errors/suspicious/", **headers)
    if status == 403:
        return c.get(f"/{language}/test-errors/forbidden/", **headers)
    if status == 404:
        return c.get(f"/{language}/no-such-page/", **headers)
    if status == 405:
        return c.post("/healthz/", **headers)
    if status == 413:
        size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
        return c.post(
            f"/{language}/test-errors/echo/",
            data=b"x=" + b"a" * size,
            content_type="application/x-www-form-urlencoded",
            **headers,
        )
    if status == 500:
        return c.get(f"/{language}/test-errors/crash/", **headers)
    if status == 503:
        return c.get(f"/{language}/test-errors/database-down/", **headers)
    raise AssertionError(status)


def assert_error_page(response, status: int, language: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    with translation.override(language):
        assert translation.gettext(TITLES[status]) in html
        assert translation.gettext("In danger right now? Call your local emergency number.") in html
        assert translation.gettext("Find the number for your country") in html
    assert f'href="/{language}/#countries"' in html
    assert "Traceback" not in html and "requester@example.org" not in html
    assert "RuntimeError" not in html and "Connection refused" not in html
    assert response["Content-Language"] == language
    return html


@pytest.mark.django_db
@pytest.mark.parametrize("status", sorted(TITLES))
@pytest.mark.parametrize("language", ["en", "de", "ar", "ja"])
def test_error_pages_answer_in_the_visitors_language_with_emergency_numbers(status, language):
    html = assert_error_page(request_for(status, language), status, language)
    # Seed numbers, as tel: links that read left to right even on RTL pages.
    assert '<a href="tel:999"><bdi dir="ltr">999</bdi></a>' in html
    assert '<a href="tel:112"><bdi dir="ltr">112</bdi></a>' in html
    if language == "ar":
        assert 'dir="rtl"' in html


@pytest.mark.django_db
def test_error_pages_send_the_strict_security_headers():
    response = client().get("/en/test-errors/crash/", secure=True)
    assert response.status_code == 500
    assert_strict_headers(response)
    assert response["Cache-Control"] == "no-store"
    assert response.cookies == {}


@pytest.mark.django_db
def test_the_visitors_country_comes_first():
    html = client().get("/en/no-such-page/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").content.decode()
    local = html.split('<details class="emergency-countries"')[0]
    assert "Emergency numbers in United Kingdom:" in local
    assert 'href="tel:999" class="tel"' in local


@pytest.mark.django_db
def test_the_country_in_the_address_wins_over_the_browser_language():
    response = client().get("/ja/countries/jp/no-such-section/", HTTP_ACCEPT_LANGUAGE="en-GB")
    local = response.content.decode().split('<details class="emergency-countries"')[0]
    assert 'href="tel:110" class="tel"' in local  # police
    assert 'href="tel:119" class="tel"' in local  # ambulance and fire


@pytest.mark.django_db
def test_database_errors_become_503_with_retry_after():
    response = request_for(503, "en")
    assert response["Retry-After"] == str(settings.RETRY_AFTER_SECONDS)
    with translation.override("en"):
        assert "send it again in a few minutes" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ja", "ar"])
def test_the_503_page_and_its_footer_give_the_configured_concierge_address(settings, language):
    settings.CONCIERGE_ADDRESS = "help@concierge.example"
    html = request_for(503, language).content.decode()
    assert "%(" not in html
    assert "global@backline.care" not in html
    # Once in the message, twice in the footer's mailto link.
    assert html.count("help@concierge.example") == 3


@pytest.mark.django_db
def test_csrf_failures_explain_what_to_do():
    response = Client(enforce_csrf_checks=True).post(
        "/i18n/setlang/", {"language": "de"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    html = assert_error_page(response, 403, "fr")
    with translation.override("fr"):
        explanation = str(CSRF_MESSAGE)
    with translation.override("en"):
        assert explanation != str(CSRF_MESSAGE)  # the French catalogue has it
    assert escape(explanation) in html


@pytest.mark.django_db
def test_oversized_bodies_get_413_when_the_csrf_check_reads_them():
    c = Client(enforce_csrf_checks=True, raise_request_exception=False)
    c.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    response = c.post(
        "/i18n/setlang/",
        data=b"language=" + b"a" * size,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "language"), [("/HI", "hi"), ("/ZH-HANS/nope/", "zh-hans")])
def test_upper_case_language_prefixes_get_that_language(path, language):
    response = client().get(path, HTTP_ACCEPT_LANGUAGE="de")
    assert_error_page(response, 404, language)


@pytest.mark.django_db
def test_a_request_body_cut_short_is_the_clients_problem():
    response = client().get("/ko/test-errors/body-cut-short/")
    assert_error_page(response, 400, "ko")


@pytest.mark.django_db
def test_a_bad_host_header_gets_a_400_page():
    response = client().get("/en/", HTTP_HOST="evil.example")
    assert_error_page(response, 400, "en")


@pytest.mark.parametrize("status", [400, 403, 404, 500, 503])
def test_error_pages_render_while_the_database_is_down(status, database_down):
    # The 404 page may try the database (to refill the cache) and must fall back quietly.
    html = assert_error_page(request_for(status, "de"), status, "de")
    assert "tel:112" in html


def test_the_500_page_never_touches_the_database(database_down):
    request_for(500, "en")
    request_for(503, "en")
    assert database_down.call_count == 0


@pytest.mark.django_db
def test_without_a_seed_fixture_the_page_gives_generic_advice(settings, tmp_path):
    settings.EMERGENCY_FIXTURE = tmp_path / "missing.json"
    html = assert_error_page(request_for(500, "en"), 500, "en")
    assert "tel:" not in html


@pytest.mark.django_db
def test_a_broken_cache_does_not_break_the_error_page():
    with mock.patch.object(cache, "get", side_effect=ConnectionError("redis down")):
        html = assert_error_page(request_for(500, "en"), 500, "en")
    assert "tel:999" in html


@pytest.mark.django_db
def test_if_the_template_fails_a_plain_page_still_shows_the_numbers(caplog):
    with mock.patch("hub.errors.loader.render_to_string", side_effect=ValueError("no manifest")):
        response = client().get("/de/test-errors/crash/", HTTP_ACCEPT_LANGUAGE="de-DE")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="de" dir="ltr">' in html
    assert '<a href="tel:112"><bdi dir="ltr">112</bdi></a>' in html
    assert "Traceback" not in html
    assert "error page template failed" in caplog.text
