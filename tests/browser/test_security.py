"""In Chromium: our Referrer-Policy keeps CSRF working, and the CSP blocks nothing we serve."""

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser("curator", "curator@example.org", PASSWORD)


def sign_in(page, live_server) -> dict:
    """Submit the admin login form; return the headers Chromium sent with the POST."""
    sent = {}
    page.on(
        "request",
        lambda request: sent.update(request.headers) if request.method == "POST" else None,
    )
    page.goto(f"{live_server.url}/{settings.ADMIN_PATH}login/")
    page.fill("#id_username", "curator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    return sent


def test_form_posts_pass_the_csrf_check_with_our_referrer_policy(live_server, page, staff_user):
    sent = sign_in(page, live_server)
    assert sent["origin"] == live_server.url
    assert page.url == f"{live_server.url}/{settings.ADMIN_PATH}"
    assert page.locator("#site-name").is_visible()


def test_no_referrer_would_break_every_form(live_server, page, staff_user):
    """Why the policy is not no-referrer: Chromium then posts `Origin: null` and CSRF fails."""

    def with_no_referrer(route):
        response = route.fetch()
        headers = {**response.headers, "referrer-policy": "no-referrer"}
        route.fulfill(response=response, headers=headers)

    page.route(f"{live_server.url}/{settings.ADMIN_PATH}login/", with_no_referrer)
    sent = sign_in(page, live_server)
    assert sent["origin"] == "null"
    assert page.locator("h1").inner_text() == "Access denied"
    assert "security check failed" in page.locator("main").inner_text()


@pytest.mark.parametrize("path", ["/en/", "/ar/", "/ja/no-such-page/"])
def test_pages_trigger_no_content_security_policy_violations(live_server, page, path):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(f"{live_server.url}{path}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert [m for m in messages if "Content Security Policy" in m or "CSP" in m] == []
    assert page.context.cookies() == []
