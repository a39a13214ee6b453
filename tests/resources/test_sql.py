"""PostgreSQL forms of 'open now', 'for country' and search agree with the portable ones."""

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from resources import search, sql
from resources.models import Resource
from tests.factories import (
    ChannelFactory,
    CountryFactory,
    OpeningPeriodFactory,
    ResourceFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only"),
]
UTC = ZoneInfo("UTC")


@pytest.fixture
def hours():
    """Entries in several zones: office hours, overnight, 24/7, unknown zone, channel zone."""

    def entry(slug, zone, periods=(), *, always=False, channel_zone=""):
        resource = ResourceFactory(slug=slug, timezone=zone, country=CountryFactory(code="GB"))
        channel = ChannelFactory(resource=resource, is_24_7=always, timezone=channel_zone)
        for weekday, opens, closes in periods:
            OpeningPeriodFactory(
                channel=channel,
                weekday=weekday,
                opens=datetime.time(*opens),
                closes=datetime.time(*closes),
            )
        return resource

    entry("london-office", "Europe/London", [(d, (9,), (17,)) for d in range(5)])
    entry("tokyo-night", "Asia/Tokyo", [(d, (20,), (2,)) for d in range(7)])
    entry("kolkata-evening", "Asia/Kolkata", [(5, (18, 30), (23, 45))])
    entry("always", "", always=True)
    entry("no-zone", "", [(d, (0,), (23, 59)) for d in range(7)])
    entry("channel-zone", "", [(d, (8,), (12,)) for d in range(7)], channel_zone="America/Lima")
    entry("sunday-overnight", "Europe/Berlin", [(6, (22,), (6,))])


@pytest.mark.parametrize(
    "at",
    [
        datetime.datetime(2026, 12, 2, 10, 0, tzinfo=UTC),  # Wednesday morning in London
        datetime.datetime(2026, 12, 2, 17, 0, tzinfo=UTC),  # London closes; Tokyo 02:00
        datetime.datetime(2026, 12, 5, 13, 0, tzinfo=UTC),  # Saturday 18:30 in Kolkata
        datetime.datetime(2026, 12, 7, 4, 59, tzinfo=UTC),  # Monday 05:59 in Berlin
        datetime.datetime(2026, 12, 7, 5, 0, tzinfo=UTC),  # Monday 06:00 in Berlin: closed
        datetime.datetime(2026, 7, 1, 8, 30, tzinfo=UTC),  # summer time in London
        datetime.datetime(2026, 12, 2, 14, 0, tzinfo=UTC),  # 09:00 in Lima (channel zone)
    ],
)
def test_open_now_in_sql_matches_the_python_rule(hours, at):
    in_sql = set(Resource.objects.filter(sql.open_now(at)).values_list("slug", flat=True))
    in_python = set(
        Resource.objects.filter(pk__in=Resource.objects.all().open_ids(at)).values_list(
            "slug", flat=True
        )
    )
    assert in_sql == in_python
    assert "always" in in_sql and "no-zone" not in in_sql


def test_for_country_in_sql_matches_the_portable_condition():
    gb, ie = CountryFactory(code="GB"), CountryFactory(code="IE")
    ResourceFactory(slug="gb-own", country=gb)
    ResourceFactory(slug="ie-own", country=ie)
    ResourceFactory(slug="everywhere", country=None, is_international=True)
    only_ie = ResourceFactory(slug="only-ie", country=None, is_international=True)
    only_ie.countries_served.set([ie])
    gb_serving_ie = ResourceFactory(slug="gb-serving-ie", country=gb)
    gb_serving_ie.countries_served.set([ie])
    served = Resource.countries_served.through.objects.filter(resource=OuterRef("pk"))
    for code in ("GB", "IE", "FR"):
        portable = Q(country_id=code) | Exists(served.filter(country_id=code))
        portable |= Q(is_international=True) & ~Exists(served)
        expected = set(Resource.objects.filter(portable).values_list("slug", flat=True))
        found = set(Resource.objects.for_country(code).values_list("slug", flat=True))
        assert found == expected, code
    assert found == {"everywhere"}


def test_search_columns_are_those_of_the_migration():
    migration = importlib.import_module("resources.migrations.0004_search_columns")
    assert migration.NAME_COLUMNS == search.NAME_FIELDS
    assert migration.DOCUMENT_COLUMNS == search.DOCUMENT_FIELDS


def _full_text(words: str):
    from django.contrib.postgres.search import SearchQuery

    vector = search.SimpleVector(search.F("search_document"))
    return Resource.objects.alias(vector=vector).filter(vector=SearchQuery(words, config="simple"))


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (
            lambda: Resource.objects.filter(search_names__trigram_word_similar="samaritns"),
            "names_trgm",
        ),
        (lambda: Resource.objects.filter(search_document__contains="amarit"), "document_trgm"),
        (lambda: _full_text("samaritans"), "vector"),
    ],
    ids=["trigram", "substring", "full text"],
)
def test_search_uses_the_indexes_on_the_stored_columns(query, index):
    ResourceFactory(name_en="Samaritans", slug="samaritans")
    assert [r.slug for r in search.search(Resource.objects.all(), "samaritns")] == ["samaritans"]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query().values("pk").explain()
    assert f"resource_search_{index}" in plan
    # The stored value is read, not recomputed: the plan no longer folds the columns.
    assert "hub_search_fold" not in plan
