"""Every public page runs the same number of queries with 5 entries as with 200."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.models import Channel
from tests.resources.directory_data import build_directory, bulk_resources

MAX_QUERIES = 10
PAGES = [
    "/en/",
    "/en/countries/gb/",
    "/en/countries/gb/?open_now=on&language=en&contact=voice&sort=open",
    "/en/countries/gb/?type=app",  # nothing matches: emergency numbers + international lines
    "/ar/countries/gb/?sort=name",
    "/en/countries/gb/?sort=verified&page=2",
    "/en/languages/en/",
    "/en/languages/es/?country=gb",
    "/en/search/?q=service",
    "/en/search/?q=service&country=GB&open_now=on&sort=open",
    "/en/tour/?c=GB&c=DE",
    "/en/resources/bulk-gb-3/",
    "/en/resources/bulk-gb-3/report/",
    "/sitemap.xml",
    "/sitemap-resources.xml",
]


def count_queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_number_of_entries(client):
    build_directory()
    bulk_resources(5)
    small = {url: count_queries(client, url) for url in PAGES}
    bulk_resources(195, start=5)
    large = {url: count_queries(client, url) for url in PAGES}
    assert large == small
    for url, count in large.items():
        assert count <= MAX_QUERIES, f"{url}: {count} queries"


@pytest.mark.django_db
def test_entry_page_queries_do_not_grow_with_its_channels(client, django_assert_max_num_queries):
    build_directory()
    bulk_resources(1)
    before = count_queries(client, "/en/resources/bulk-gb-0/")
    Channel.objects.bulk_create(
        Channel(
            resource_id=Channel.objects.first().resource_id, kind="web", value=f"https://x.org/{i}"
        )
        for i in range(30)
    )
    with django_assert_max_num_queries(before):
        client.get("/en/resources/bulk-gb-0/")
