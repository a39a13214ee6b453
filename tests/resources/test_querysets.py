import datetime

import pytest
from django.contrib.auth.models import Group

from resources.models import Channel, Resource
from resources.services import curators_group_setup, resource_mark_verified
from tests.factories import (
    ChannelFactory,
    CountryFactory,
    LanguageFactory,
    OpeningPeriodFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def slugs(queryset):
    return sorted(queryset.values_list("slug", flat=True))


def test_published_hides_drafts_and_closed_down_services():
    ResourceFactory(slug="live")
    ResourceFactory(slug="paused", status=Resource.Status.TEMPORARILY_CLOSED)
    ResourceFactory(slug="draft", publication=Resource.Publication.DRAFT)
    ResourceFactory(slug="gone", status=Resource.Status.DEFUNCT)
    ResourceFactory(slug="inactive", status=Resource.Status.INACTIVE)
    assert slugs(Resource.objects.published()) == ["live", "paused"]


def test_for_country_includes_international_entries_serving_it():
    kenya, germany = CountryFactory(code="KE"), CountryFactory(code="DE")
    ResourceFactory(slug="ke-line", country=kenya)
    ResourceFactory(slug="de-line", country=germany)
    ResourceFactory(slug="everywhere", country=None, is_international=True)
    some = ResourceFactory(slug="some-countries", country=None, is_international=True)
    some.countries_served.set([germany])
    assert slugs(Resource.objects.for_country("ke")) == ["everywhere", "ke-line"]
    assert slugs(Resource.objects.for_country("DE")) == ["de-line", "everywhere", "some-countries"]


def test_speaking_matches_entry_and_channel_languages_and_regional_tags():
    pt_br, sw = LanguageFactory(code="pt-BR"), LanguageFactory(code="sw")
    ResourceFactory(slug="brazil", languages=[pt_br])
    ChannelFactory(resource__slug="kenya-sms", languages=[sw])
    ResourceFactory(slug="silent")
    assert slugs(Resource.objects.speaking("pt")) == ["brazil"]
    assert slugs(Resource.objects.speaking("pt-br")) == ["brazil"]
    assert slugs(Resource.objects.speaking("sw")) == ["kenya-sms"]
    assert slugs(Resource.objects.speaking("de")) == []


def test_vocabulary_chains_without_duplicates():
    kenya, sw = CountryFactory(code="KE"), LanguageFactory(code="sw")
    line = ResourceFactory(slug="ke-crisis", country=kenya, type="crisis_line", languages=[sw])
    ChannelFactory(resource=line, languages=[sw])
    ChannelFactory(resource=line, languages=[sw], kind="sms")
    ResourceFactory(slug="ke-guide", country=kenya, type="guide", languages=[sw])
    result = Resource.objects.published().for_country("KE").speaking("sw").crisis_lines()
    assert list(result) == [line]
    assert slugs(Resource.objects.of_type("guide", "crisis_line")) == ["ke-crisis", "ke-guide"]
    assert slugs(Resource.objects.with_channel("sms")) == ["ke-crisis"]


def test_open_at_filters_in_each_channels_zone_and_keeps_chaining():
    tokyo = ResourceFactory(slug="tokyo", timezone="Asia/Tokyo")
    london = ResourceFactory(slug="london", timezone="Europe/London")
    for resource in (tokyo, london):
        channel = ChannelFactory(resource=resource)
        for day in range(7):
            OpeningPeriodFactory(
                channel=channel, weekday=day, opens=datetime.time(9), closes=datetime.time(17)
            )
    ChannelFactory(resource__slug="always", is_24_7=True)
    ChannelFactory(resource__slug="unknown", hours_text="Office hours")
    at = datetime.datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    assert slugs(Resource.objects.open_at(at)) == ["always", "tokyo"]
    assert slugs(Resource.objects.open_at(at).exclude(slug="always")) == ["tokyo"]
    assert slugs(Resource.objects.filter(slug="london").open_at(at)) == []


def test_overdue_for_review_includes_never_verified_entries():
    today = datetime.date(2026, 12, 2)
    ResourceFactory(slug="never")
    ResourceFactory(
        slug="due",
        verification="staff_verified",
        verified_at=datetime.datetime(2026, 1, 1, tzinfo=UTC),
        next_review_due=today,
    )
    ResourceFactory(
        slug="fresh",
        verification="staff_verified",
        verified_at=datetime.datetime(2026, 11, 1, tzinfo=UTC),
        next_review_due=today + datetime.timedelta(days=1),
    )
    assert slugs(Resource.objects.overdue_for_review(today)) == ["due", "never"]
    assert slugs(Resource.objects.awaiting_verification()) == ["never"]


def test_mark_verified_records_who_when_and_the_next_review():
    resource, curator = ResourceFactory(), UserFactory()
    when = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    resource_mark_verified(resource=resource, user=curator, when=when, review_in_days=90)
    resource.refresh_from_db()
    assert resource.is_staff_verified and resource.verified_by == curator
    assert resource.next_review_due == datetime.date(2027, 3, 2)
    assert not resource.is_overdue_for_review(datetime.date(2026, 12, 3))
    assert resource.history.first().history_change_reason == "Verified by staff"


def test_hours_unstructured_lists_channels_waiting_for_a_curator():
    text_only = ChannelFactory(hours_text="Limited hours")
    structured = ChannelFactory(hours_text="Mon 09:00-17:00")
    OpeningPeriodFactory(channel=structured)
    ChannelFactory(hours_text="24/7", is_24_7=True)
    assert list(Channel.objects.hours_unstructured()) == [text_only]


def test_curators_group_gets_directory_permissions_only():
    group = curators_group_setup()
    curators_group_setup()  # idempotent
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_resource", "add_channel", "view_historicalresource"} <= codenames
    assert "delete_problemreport" not in codenames
    labels = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert labels == {"resources"}
    assert Group.objects.filter(name="curators").count() == 1
