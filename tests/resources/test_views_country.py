import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from resources.models import Resource

UTC = datetime.UTC


def country_url(code: str = "gb", language: str = "en") -> str:
    with translation.override(language):
        return reverse("resources:country", kwargs={"code": code})


def names_in_order(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/[a-z-]+/resources/[^"]+/"[^>]*>([^<]+)</a>', html)


def test_country_page_renders_in_every_language(client, directory):
    for language in settings.LANGUAGE_CODES:
        response = client.get(country_url(language=language))
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{language}"' in html
        with translation.override(language):
            assert translation.gettext("Skip to main content") in html
            assert translation.gettext("Emergency numbers") in html
            assert translation.gettext("Crisis lines") in html


def test_emergency_numbers_come_first_as_unprefixed_tel_links(client, directory):
    html = client.get(country_url()).content.decode()
    main = html[html.index('<main id="main"') :]
    assert main.index('href="tel:999"') < main.index("Samaritans")
    assert '<a class="tel" href="tel:999"><bdi dir="ltr">999</bdi></a>' in main
    assert '<a class="tel" href="tel:112"><bdi dir="ltr">112</bdi></a>' in main
    assert "999 and 112 both work." in main


def test_emergency_bar_is_filled_with_the_countrys_numbers(client, directory):
    html = client.get(country_url()).content.decode()
    bar = html[html.index('<aside class="emergency-bar"') : html.index("</aside>")]
    assert "Emergency in United Kingdom" in bar
    assert 'href="tel:999"' in bar and 'href="tel:112"' in bar


def test_short_codes_keep_the_dial_string_and_full_numbers_use_e164(client, directory):
    html = client.get(country_url()).content.decode()
    assert '<a class="action" href="tel:116123">Call <bdi dir="ltr">116 123</bdi></a>' in html
    assert 'href="tel:+448001110111"' in html
    assert "tel:+44116123" not in html
    assert 'href="https://wa.me/447700900123"' in html


def test_crisis_lines_first_then_groups_by_type(client, directory):
    html = client.get(country_url()).content.decode()
    headings = re.findall(r'<h2 id="group-([a-z_]+)">', html)
    assert headings[0] == "crisis_line"
    assert headings == ["crisis_line", "helpline", "program", "guide"]
    assert names_in_order(html)[0] == "Samaritans"
    assert "Unchecked Draft Line" not in html  # drafts are not public


def test_crisis_lines_that_are_24_7_come_before_others(client, directory):
    from tests.factories import ChannelFactory, ResourceFactory

    office = ResourceFactory(name_en="Aardvark Office Line", type=Resource.Type.CRISIS_LINE)
    ChannelFactory(resource=office, value="0800 123 456", is_short_code=False)
    html = client.get(country_url()).content.decode()
    order = names_in_order(html)
    assert order.index("Samaritans") < order.index("Aardvark Office Line")


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ({"type": "helpline"}, ["Evening Listening Line"], ["Samaritans"]),
        ({"topic": "grief"}, ["Evening Listening Line"], ["Samaritans"]),
        ({"contact": "whatsapp"}, ["Evening Listening Line"], ["Samaritans"]),
        ({"contact": "email"}, ["Samaritans"], ["Evening Listening Line"]),
        ({"language": "es"}, ["Evening Listening Line"], ["Samaritans"]),
        ({"cost": "grant_funded"}, ["Backstage Wellbeing Programme"], ["Samaritans"]),
        ({"audience": "artists"}, ["Backstage Wellbeing Programme"], ["Samaritans"]),
        ({"delivery": "online"}, ["Evening Listening Line"], ["Samaritans"]),
        ({"delivery": "phone", "type": "crisis_line"}, ["Samaritans"], ["Evening Listening"]),
    ],
)
def test_filters(client, directory, query, expected, absent):
    response = client.get(country_url(), query)
    assert response.status_code == 200
    names = names_in_order(response.content.decode())
    for name in expected:
        assert name in names
    for name in absent:
        assert not any(name in n for n in names)


def test_filter_form_is_a_plain_get_form_that_keeps_the_choices(client, directory):
    html = client.get(country_url(), {"type": "helpline", "language": "es"}).content.decode()
    assert '<form class="filter-form" method="get" action="/en/countries/gb/">' in html
    assert '<option value="helpline" selected>' in html
    assert '<option value="es" selected>' in html
    assert '<details class="filters" open>' in html


@pytest.mark.parametrize(
    ("moment", "open_names"),
    [
        # 19:30 in London (GMT in January): the evening line and the 24/7 line are open.
        (
            datetime.datetime(2026, 1, 14, 19, 30, tzinfo=UTC),
            {"Samaritans", "Evening Listening Line"},
        ),
        # 19:30 UTC in July is 20:30 BST: still open. 22:30 UTC is 23:30 BST: closed.
        (datetime.datetime(2026, 7, 14, 22, 30, tzinfo=UTC), {"Samaritans"}),
        (datetime.datetime(2026, 1, 14, 10, 0, tzinfo=UTC), {"Samaritans"}),
    ],
)
def test_open_now_filter_uses_the_services_time_zone(client, directory, moment, open_names):
    with time_machine.travel(moment, tick=False):
        html = client.get(country_url(), {"open_now": "on"}).content.decode()
    assert set(names_in_order(html)) == open_names


