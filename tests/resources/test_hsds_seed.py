"""The real seed directory exported as HSDS 3.0, validated against the official schemas and
read back: export → import into an empty directory → export gives the same bytes."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from resources.hsds.services import hsds_export_files, hsds_import_path
from resources.models import Channel, Resource
from tests.resources.hsds_data import empty_directory, same_files
from tests.resources.hsds_schemas import csv_errors, json_errors, requires_spec

pytestmark = requires_spec


def load_seed() -> None:
    call_command("load_initial_data", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture(scope="module")
def seed_en(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seed's English HSDS export (JSON and CSV) and what the database held."""
    folder = tmp_path_factory.mktemp("hsds-seed")
    with django_db_blocker.unblock(), transaction.atomic():
        load_seed()
        published = Resource.objects.published()
        facts = {
            "services": published.count(),
            "channels": Channel.objects.filter(resource__in=published).count(),
            "phones": Channel.objects.filter(resource__in=published).phones().count(),
        }
        datasets = hsds_export_files(folder=folder / "json", data_format="json", languages=["en"])
        hsds_export_files(folder=folder / "csv", data_format="csv", languages=["en"])
        transaction.set_rollback(True)
    return folder, facts, datasets["en"].counts()


def test_seed_json_validates_against_the_official_schemas(seed_en):
    folder, facts, counts = seed_en
    errors, objects = json_errors(folder / "json" / "en" / "services.json")
    assert errors == []
    assert facts["services"] >= 50
    assert objects["service"] == counts["service"] == facts["services"]
    assert counts["service_at_location"] == counts["location"] == facts["channels"]
    assert counts["phone"] == facts["phones"]
    for kind in ("organization", "schedule", "language", "service_area", "cost_option"):
        assert objects[kind] > 0, kind
    # Phones sit on the service and on their channel's service_at_location.
    assert objects["phone"] == 2 * counts["phone"]


def test_seed_csv_package_validates_with_the_official_datapackage(seed_en):
    folder, _facts, counts = seed_en
    assert csv_errors(folder / "csv" / "en") == []
    services = (folder / "csv" / "en" / "services.csv").read_text(encoding="utf-8")
    assert len(services.splitlines()) == counts["service"] + 1


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("data_format", ["json", "csv"])
def test_seed_round_trip_in_english_is_byte_identical(seed_en, tmp_path, data_format):
    folder, _facts, counts = seed_en
    first = folder / data_format
    report = hsds_import_path(path=first)
    assert report.created["services"] == counts["service"]
    assert report.warnings == []
    second = tmp_path / "second"
    hsds_export_files(folder=second, data_format=data_format, languages=["en"])
    assert same_files(first, second) == []


@pytest.mark.slow
@pytest.mark.django_db
def test_every_language_validates_and_round_trips(tmp_path):
    load_seed()
    first = tmp_path / "first"
    for data_format in ("json", "csv"):
        hsds_export_files(folder=first / data_format, data_format=data_format)
    for language in settings.LANGUAGE_CODES:
        errors, objects = json_errors(first / "json" / language / "services.json")
        assert errors == [], language
        assert objects["service"] > 0
        assert csv_errors(first / "csv" / language) == [], language
    for data_format in ("json", "csv"):
        empty_directory()
        report = hsds_import_path(path=first / data_format)
        assert report.created["services"] > 0
        second = tmp_path / f"second-{data_format}"
        hsds_export_files(folder=second, data_format=data_format)
        assert same_files(first / data_format, second) == []
