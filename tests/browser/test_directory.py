"""The public directory in Chromium: flows without JavaScript, print, quick exit, RTL."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from resources.models import ProblemReport
from tests.resources.directory_data import build_directory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RESULTS = Path(settings.BASE_DIR) / "test-results"
# Controls smaller than 24 × 24 CSS pixels (WCAG 2.5.8), except links inside a sentence.
SMALL_TARGETS = """() => {
  const selector = "main a, main button, main summary, main input, main select, "
    + ".emergency-bar a, header a, header summary";
  return [...document.querySelectorAll(selector)]
    .filter(el => el.offsetParent !== null)
    .filter(el => !el.closest("p, dd, small, svg"))
    .map(el => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect()])
    .filter(([, r]) => r.width < 24 || r.height < 24)
    .map(([t, r]) => `${t} ${Math.round(r.width)}x${Math.round(r.height)}`);
}"""


@pytest.fixture
def directory(transactional_db):
    return build_directory()


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="en-GB"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("language", settings.LANGUAGE_CODES)
def test_two_taps_from_home_to_a_crisis_line_without_javascript(
    live_server, no_js_page, directory, language
):
    page = no_js_page
    page.goto(f"{live_server.url}/{language}/")
    # Tap 1: the country in the picker (its name is in the page's language).
    page.locator(f'#countries a[href="/{language}/countries/gb/"]').first.click()
    page.wait_for_url(f"**/{language}/countries/gb/")
    # Tap 2: the crisis line's call link, a real tel: link.
    call = page.locator('main a[href="tel:116123"]').first
    assert call.is_visible()
    emergency = page.locator(".emergency a.tel").first
    assert emergency.get_attribute("href") == "tel:999"
    # The emergency section comes before the first crisis line on the page.
    assert emergency.bounding_box()["y"] < call.bounding_box()["y"]
    assert "116 123" in call.inner_text()


def test_country_picker_search_box_without_javascript(live_server, no_js_page, directory):
    page = no_js_page
    page.goto(f"{live_server.url}/en/")
    page.get_by_label("Search for your country").fill("germ")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url("**country=germ**")
    assert page.locator(".country-list a").all_inner_texts() == ["Germany"]


def test_filters_and_sort_without_javascript(live_server, no_js_page, directory):
    page = no_js_page
    page.goto(f"{live_server.url}/en/countries/gb/")
    page.get_by_text("Filter and sort").click()  # <details> opens without script
    page.get_by_label("Type").select_option("helpline")
    page.get_by_label("Language spoken").select_option("es")
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url(re.compile(r".*type=helpline.*language=es.*"))
    names = page.locator(".card h3 a").all_inner_texts()
    assert names == ["Evening Listening Line"]
    page.get_by_label("Type").select_option("app")
    page.get_by_role("button", name="Show results").click()
    page.wait_for_url("**type=app**")
    assert page.locator(".no-results").is_visible()
    assert page.locator(".no-results a.tel").first.get_attribute("href") == "tel:999"


def test_search_without_javascript(live_server, no_js_page, directory):
    page = no_js_page
    page.goto(f"{live_server.url}/en/")
    page.get_by_label("Name, topic or words").fill("samaritns")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/en/search/?q=samaritns**")
    assert "Samaritans" in page.locator(".card h3 a").all_inner_texts()


def test_report_a_problem_flow(live_server, page, directory):
    page.goto(f"{live_server.url}/en/resources/gb-samaritans/")
    page.get_by_role("link", name="Report a problem with this entry").click()
    page.get_by_role("button", name="Send report").click()  # nothing chosen: a clear error
    assert page.locator(".banner.danger").is_visible()
    assert page.locator("#id_kind_error").is_visible()
    page.get_by_label("The hours are wrong").check()
    page.get_by_label("Details (optional)").fill("They close at 22:00 now.")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url("**/en/resources/gb-samaritans/report/thanks/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Thank you")
    report = ProblemReport.objects.get()
    assert report.kind == "wrong_hours" and report.message == "They close at 22:00 now."


def test_tour_card_prints_on_one_page(live_server, browser, directory):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/tour/")
    page.get_by_label("United Kingdom").check()
    page.get_by_label("Germany").check()
    page.get_by_role("button", name="Make my tour card").click()
    page.wait_for_url(re.compile(r".*c=GB.*c=DE.*|.*c=DE.*c=GB.*"))
    assert page.locator(".tour-card").count() == 2
    page.emulate_media(media="print")
    for hidden in (".tour-form", ".quick-exit", ".site-header", ".emergency-bar"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator(".tour-card a.tel").first.is_visible()
    pdf = page.pdf(format="A4")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "tour-card.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    context.close()


def test_quick_exit_from_a_country_page_replaces_the_history_entry(live_server, page, directory):
    page.route(
        f"{settings.QUICK_EXIT_URL}**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>weather</p>"),
    )
    page.goto(f"{live_server.url}/en/")
    page.goto(f"{live_server.url}/en/countries/gb/")
    page.locator("[data-quick-exit]").click()
    page.wait_for_url(f"{settings.QUICK_EXIT_URL}**")
    page.go_back()
    assert page.url == f"{live_server.url}/en/"


@pytest.mark.parametrize("language", ["en", "ar", "ja"])
def test_country_page_layout_and_rtl(live_server, page, directory, language):
    page.goto(f"{live_server.url}/{language}/countries/gb/")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"country-gb-{language}.png"), full_page=True)
    width = page.viewport_size["width"]
    heading = page.locator("h1").bounding_box()
    exit_box = page.locator("[data-quick-exit]").bounding_box()
    number = page.locator(".emergency bdi").first
    assert number.evaluate("el => getComputedStyle(el).direction") == "ltr"
    if language == "ar":
        # Right to left: the heading starts at the right edge, quick exit sits on the left.
        assert heading["x"] + heading["width"] > width - 40
        assert exit_box["x"] < width / 2
    else:
        assert heading["x"] < 40
        assert exit_box["x"] > width / 2
    # Nothing scrolls sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # Every link and button is at least 24 × 24 CSS pixels, or inline in a sentence.
    small = page.evaluate(SMALL_TARGETS)
    assert small == []


def test_pages_cause_no_csp_violations_or_script_errors(live_server, page, directory):
    problems = []
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and "Failed to load resource" not in m.text
            and problems.append(m.text)
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    # Failed loads are listed by URL (browsers ask for /favicon.ico on their own).
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    for url in ("/en/", "/ar/countries/gb/", "/ja/resources/gb-samaritans/", "/en/tour/?c=GB"):
        page.goto(live_server.url + url)
        # The JSON-LD block is data, not script: the CSP neither runs nor reports it.
        if "resources/" in url:
            assert page.locator('script[type="application/ld+json"]').count() == 1
    assert [p for p in problems if not p.endswith("/favicon.ico")] == []
