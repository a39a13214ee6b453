"""Reading HSDS back: lossless round trips, idempotency, updates, and refusing bad input."""

import datetime
import io
import json

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from resources.hsds.services import hsds_export_files, hsds_import_path
from resources.models import Audience, Channel, Organization, Resource, Topic
from tests.resources.hsds_data import build_directory, empty_directory, same_files

pytestmark = pytest.mark.django_db


def snapshot() -> list:
    """What an import must not change when it fails: entries, channels, hours, history."""
    return [
        list(Resource.objects.order_by("slug").values_list("slug", "name_en", "updated_at")),
        list(Channel.objects.order_by("pk").values_list("pk", "kind", "value", "notes_en")),
        Organization.objects.count(),
        Resource.history.count(),
        Channel.history.count(),
    ]


def run_import(path, *args) -> str:
    out = io.StringIO()
    call_command("import_hsds", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


# Both formats share the per-language code; CSV in four languages keeps the default run short
# (test_hsds_seed.py does every language in both formats on the real seed, marked slow).
@pytest.mark.parametrize(
    ("data_format", "languages"),
    [("json", settings.LANGUAGE_CODES), ("csv", ["en", "de", "ar", "zh-hans"])],
)
def test_round_trip_into_an_empty_directory_is_byte_identical(tmp_path, data_format, languages):
    build_directory()
    first, second = tmp_path / "first", tmp_path / "second"
    hsds_export_files(folder=first, data_format=data_format, languages=languages)
    assert sorted(p.name for p in first.iterdir()) == sorted(languages)
    empty_directory()
    report = hsds_import_path(path=first)
    assert report.created["services"] == 3
    assert report.created["channels"] == 9
    assert report.created["organizations"] == 1  # the guide's own organization is not stored
    assert report.warnings == []  # everything in our own export is read
    hsds_export_files(folder=second, data_format=data_format, languages=languages)
    assert same_files(first, second) == []


def test_importing_an_empty_export_says_there_was_nothing_to_import(tmp_path):
    hsds_export_files(folder=tmp_path, data_format="json", languages=["en"])
    assert run_import(tmp_path) == "Nothing to import: the data holds no entries.\n"
    assert not Resource.objects.exists()


def test_round_trip_keeps_translations_hours_and_verification(tmp_path):
    build_directory()
    hsds_export_files(folder=tmp_path, data_format="json", languages=["en", "de", "ar"])
    empty_directory()
    hsds_import_path(path=tmp_path)
    helpline = Resource.objects.get(slug="gb-samaritans")
    assert (helpline.name_en, helpline.name_de) == ("Samaritans", "Samariter")
    # English shown as fallback in the German file is not stored as a German translation.
    assert not helpline.description_de
    assert helpline.description_en.startswith("Listens to anyone")
    assert helpline.verification == Resource.Verification.STAFF_VERIFIED
    assert helpline.verified_at.date() == datetime.date(2026, 11, 30)
    assert helpline.organization.name == "Samaritans"
    assert helpline.publication == Resource.Publication.PUBLISHED
    assert Topic.objects.get(slug="suicide").label_de == "Suizid"
    assert not Topic.objects.get(slug="grief").label_de
    assert Audience.objects.get(slug="artists").label_ar == "الفنانون"
    voice, office = helpline.channels.order_by("order")[:2]
    assert voice.is_24_7 and voice.is_short_code and voice.notes_de.startswith("Kostenlos")
    assert office.timezone == "Europe/Dublin" and office.e164 == "+443300945717"
    sunday = office.opening_periods.get(weekday=6)
    assert (sunday.opens, sunday.closes) == (datetime.time(20), datetime.time(2))
    assert office.opening_periods.count() == 7
    guide = Resource.objects.get(slug="intl-music-guide")
    assert guide.organization is None and guide.is_international and guide.country is None
    assert sorted(str(c.code) for c in guide.countries_served.all()) == ["DE", "FR"]


def test_importing_the_same_data_again_changes_nothing(tmp_path):
    build_directory()
    hsds_export_files(folder=tmp_path, data_format="csv", languages=["en", "de"])
    first = run_import(tmp_path)
    assert "services: 0 created, 0 updated, 6 unchanged" in first  # 3 in each language
    before = snapshot()
    again = run_import(tmp_path)
    assert "channels: 0 created, 0 updated, 18 unchanged, 0 removed" in again
    assert snapshot() == before


def test_import_updates_matching_entries_and_removes_dropped_channels(tmp_path):
    objects = build_directory()
    hsds_export_files(folder=tmp_path, data_format="json", languages=["en"])
    path = tmp_path / "en" / "services.json"
    docs = json.loads(path.read_text(encoding="utf-8"))
    helpline = next(d for d in docs if d["name"] == "Samaritans")
    helpline["name"] = "Samaritans (UK & Ireland)"
    sms = helpline["service_at_locations"][2]
    sms["phones"][0]["number"] = "85259"
    for phone in helpline["phones"]:
        if phone["id"] == sms["phones"][0]["id"]:
            phone["number"] = "85259"
    del helpline["service_at_locations"][5]  # the web chat link
    path.write_text(json.dumps(docs), encoding="utf-8")
    output = run_import(path)
    assert "services: 0 created, 1 updated, 2 unchanged" in output
    assert "channels: 0 created, 1 updated, 7 unchanged, 1 removed" in output
    helpline = Resource.objects.get(pk=objects["helpline"].pk)
    assert helpline.name_en == "Samaritans (UK & Ireland)"
    assert list(helpline.channels.filter(kind="sms").values_list("value", flat=True)) == ["85259"]
    assert not helpline.channels.filter(kind="web").exists()
    assert helpline.history.first().history_change_reason == "HSDS import"


def test_non_english_data_only_adds_translations(tmp_path):
    build_directory()
    hsds_export_files(folder=tmp_path, data_format="json", languages=["de"])
    empty_directory()
    with pytest.raises(CommandError, match="import the English dataset first"):
        run_import(tmp_path / "de" / "services.json")
    assert not Resource.objects.exists()


def break_last_service(docs, change):
    docs[0]["name"] = "Renamed before the error"
    change(docs[-1])


BAD_JSON = {
    "unknown field": (lambda d: d.update(colour="blue"), "“colour” is not an HSDS 3.0 service"),
    "unknown nested field": (
        lambda d: d["attributes"][0]["taxonomy_term"].update(floor=3),
        "“floor” is not an HSDS 3.0 taxonomy_term field",
    ),
    "bad uuid": (lambda d: d.update(id="42"), "“id” must be a UUID"),
    "unknown status": (lambda d: d.update(status="open"), "“status” must be one of"),
    "number as text": (
        lambda d: d["service_areas"][0].update(extent=7),
        "“extent” must be a string",
    ),
    "id of another entry": (
        lambda d: d.update(id="00000000-0000-4000-8000-000000000000"),
        "does not match its slug",
    ),
    "no type": (
        lambda d: d.update(attributes=[a for a in d["attributes"] if a["link_type"] != "type"]),
        "exactly one “type” attribute",
    ),
    "bad time zone (a database-level check)": (
        lambda d: next(a for a in d["attributes"] if a.get("value") == "Europe/Berlin").update(
            value="Mars/Olympus"
        ),
        "is not an IANA time zone",
    ),
}


@pytest.mark.parametrize("name", list(BAD_JSON))
def test_bad_json_is_refused_and_nothing_changes(tmp_path, name):
    build_directory()
    hsds_export_files(folder=tmp_path, data_format="json", languages=["en"])
    path = tmp_path / "en" / "services.json"
    docs = json.loads(path.read_text(encoding="utf-8"))
    docs.sort(key=lambda d: d["name"] == "Temporarily closed line")  # the Berlin line last
    change, message = BAD_JSON[name]
    break_last_service(docs, change)
    path.write_text(json.dumps(docs), encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match="Nothing was imported") as error:
        run_import(path)
    assert message in str(error.value)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON (line 1, column 2"),
        ('"a string"', "expected an array of HSDS service documents"),
        ("[1]", "expected an HSDS service object, not 1"),
        (b"\xff\xfe[]", "not UTF-8"),
    ],
)
def test_malformed_json_files_are_refused(tmp_path, content, message):
    path = tmp_path / "services.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(CommandError, match="Nothing was imported") as error:
        run_import(path)
    assert message in str(error.value)


