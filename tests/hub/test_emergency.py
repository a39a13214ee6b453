"""hub/emergency.py: numbers for error pages from the cache, the database or the seed fixture."""

from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError

from hub import emergency
from hub.emergency import CACHE_KEY, EmergencyNumber, emergency_numbers, rows_from_fixture_objects
from tests.factories import CountryFactory, EmergencyNumberFactory
from tests.hub.emergency_fixtures import (
    directory_bundle,
    fixture_with_embedded_numbers,
    fixture_with_integer_keys,
    fixture_with_natural_keys,
    shared_numbers,
    write_fixture,
)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def expected_numbers() -> dict[str, set[str]]:
    return {
        record["country"]: {
            dial for kind in ("general", "police", "ambulance", "fire") for dial in record[kind]
        }
        for record in shared_numbers()
    }


@pytest.mark.parametrize(
    "build",
    [
        directory_bundle,
        fixture_with_integer_keys,
        fixture_with_natural_keys,
        fixture_with_embedded_numbers,
    ],
)
def test_every_seed_number_is_read_from_each_fixture_shape(settings, tmp_path, build):
    settings.EMERGENCY_FIXTURE = write_fixture(tmp_path / "directory.json", build())
    numbers = emergency_numbers(use_database=False)
    assert {code: {n.dial for n in entry.numbers} for code, entry in numbers.items()} == (
        expected_numbers()
    )


def test_general_numbers_come_first_and_kinds_are_kept(settings, tmp_path):
    settings.EMERGENCY_FIXTURE = write_fixture(tmp_path / "d.json", fixture_with_integer_keys())
    numbers = emergency_numbers(use_database=False)
    assert numbers["GB"].numbers[0].kind == "general"
    assert {n.kind for n in numbers["JP"].numbers} == {"police", "ambulance", "fire"}


@pytest.mark.parametrize(
    "content",
    ["", "not json", "{}", "[1, 2, 3]", '[{"model": "resources.emergencynumber"}]', "null"],
)
def test_unreadable_fixtures_give_no_numbers_and_no_exception(settings, tmp_path, content):
    path = tmp_path / "directory.json"
    path.write_text(content)
    settings.EMERGENCY_FIXTURE = path
    assert emergency_numbers(use_database=False) == {}


def test_rows_with_unknown_kinds_or_no_country_are_skipped():
    objects = [
        {"model": "resources.country", "pk": 1, "fields": {"code": "gb"}},
        {"model": "resources.emergencynumber", "fields": {"country": 1, "number": "999"}},
        {
            "model": "resources.emergencynumber",
            "fields": {"country": 1, "kind": "tv", "number": "1"},
        },
        {"model": "resources.emergencynumber", "fields": {"country": 9, "number": "555"}},
        {"model": "resources.emergencynumber", "fields": {"country": "IE", "number": " 112 "}},
        {"model": "other.model", "fields": {"country": "FR", "number": "15"}},
    ]
    assert rows_from_fixture_objects(objects) == [
        ("GB", "general", "999"),
        ("IE", "general", "112"),
    ]


@pytest.mark.parametrize(
    ("dial", "tel"),
    [
        ("112", "112"),
        ("116 123", "116123"),
        ("+44 20 7946 0000", "+442079460000"),
        ("0800-111-0-111", "08001110111"),
        ("119 ext. 8", ""),
        ("1-855-BLINE99", ""),
    ],
)
def test_tel_targets_keep_short_codes_unprefixed_and_refuse_letters(dial, tel):
    assert EmergencyNumber(kind="general", dial=dial).tel == tel


def test_the_cache_is_used_before_the_fixture(settings, tmp_path):
    settings.EMERGENCY_FIXTURE = tmp_path / "missing.json"
    cache.set(CACHE_KEY, [["NZ", "general", "111"]])
    assert [n.dial for n in emergency_numbers(use_database=False)["NZ"].numbers] == ["111"]


