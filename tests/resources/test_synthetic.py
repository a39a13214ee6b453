"""generate_bench_data: synthetic entries that cannot pass for real ones, and --delete."""

import re
import zoneinfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django_countries import countries

from resources.models import Channel, Country, EmergencyNumber, OpeningPeriod, Resource
from resources.synthetic import ORGANIZATION_SLUG, synthetic_resources
from tests.factories import ChannelFactory, EmergencyNumberFactory, ResourceFactory

pytestmark = pytest.mark.django_db
FAKE_NUMBER = re.compile(r"^07700 900\d{3}$")


@pytest.fixture
def real_entry():
    """A curated entry (not synthetic) that generation and deletion must leave alone."""
    EmergencyNumberFactory(country__code="KE", number="999")
    entry = ResourceFactory(country__code="KE", slug="ke-befrienders", name_en="Befrienders")
    ChannelFactory(resource=entry, value="116 123")
    return entry


def test_generates_marked_entries_with_channels_hours_translations_and_links(real_entry, capsys):
    call_command("generate_bench_data", resources=60, countries=8)

    entries = list(synthetic_resources().prefetch_related("channels", "topics", "languages"))
    assert len(entries) == 60
    assert "Created 60 synthetic entries in 8 countries" in capsys.readouterr().out
    codes = {entry.country_id for entry in entries if entry.country_id}
    assert codes <= set(dict(countries)) and len(codes) > 2
    assert entries[0].country_id is not None
    zones = {entry.timezone for entry in entries if entry.timezone}
    assert len(zones) > 2 and zones <= zoneinfo.available_timezones()
    for entry in entries:
        assert entry.slug.startswith("synthetic-")
        assert entry.organization.slug == ORGANIZATION_SLUG
        assert entry.source_url.startswith("https://example.org/synthetic/")
        assert entry.description_en.startswith("Synthetic benchmark entry, not a real service.")
        assert entry.topics.all() and entry.languages.all()
    # modeltranslation's original columns hold the default language (English), as on import.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, name_en, description, description_en FROM resources_resource "
            "WHERE slug LIKE 'synthetic-%%'"
        )
        for name, name_en, description, description_en in cursor.fetchall():
            assert (name, description) == (name_en, description_en)
    translated = [
        code
        for code in ("es", "fr", "de", "pt_br", "ja", "ar", "zh_hans")
        if any(getattr(entry, f"description_{code}") for entry in entries)
    ]
    assert len(translated) >= 3
    channels = Channel.objects.filter(resource__in=entries)
    dialled = channels.filter(kind__in=Channel.DIALLED)
    assert dialled.exists()
    for channel in dialled:
        assert FAKE_NUMBER.match(channel.value), channel.value
        assert channel.e164 == "+44" + channel.value.replace(" ", "")[1:]
    assert channels.filter(is_24_7=True).exists()
    assert OpeningPeriod.objects.filter(channel__in=channels).exists()
    # The real entry and the seed's emergency number are untouched, and none was invented.
    assert Resource.objects.get(pk=real_entry.pk).name == "Befrienders"
    assert EmergencyNumber.objects.count() == 1


def test_delete_removes_only_synthetic_rows(real_entry, capsys):
    call_command("generate_bench_data", resources=40, countries=6)
    assert synthetic_resources().count() == 40

    call_command("generate_bench_data", delete=True)

    assert "Deleted 40 synthetic entries" in capsys.readouterr().out
    assert not synthetic_resources().exists()
    assert list(Resource.objects.all()) == [real_entry]
    assert Channel.objects.get().value == "116 123"
    assert not OpeningPeriod.objects.exists()
    # Countries the generator added (and that nothing else uses) are gone; Kenya stays.
    assert list(Country.objects.values_list("code", flat=True)) == ["KE"]


def test_second_run_adds_more_entries_with_new_slugs():
    call_command("generate_bench_data", resources=5, countries=2)
    call_command("generate_bench_data", resources=5, countries=2)
    assert synthetic_resources().count() == 10


@pytest.mark.parametrize("option", ["--resources=0", "--countries=-3", "--resources=many"])
def test_bad_numbers_are_a_command_error(option):
    with pytest.raises(CommandError):
        call_command("generate_bench_data", option)
    assert not Resource.objects.exists()