def edit_csv(folder, name, edit):
    path = folder / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")


DANGLING = "11111111-1111-4111-8111-111111111111"
BAD_CSV = {
    "unknown column": (
        "services.csv",
        lambda text: text.replace("alert,", "alert,colour,", 1),
        "“colour” is not an HSDS 3.0 service field",
    ),
    "short row": (
        "phones.csv",
        lambda text: text.rstrip("\r\n").rsplit(",", 2)[0] + "\r\n",
        "cells for 10 columns",
    ),
    "dangling link": (
        "phones.csv",
        lambda text: text.replace(text.splitlines()[1].split(",")[2], DANGLING, 1),
        "points at no service",
    ),
    "bad date": (
        "services.csv",
        lambda text: text.replace("2026-11-30", "30/11/2026"),
        "“assured_date” must be a date",
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(BAD_CSV))
def test_bad_csv_is_refused_and_nothing_changes(tmp_path, name):
    build_directory()
    hsds_export_files(folder=tmp_path, data_format="csv", languages=["en"])
    file, edit, message = BAD_CSV[name]
    edit_csv(tmp_path / "en", file, edit)
    before = snapshot()
    with pytest.raises(CommandError, match="Nothing was imported") as error:
        run_import(tmp_path / "en")
    assert message in str(error.value)
    assert snapshot() == before


def test_a_package_cannot_point_outside_its_folder(tmp_path):
    build_directory()
    hsds_export_files(folder=tmp_path, data_format="csv", languages=["en"])
    package = tmp_path / "en" / "datapackage.json"
    descriptor = json.loads(package.read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = "../../etc/passwd"
    package.write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(CommandError, match="must be a file inside the package folder"):
        run_import(package)


def test_language_comes_from_the_package_or_folder_and_must_agree(tmp_path):
    build_directory()
    hsds_export_files(folder=tmp_path, data_format="csv", languages=["en", "de"])
    with pytest.raises(CommandError, match="the package is in de, not in fr"):
        run_import(tmp_path / "de", "--language", "fr")
    Resource.objects.filter(slug="gb-samaritans").update(name_de="")
    output = run_import(tmp_path / "de")
    assert "services: 0 created, 1 updated, 2 unchanged" in output
    assert Resource.objects.get(slug="gb-samaritans").name_de == "Samariter"


def test_missing_path_and_empty_folder_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        run_import(tmp_path / "nowhere")
    with pytest.raises(CommandError, match="no language folders"):
        run_import(tmp_path)
