"""Home, language pages and the tour card."""

import re

from django.conf import settings
from django.urls import reverse
from django.utils import translation


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


# Home ----------------------------------------------------------------------------------


def test_home_lists_countries_in_the_active_language(client, directory):
    from django_countries import countries

    for language in settings.LANGUAGE_CODES:
        response = client.get(url("resources:home", language))
        assert response.status_code == 200
        html = response.content.decode()
        with translation.override(language):
            assert f">{countries.name('DE')}</a>" in html
            assert translation.gettext("Find help in your country") in html
        assert f'href="/{language}/countries/gb/"' in html


def test_home_offers_the_likely_country_from_accept_language_first(client, directory):
    response = client.get(url("resources:home"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    html = response.content.decode()
    section = html[html.index('id="countries"') :]
    assert section.index("Help in Germany") < section.index('class="country-list"')
    bar = html[html.index('<aside class="emergency-bar"') : html.index("</aside>")]
    assert "Emergency in Germany" in bar and 'href="tel:112"' in bar
    assert "Accept-Language" in response["Vary"]


def test_home_without_a_known_region_suggests_nothing(client, directory):
    html = client.get(url("resources:home"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'class="likely"' not in html
    assert "In danger right now? Call your local emergency number." in html


def test_country_search_box_filters_the_list_without_javascript(client, directory):
    html = client.get(url("resources:home"), {"country": "germ"}).content.decode()
    listed = re.findall(r'<ul class="country-list">(.*?)</ul>', html, re.S)[0]
    assert "Germany" in listed and "United Kingdom" not in listed
    # Accent- and case-insensitive, in the page's language or in English.
    de = client.get(url("resources:home", "de"), {"country": "VEREINIGTES"}).content.decode()
    assert (
        "Vereinigtes Königreich" in re.findall(r'<ul class="country-list">(.*?)</ul>', de, re.S)[0]
    )
    en = client.get(url("resources:home", "de"), {"country": "united king"}).content.decode()
    assert "/de/countries/gb/" in en


def test_country_search_with_no_match_still_helps(client, directory):
    html = client.get(url("resources:home"), {"country": "atlantis"}).content.decode()
    assert "We have no entries for that country yet." in html
    assert 'href="/en/search/"' in html


def test_country_search_too_long_is_a_400(client, directory):
    assert client.get(url("resources:home"), {"country": "x" * 500}).status_code == 400


def test_coverage_map_links_every_covered_country_with_an_accessible_name(client, directory):
    html = client.get(url("resources:home")).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'aria-labelledby="map-heading"' in svg
    assert '<a href="/en/countries/gb/" class="covered" aria-label="United Kingdom">' in svg
    assert '<a href="/en/countries/de/" class="covered" aria-label="Germany">' in svg
    assert svg.count("<a ") == 2
    assert "style=" not in svg


def test_home_links_to_the_concierge_search_tour_and_languages(client, directory):
    html = client.get(url("resources:home")).content.decode()
    assert 'href="/en/concierge/"' in html
    assert 'action="/en/search/"' in html
    assert 'href="/en/tour/"' in html
    assert 'href="/en/languages/es/">Spanish</a>' in html


# Language pages --------------------------------------------------------------------------


def test_language_page_groups_services_by_country(client, directory):
    response = client.get(url("resources:language", code="es"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Services that speak Spanish" in html
    assert '<a href="/en/countries/gb/">United Kingdom</a>' in html
    assert "Evening Listening Line" in html
    assert "Samaritans" not in html


def test_language_page_matches_regional_tags_and_filters_by_country(client, directory):
    from tests.factories import LanguageFactory, ResourceFactory

    ResourceFactory(
        name_en="Linea en Alemania",
        country=directory["de"],
        languages=[LanguageFactory(code="es-419", label_en="Latin American Spanish")],
    )
    html = client.get(url("resources:language", code="es")).content.decode()
    assert "Linea en Alemania" in html and "Evening Listening Line" in html
    html = client.get(url("resources:language", code="es"), {"country": "de"}).content.decode()
    assert "Linea en Alemania" in html and "Evening Listening Line" not in html
    # An unknown country is ignored, not an error.
    assert client.get(url("resources:language", code="es"), {"country": "zz"}).status_code == 200


def test_unknown_language_is_404(client, directory):
    assert client.get(url("resources:language", code="xx")).status_code == 404
    assert client.get("/en/languages/not_a_code/").status_code == 404


# Tour card ---------------------------------------------------------------------------------


def test_tour_picker_is_a_get_form_with_checkboxes(client, directory):
    response = client.get(url("resources:tour"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form class="tour-form no-print" method="get"' in html
    assert 'type="checkbox" name="c" value="GB"' in html
    assert 'type="checkbox" name="c" value="DE"' in html


def test_tour_card_lists_numbers_and_24_7_lines_per_country(client, directory):
    html = client.get(url("resources:tour"), {"c": ["GB", "de"]}).content.decode()
    cards = html[html.index('class="tour-cards"') : html.index('class="tour-form')]
    assert cards.index("United Kingdom") < cards.index("Germany")  # in the order chosen
    assert 'href="tel:999"' in cards and 'href="tel:110"' in cards
    assert "Samaritans" in cards and 'href="tel:116123"' in cards
    assert "TelefonSeelsorge" in cards and "+498001110111" in cards
    assert "Evening Listening Line" not in cards  # not 24/7
    assert 'type="checkbox" name="c" value="GB" id="id_c_' in html and "checked" in html


def test_tour_card_never_claims_foreign_sim_support_without_a_source(client, directory):
    html = client.get(url("resources:tour"), {"c": "GB"}).content.decode()
    assert "we say that a number works from a foreign phone only where our sources say so" in html
    assert "works from a foreign SIM" not in html


def test_tour_card_rejects_unknown_countries_with_a_400(client, directory):
    response = client.get(url("resources:tour"), {"c": ["GB", "XX"]})
    assert response.status_code == 400
    assert "We have no numbers for “XX”." in response.content.decode()


def test_print_stylesheet_hides_the_controls_and_fits_the_cards(client):
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    print_block = css[css.rindex("@media print") :]
    assert "@page" in print_block
    assert ".no-print" in print_block
    assert "break-inside: avoid" in print_block
