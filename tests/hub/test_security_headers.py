"""Strict security headers, and no cookies for readers, on every public URL."""

import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.middleware.security import SecurityMiddleware
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.csp import parse_csp
from tests.public_urls import public_routes, public_urls, routes_without_samples

PUBLIC_URLS = public_urls()
# Error pages are pages too: an unknown path in a language, outside one, and an unknown prefix.
ERROR_URLS = ["/en/no-such-page/", "/ar/no-such-page/", "/no-such-page/", "/xx/"]

EXPECTED_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# Every source expression in our policy must be one of these: no hosts, no inline, no eval.
ALLOWED_SOURCES = {"'self'", "'none'", "data:"}
DENIED_FEATURES = {"camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"}


class InlineCodeFinder(HTMLParser):
    """Collects everything a strict CSP would block or that loads from another site."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        for name in attributes:
            if name.startswith("on"):
                self.problems.append(f"inline handler {name} on <{tag}>")
        if "style" in attributes:
            self.problems.append(f"style attribute on <{tag}>")
        if tag == "style":
            self.problems.append("<style> element")
        data_only = attributes.get("type") in {"application/json", "application/ld+json"}
        if tag == "script" and not attributes.get("src") and not data_only:
            self.problems.append("inline <script>")
        # Things the browser fetches (canonical/alternate links are only references).
        fetched = attributes.get("src") or (
            attributes.get("href")
            if tag == "link" and attributes.get("rel") not in {"canonical", "alternate"}
            else ""
        )
        if fetched and re.match(r"^(https?:)?//", fetched):
            self.problems.append(f"<{tag}> loads {fetched} from another site")


def assert_strict_headers(response) -> None:
    for name, value in EXPECTED_HEADERS.items():
        assert response.get(name) == value, f"{name}: {response.get(name)!r}"
    csp = parse_csp(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    sources = {source for values in csp.values() for source in values}
    assert sources <= ALLOWED_SOURCES, sources - ALLOWED_SOURCES
    policy = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    assert set(policy) >= DENIED_FEATURES
    assert set(policy.values()) == {"()"}


def assert_no_cookies_unless_a_form_needs_csrf(response) -> None:
    html = response.content.decode(errors="replace")
    has_post_form = re.search(r"<form[^>]*method=[\"']?post", html, re.IGNORECASE)
    allowed = {settings.CSRF_COOKIE_NAME} if has_post_form else set()
    assert set(response.cookies) <= allowed, f"sets cookies {set(response.cookies)}"
    if not has_post_form:
        # Nothing touched the session or the CSRF token, so caches may share the page.
        assert "Cookie" not in response.get("Vary", "")


def test_the_inventory_finds_the_pages_that_exist():
    assert {"/", "/healthz/", "/en/", "/ar/", "/zh-hans/"} <= set(PUBLIC_URLS)
    assert not any(url.startswith(f"/{settings.ADMIN_PATH}") for url in PUBLIC_URLS)
    assert "resources:home" in {route.name for route in public_routes()}


def test_every_parameterised_public_route_has_samples():
    assert routes_without_samples() == [], "add them to SAMPLE_KWARGS in tests/public_urls.py"


@pytest.mark.django_db
@pytest.mark.usefixtures("seed")
@pytest.mark.parametrize("url", PUBLIC_URLS + ERROR_URLS)
def test_every_public_url_sends_strict_headers_and_no_cookies(url):
    response = Client().get(url, secure=True, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response.status_code < 500
    assert_strict_headers(response)
    assert_no_cookies_unless_a_form_needs_csrf(response)
    if response["Content-Type"].startswith("text/html"):
        finder = InlineCodeFinder()
        finder.feed(response.content.decode())
        assert finder.problems == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/", "/healthz/"])
def test_hsts_is_only_sent_over_https(url):
    response = Client().get(url)
    assert "Strict-Transport-Security" not in response
    assert response["Referrer-Policy"] == "same-origin"


def test_plain_http_is_redirected_to_https_in_production_except_healthz(settings, rf):
    settings.SECURE_SSL_REDIRECT = True
    middleware = SecurityMiddleware(lambda request: None)
    response = middleware.process_request(rf.get("/en/"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/en/"
    # Load balancers probe the health check over plain HTTP.
    assert middleware.process_request(rf.get("/healthz/")) is None


@pytest.mark.django_db
def test_reading_pages_in_any_language_leaves_no_cookie_behind(client):
    for url in public_urls(["en", "ar", "ja"]):
        response = client.get(url, secure=True, follow=True)
        assert response.status_code == 200
        assert_no_cookies_unless_a_form_needs_csrf(response)
    # The client stored nothing across all those pages (no session, no language cookie).
    assert set(client.cookies) <= {settings.CSRF_COOKIE_NAME}


@pytest.mark.django_db
def test_choosing_a_language_sets_only_a_secure_httponly_language_cookie():
    client = Client(enforce_csrf_checks=False)
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/en/"}, secure=True)
    assert response.status_code == 302
    assert set(response.cookies) == {settings.LANGUAGE_COOKIE_NAME}
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_admin_login_cookies_are_secure_httponly_and_session_only(admin_user):
    client = Client()
    page = client.get(f"/{settings.ADMIN_PATH}login/", secure=True)
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        f"/{settings.ADMIN_PATH}login/",
        {"username": "admin", "password": "password"},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    # Expires when the browser closes: no Max-Age or Expires on the cookie.
    assert not session["max-age"] and not session["expires"]


def test_production_settings_pass_the_deploy_checks():
    """`check --deploy --fail-level WARNING` is clean with the production env of .ci/run."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "hub.settings",
        "SECRET_KEY": "ci-only-" + "k" * 60,
        "DJANGO_DEBUG": "0",
        "ALLOWED_HOSTS": "hub.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://hub.example.org",
        "SITE_URL": "https://hub.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/5",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_sign_in_pages_send_strict_headers(language):
    """The admin and staff pages are not public, but their doors are: the admin login page, and
    the redirect an anonymous visitor to the staff workspace gets to it."""
    client = Client()
    with translation.override(language):
        staff_home = reverse("staff:home")
    response = client.get(staff_home, secure=True)
    assert response.status_code == 302
    assert_strict_headers(response)
    assert set(response.cookies) == set()
    login = client.get(response["Location"], secure=True)
    assert login.status_code == 200
    assert reverse("admin:login") in response["Location"]
    assert_strict_headers(login)
    assert_no_cookies_unless_a_form_needs_csrf(login)
    finder = InlineCodeFinder()
    finder.feed(login.content.decode())
    assert finder.problems == []
