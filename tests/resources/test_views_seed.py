"""The public pages over the real seed data (fixtures/directory.json): every country and every
published entry renders, stays within the query budget, and the country page is small."""

import gzip

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.models import Country, Resource

pytestmark = pytest.mark.usefixtures("seed")
MAX_QUERIES = 10
MAX_COUNTRY_PAGE_GZIP = 30 * 1024


def get(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries.captured_queries)


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


@pytest.mark.django_db
def test_every_country_page_in_english_arabic_and_japanese(client):
    codes = list(Country.objects.values_list("code", flat=True))
    assert len(codes) >= 40
    for language in ("en", "ar", "ja"):
        for code in codes:
            response, queries = get(client, f"/{language}/countries/{code.lower()}/")
            assert response.status_code == 200, code
            assert queries <= MAX_QUERIES, (code, queries)
            html = response.content.decode()
            assert 'href="tel:' in html, f"{code} shows no emergency number"


@pytest.mark.django_db
def test_every_published_entry_in_english_and_a_sample_in_arabic_and_japanese(client):
    slugs = list(Resource.objects.published().order_by("slug").values_list("slug", flat=True))
    assert len(slugs) >= 50
    for language, sample in (("en", slugs), ("ar", slugs[::6]), ("ja", slugs[3::6])):
        for slug in sample:
            response, queries = get(client, f"/{language}/resources/{slug}/")
            assert response.status_code == 200, slug
            assert queries <= MAX_QUERIES, (slug, queries)


@pytest.mark.django_db
def test_country_page_html_and_css_under_30_kb_compressed(client):
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_bytes()
    weights = {}
    for code in Country.objects.values_list("code", flat=True):
        html = client.get(f"/en/countries/{code.lower()}/").content
        weights[code] = gzipped(html) + gzipped(css)
    heaviest = max(weights, key=weights.get)
    print(f"heaviest country page: {heaviest} {weights[heaviest]} bytes gzip (HTML+CSS)")
    assert weights[heaviest] <= MAX_COUNTRY_PAGE_GZIP


@pytest.mark.django_db
def test_search_and_tour_over_the_seed(client):
    response, queries = get(client, "/en/search/?q=samaritns")
    assert "Samaritans" in response.content.decode()
    assert queries <= MAX_QUERIES
    codes = "&".join(f"c={code}" for code in Country.objects.values_list("code", flat=True))
    response, queries = get(client, f"/en/tour/?{codes}")
    assert response.status_code == 200
    assert queries <= MAX_QUERIES
    assert response.content.decode().count('class="tour-card"') >= 40


PAGE_TYPES = {
    "home": "/en/",
    "country (US, largest)": "/en/countries/us/",
    "country, filtered": "/en/countries/us/?contact=voice&open_now=on&sort=open",
    "country, nothing matches": "/en/countries/gb/?type=app",
    "language": "/en/languages/es/",
    "entry": "/en/resources/us-988-lifeline/",
    "report a problem": "/en/resources/us-988-lifeline/report/",
    "search": "/en/search/?q=samaritns",
    "tour card (5 countries)": "/en/tour/?c=GB&c=DE&c=FR&c=US&c=JP",
    "sitemap index": "/sitemap.xml",
}


@pytest.mark.django_db
def test_page_weights_and_query_counts_table(client, capsys):
    """The figures quoted in reports: pytest tests/resources/test_views_seed.py -s -k table"""
    css = gzipped((settings.BASE_DIR / "static" / "css" / "site.css").read_bytes())
    rows = []
    for name, url in PAGE_TYPES.items():
        response, queries = get(client, url)
        assert response.status_code == 200, url
        html = gzipped(response.content)
        rows.append((name, url, queries, len(response.content), html, html + css))
        assert queries <= MAX_QUERIES, (url, queries)
    with capsys.disabled():
        print(f"\n{'page':28} {'queries':>7} {'HTML':>8} {'HTML gz':>8} {'+CSS gz':>8}")
        for name, _url, queries, raw, html, total in rows:
            print(f"{name:28} {queries:>7} {raw:>8} {html:>8} {total:>8}")
    country = next(row for row in rows if row[0].startswith("country (US"))
    assert country[5] <= MAX_COUNTRY_PAGE_GZIP