def stub_models(countries: list[dict], numbers: list[dict] | Exception):
    """Stand-ins for resources.Country / resources.EmergencyNumber (the data branch owns them)."""

    def model(rows, fields):
        stub = mock.Mock()
        stub._meta.concrete_fields = [mock.Mock(attname=name, primary_key=False) for name in fields]
        if isinstance(rows, Exception):
            stub.objects.values.side_effect = rows
        else:
            stub.objects.values.return_value = [dict(row) for row in rows]
        return stub

    models = {
        "Country": model(countries, ["code"]),
        "EmergencyNumber": model(numbers, ["country_id", "kind", "number"]),
    }
    return mock.patch.object(
        emergency.apps, "get_model", side_effect=lambda app, name: models[name]
    )


@pytest.mark.django_db
def test_the_directory_models_are_read_and_cached(settings, tmp_path):
    settings.EMERGENCY_FIXTURE = tmp_path / "missing.json"
    EmergencyNumberFactory(country=CountryFactory(code="NZ"), kind="general", number="111")
    EmergencyNumberFactory(country=CountryFactory(code="JP"), kind="police", number="110")
    numbers = emergency_numbers()
    assert [(n.kind, n.dial) for n in numbers["JP"].numbers] == [("police", "110")]
    assert [n.dial for n in numbers["NZ"].numbers] == ["111"]
    assert sorted(cache.get(CACHE_KEY)) == [["JP", "police", "110"], ["NZ", "general", "111"]]


@pytest.mark.django_db
def test_an_empty_directory_falls_back_to_the_seed(settings, tmp_path):
    settings.EMERGENCY_FIXTURE = write_fixture(tmp_path / "d.json", directory_bundle())
    assert "112" in {n.dial for n in emergency_numbers()["DE"].numbers}


def test_the_database_fills_the_cache(settings, tmp_path):
    settings.EMERGENCY_FIXTURE = tmp_path / "missing.json"
    with stub_models(
        [{"pk": 7, "code": "AU"}], [{"pk": 1, "country_id": 7, "kind": "general", "number": "000"}]
    ):
        assert [n.dial for n in emergency_numbers()["AU"].numbers] == ["000"]
    assert cache.get(CACHE_KEY) == [["AU", "general", "000"]]
    # Later readers, even ones that may not use the database, get it from the cache.
    assert "AU" in emergency_numbers(use_database=False)


def test_a_database_outage_falls_back_to_the_fixture(settings, tmp_path):
    settings.EMERGENCY_FIXTURE = write_fixture(tmp_path / "d.json", fixture_with_natural_keys())
    with stub_models([], OperationalError("connection refused")):
        numbers = emergency_numbers()
    assert "112" in {n.dial for n in numbers["DE"].numbers}


def test_use_database_false_never_asks_the_database(settings, tmp_path):
    settings.EMERGENCY_FIXTURE = tmp_path / "missing.json"
    with mock.patch.object(emergency.apps, "get_model") as get_model:
        emergency_numbers(use_database=False)
    get_model.assert_not_called()


def test_refresh_reloads_the_cache_from_the_database():
    cache.set(CACHE_KEY, [["NZ", "general", "111"]])
    with stub_models(
        [{"pk": "IE", "code": "IE"}], [{"pk": 1, "country_id": "IE", "kind": "", "number": "112"}]
    ):
        assert emergency.refresh_emergency_numbers() == 1
    assert cache.get(CACHE_KEY) == [["IE", "general", "112"]]


def test_without_the_directory_models_refresh_keeps_the_cache():
    cache.set(CACHE_KEY, [["NZ", "general", "111"]])
    with mock.patch.object(emergency.apps, "get_model", side_effect=LookupError):
        assert emergency.refresh_emergency_numbers() == 0
    assert cache.get(CACHE_KEY) == [["NZ", "general", "111"]]


COMMITTED_FIXTURE = Path(settings.BASE_DIR, "fixtures", "directory.json")


@pytest.mark.skipif(
    not COMMITTED_FIXTURE.exists(), reason="fixtures/directory.json lands with data"
)
def test_the_committed_seed_fixture_gives_every_seed_country_its_numbers(settings):
    settings.EMERGENCY_FIXTURE = COMMITTED_FIXTURE
    numbers = emergency_numbers(use_database=False)
    found = {code: {n.dial for n in entry.numbers} for code, entry in numbers.items()}
    for code, dials in expected_numbers().items():
        assert found.get(code) == dials, f"{code}: {found.get(code)} != {dials}"
