import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from resources.models import Resource
from resources.search import normalize, search
from tests.resources.directory_data import bulk_resources

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL search (set DATABASE_URL=postgres://…)"
)


def search_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("resources:search")


def result_names(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/[a-z-]+/resources/[^"]+/"[^>]*>([^<]+)</a>', html)


def test_normalize_folds_case_and_accents():
    assert normalize("SÁMARITANS") == "samaritans"
    assert normalize("Telefonseelsorge") == normalize("TELEFONSEELSORGE")
    assert normalize("Straße") == "strasse"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("samaritans", "Samaritans"),
        ("SAMARITANS", "Samaritans"),
        ("Sámaritáns", "Samaritans"),
        ("listening volunteers", "Evening Listening Line"),  # words from the description
        ("vertrauliches zuhoren", "Samaritans"),  # the German description, accents stripped
        ("samaritns", "Samaritans"),  # a typo
        ("telefonseelsorge", "TelefonSeelsorge"),
    ],
)
def test_search_finds_names_and_descriptions_in_any_language(client, directory, q, expected):
    response = client.get(search_url(), {"q": q})
    assert response.status_code == 200
    assert expected in result_names(response.content.decode())


def test_search_results_combine_with_filters(client, directory):
    html = client.get(search_url(), {"q": "line", "country": "DE"}).content.decode()
    # TelefonSeelsorge does not say "line"; the international finder serves Germany too.
    assert result_names(html) == ["Helpline Finder"]
    html = client.get(search_url(), {"q": "line", "type": "helpline"}).content.decode()
    assert result_names(html) == ["Evening Listening Line"]
    html = client.get(search_url(), {"q": "crisis", "country": "DE"}).content.decode()
    assert "TelefonSeelsorge" in result_names(html)
    assert "Samaritans" not in result_names(html)


def test_search_shows_the_country_of_each_result_and_its_emergency_bar(client, directory):
    html = client.get(search_url(), {"q": "samaritans", "country": "GB"}).content.decode()
    assert '<span class="where">United Kingdom</span>' in html
    bar = html[html.index('<aside class="emergency-bar"') : html.index("</aside>")]
    assert 'href="tel:999"' in bar


def test_drafts_never_appear_in_search(client, directory):
    html = client.get(search_url(), {"q": "unchecked draft"}).content.decode()
    assert "Unchecked Draft Line" not in html


def test_empty_query_shows_the_form_and_no_result_list(client, directory):
    response = client.get(search_url(), {"q": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<input type="search" name="q"' in html
    assert result_names(html) == []
    assert "no-results" not in html
    assert client.get(search_url()).status_code == 200


def test_no_match_never_dead_ends(client, directory):
    html = client.get(search_url(), {"q": "zzzzqqq"}).content.decode()
    assert 'class="no-results"' in html
    assert "Helpline Finder" in html  # international lines
    assert "concierge" in html


def test_too_long_query_is_a_400_with_a_message(client, directory):
    response = client.get(search_url(), {"q": "a" * 500})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()


def test_search_is_paginated(client, db):
    bulk_resources(45)
    first = client.get(search_url(), {"q": "bulk service"}).content.decode()
    assert len(result_names(first)) == 40
    second = client.get(search_url(), {"q": "bulk service", "page": 2}).content.decode()
    assert len(result_names(second)) == 5
    assert 'href="?q=bulk+service&amp;page=1"' in second


def test_search_function_annotates_a_rank(directory):
    results = list(search(Resource.objects.published(), "samaritans"))
    assert [r.name for r in results] == ["Samaritans"]
    assert results[0].search_rank > 0


@on_postgres
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("samaritns", "Samaritans"),
        ("samaritan", "Samaritans"),
        ("SÁMARITANS", "Samaritans"),
        ("telefonseelsorg", "TelefonSeelsorge"),
        ("listening volunteers", "Evening Listening Line"),
        ("zuhoren", "Samaritans"),
    ],
)
def test_postgres_full_text_and_trigram_search(directory, q, expected):
    names = [r.name for r in search(Resource.objects.published(), q).order_by("-search_rank")]
    assert names and names[0] == expected


@on_postgres
def test_postgres_ranks_name_matches_above_description_matches(directory):
    from tests.factories import ResourceFactory

    ResourceFactory(name_en="Other Line", description_en="Not the samaritans, but similar.")
    names = [
        r.name for r in search(Resource.objects.published(), "samaritans").order_by("-search_rank")
    ]
    assert names[:2] == ["Samaritans", "Other Line"]


@on_postgres
def test_postgres_extensions_are_installed(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        installed = {row[0] for row in cursor.fetchall()}
    assert {"pg_trgm", "unaccent"} <= installed


@on_postgres
def test_postgres_trigram_match_needs_every_word_near_a_name_word(db):
    from tests.factories import ResourceFactory

    ResourceFactory(name_en="Lantern Listening Line", slug="lantern")
    ResourceFactory(name_en="Northern Listening Line", slug="northern")
    ResourceFactory(name_en="Lantern Helpline", slug="lantern-helpline")

    def found(q: str) -> set[str]:
        return {r.slug for r in search(Resource.objects.published(), q)}

    # "northern" shares "ern" with "lantern": the words together were close enough.
    assert found("lantern listening") == {"lantern"}
    assert found("lanterm lisening") == {"lantern"}  # a typo in each word
    assert found("listening") == {"lantern", "northern"}
    assert found("lanterm / lisening") == {"lantern"}  # "/" has no trigrams: not a word