def test_open_now_badge(client, directory):
    with time_machine.travel(datetime.datetime(2026, 1, 14, 19, 30, tzinfo=UTC), tick=False):
        html = client.get(country_url()).content.decode()
    card = html[html.index("Evening Listening Line") :]
    assert "Open now" in card[: card.index("</li>")]


@pytest.fixture
def three_crisis_lines(directory):
    from tests.factories import ChannelFactory, ResourceFactory

    zebra = ResourceFactory(name_en="Zebra Crisis Line", type=Resource.Type.CRISIS_LINE)
    ChannelFactory(resource=zebra, is_24_7=True)
    able = ResourceFactory(name_en="Able Crisis Line", type=Resource.Type.CRISIS_LINE)
    ChannelFactory(resource=able, value="0800 1", is_short_code=False)
    return directory


def test_sort_a_to_z_within_sections(client, three_crisis_lines):
    names = names_in_order(client.get(country_url(), {"sort": "name"}).content.decode())
    assert names[:3] == ["Able Crisis Line", "Samaritans", "Zebra Crisis Line"]


def test_recommended_sort_puts_24_7_lines_first(client, three_crisis_lines):
    names = names_in_order(client.get(country_url()).content.decode())
    assert names[:3] == ["Samaritans", "Zebra Crisis Line", "Able Crisis Line"]


def test_sort_open_now_first(client, directory):
    with time_machine.travel(datetime.datetime(2026, 1, 14, 10, 0, tzinfo=UTC), tick=False):
        html = client.get(country_url(), {"sort": "open", "type": "helpline"}).content.decode()
    assert names_in_order(html) == ["Evening Listening Line"]


def test_sort_recently_verified(client, directory):
    directory["listening"].verified_at = datetime.datetime(2026, 11, 30, tzinfo=UTC)
    directory["listening"].verification = Resource.Verification.STAFF_VERIFIED
    directory["listening"].save()
    html = client.get(country_url(), {"sort": "verified"}).content.decode()
    names = names_in_order(html)
    assert names.index("Evening Listening Line") < names.index("Backstage Wellbeing Programme")


def test_nothing_matching_never_dead_ends(client, directory):
    response = client.get(country_url(), {"type": "app"})
    assert response.status_code == 200
    html = response.content.decode()
    section = html[html.index('class="no-results"') :]
    assert 'href="tel:999"' in section  # the emergency number
    assert "Helpline Finder" in section  # international lines
    assert '<a href="/en/concierge/">Ask the concierge</a>' in section
    assert 'href="/en/countries/gb/"' in section  # clear filters


def test_country_without_entries_shows_emergency_numbers_and_international_lines(client, directory):
    from tests.factories import CountryFactory, EmergencyNumberFactory

    EmergencyNumberFactory(country=CountryFactory(code="TR"), number="112")
    html = client.get(country_url("tr")).content.decode()
    assert 'href="tel:112"' in html
    assert "Helpline Finder" in html


def test_country_we_do_not_cover_still_helps_and_invents_no_number(client, directory):
    response = client.get(country_url("zw"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "We have not confirmed the emergency number for Zimbabwe yet." in html
    assert "Helpline Finder" in html
    assert 'href="tel:' not in html


def test_upper_case_code_redirects_and_unknown_code_is_404(client, directory):
    response = client.get("/en/countries/GB/")
    assert response.status_code == 301
    assert response["Location"] == "/en/countries/gb/"
    assert client.get("/en/countries/xx/").status_code == 404
    assert client.get("/en/countries/gbr/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"type": "nonsense"},
        {"topic": "no-such-topic"},
        {"language": "xx"},
        {"sort": "sideways"},
        {"cost": "x" * 5000},
    ],
)
def test_bad_filter_values_get_a_400_with_a_message_and_still_show_help(client, directory, query):
    response = client.get(country_url(), query)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error"' in html
    assert 'href="tel:999"' in html  # the emergency numbers are still there


def test_page_numbers_out_of_range_fall_back_to_a_real_page(client, directory):
    for page in ["999", "-1", "abc", "1" * 50]:
        response = client.get(country_url(), {"page": page})
        assert response.status_code == 200
        assert "Samaritans" in response.content.decode()


def test_ltr_numbers_on_rtl_pages(client, directory):
    html = client.get(country_url(language="ar")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert '<bdi dir="ltr">116 123</bdi>' in html
    assert '<bdi dir="ltr">999</bdi>' in html
    assert '<bdi dir="ltr">0800 111 0 111</bdi>' in html


def test_meta_description_names_the_country(client, directory):
    html = client.get(country_url()).content.decode()
    assert re.search(r'<meta name="description" content="[^"]*United Kingdom', html)
    assert re.search(r'<meta property="og:description" content="[^"]*United Kingdom', html)
    assert '<link rel="canonical" href="http://testserver/en/countries/gb/">' in html
