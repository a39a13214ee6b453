import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serve_neutral_site(page):
    """The quick-exit target is a real external site; answer it locally instead."""
    page.route(
        f"{settings.QUICK_EXIT_URL}**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>weather</p>"),
    )


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_home_page_loads_in_chromium(live_server, page, language, direction):
    page.goto(f"{live_server.url}/{language}/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == direction
    assert page.locator("h1").is_visible()
    assert page.locator("[data-quick-exit]").is_visible()


def test_shift_three_times_leaves_and_replaces_the_history_entry(live_server, page):
    serve_neutral_site(page)
    page.goto(f"{live_server.url}/en/")
    page.goto(f"{live_server.url}/ar/")
    assert page.evaluate("history.length") == 3  # about:blank, /en/, /ar/
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(f"{settings.QUICK_EXIT_URL}**")
    # The page was replaced, not pushed: the visited Hub page is no longer in history.
    assert page.evaluate("history.length") == 3
    page.go_back()
    assert page.url == f"{live_server.url}/en/"


def test_quick_exit_works_as_a_plain_link_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    serve_neutral_site(page)
    page.goto(f"{live_server.url}/en/")
    page.click("[data-quick-exit]")
    page.wait_for_url(f"{settings.QUICK_EXIT_URL}**")
    context.close()
