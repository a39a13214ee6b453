import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from resources.models import (
    Channel,
    Country,
    EmergencyNumber,
    Resource,
    Topic,
    TranslationReview,
)
from resources.seed import read_seed
from resources.services import directory_load_file, seed_translations_load

SHARED_DATA = settings.BASE_DIR.parent / "shared" / "data"
FIXTURE = settings.BASE_DIR / "fixtures" / "directory.json"

needs_shared = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data not present")


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def seed_files():
    resources = json.loads((SHARED_DATA / "resources.json").read_text())
    emergency = json.loads((SHARED_DATA / "emergency_numbers.json").read_text())
    return resources, emergency


def minimal_record(**changes):
    record = {
        "id": "gb-test-line",
        "country": "GB",
        "name": "Test Line",
        "local_name": None,
        "organization": "Test Trust",
        "type": "helpline",
        "topics": ["crisis"],
        "audience": ["everyone"],
        "channels": [
            {
                "kind": "voice",
                "value": "116 123",
                "e164": None,
                "short_code": True,
                "hours": "Daily 15:30-00:30",
                "languages": ["en"],
                "cost": "free",
                "notes": None,
            }
        ],
        "languages": ["en"],
        "timezone": "Europe/London",
        "website": "https://example.org/",
        "description_en": "A test.",
        "eligibility_en": None,
        "source_urls": ["https://example.org/source"],
        "source_seen": "2026-11-22",
        "status": "sourced",
        "notes": "",
    }
    record.update(changes)
    return record


def write_seed(folder, resources, emergency=None):
    folder.mkdir(exist_ok=True)
    (folder / "resources.json").write_text(json.dumps(resources))
    emergency = emergency or [
        {
            "country": "GB",
            "general": ["999", "112"],
            "police": [],
            "ambulance": [],
            "fire": [],
            "source_urls": ["https://example.org/999"],
            "notes": "Call 999.",
            "phonenumbers_agrees": True,
            "phonenumbers_detail": {"999": True, "112": True},
        }
    ]
    (folder / "emergency_numbers.json").write_text(json.dumps(emergency))
    return folder


@needs_shared
@pytest.mark.django_db
def test_importing_the_shared_seed_counts_every_record_and_is_idempotent():
    resources, emergency = seed_files()
    out, err = run("import_directory", str(SHARED_DATA))
    countries = {r["country"] for r in resources if r["country"] != "INTL"}
    countries |= {e["country"] for e in emergency}
    reachable = [r for r in resources if r["channels"] or r["website"]]
    published = [r for r in reachable if r["status"] == "sourced"]
    assert err == ""  # nothing rejected
    assert Country.objects.count() == len(countries)
    assert Resource.objects.count() == len(resources)
    assert Resource.objects.filter(publication="published").count() == len(published)
    assert Channel.objects.count() == sum(len(r["channels"]) for r in resources)
    assert EmergencyNumber.objects.count() == sum(
        len(e[kind]) for e in emergency for kind in ("general", "police", "ambulance", "fire")
    )
    assert f"resources: {len(resources)} ({len(published)} published" in out
    # Conflicting and single-source records are drafts awaiting review, with their notes.
    conflicting = Resource.objects.get(slug="ie-50808")
    assert conflicting.publication == "draft" and conflicting.verification == "conflicting"
    assert "CONFLICT" in conflicting.curator_notes
    assert not Resource.objects.filter(verification="staff_verified").exists()
    # Dial strings stay exactly as published; short codes have no E.164 form.
    lifeline = Resource.objects.get(slug="us-988-lifeline")
    assert lifeline.channels.filter(value="988", is_short_code=True, e164="").exists()
    assert lifeline.sources[0] == "https://988lifeline.org/get-help/what-to-expect"
    assert lifeline.languages.filter(code="es").exists()
    assert Channel.objects.filter(value="988 then press 1").exists()
    # "Daily 15:30-00:30" became periods past midnight; prose stayed text.
    sos = Resource.objects.get(slug="pt-sos-voz-amiga").channels.first()
    assert sos.opening_periods.count() == 7 and sos.opening_periods.first().overnight
    sadag = Channel.objects.get(resource__slug="za-sadag", value="0800 21 22 23")
    assert sadag.hours_text == "08:00-20:00" and sadag.open_now() is None
    # phonenumbers' doubts are stored as warnings on the channel.
    assert Channel.objects.get(
        resource__slug="nl-113-zelfmoordpreventie", value="113"
    ).validation_warnings
    assert EmergencyNumber.objects.get(country="ES", number="091").phonenumbers_agrees is False

    history = Resource.history.count()
    out, _err = run("import_directory", str(SHARED_DATA))
    assert Resource.objects.count() == len(resources)
    assert Channel.objects.count() == sum(len(r["channels"]) for r in resources)
    assert f"0 created, 0 updated, {len(resources)} unchanged" in out
    assert Resource.history.count() == history


@needs_shared
def test_committed_fixture_matches_the_shared_seed():
    expected = read_seed(SHARED_DATA).as_json()
    assert json.loads(FIXTURE.read_text()) == expected


@pytest.mark.django_db
def test_load_initial_data_fills_an_empty_database_and_never_overwrites():
    fixture = json.loads(FIXTURE.read_text())
    run("load_initial_data")
    assert Resource.objects.count() == len(fixture["resources"])
    assert Channel.objects.count() == sum(len(r["channels"]) for r in fixture["resources"])
    edited = Resource.objects.get(slug=fixture["resources"][0]["slug"])
    edited.name_en = "Edited by a curator"
    edited.save()
    Resource.objects.filter(slug=fixture["resources"][1]["slug"]).delete()
    out, _err = run("load_initial_data")
    assert "1 created" in out
    assert Resource.objects.count() == len(fixture["resources"])
    edited.refresh_from_db()
    assert edited.name_en == "Edited by a curator"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("channel", "reason"),
    [
        ({"kind": "web", "value": "not a web address"}, "value: Enter a web address"),
        # Two periods starting at the same time: only the database constraint catches it.
        ({"periods": [[0, "09:00", "17:00"], [0, "09:00", "18:00"]]}, "zz-bad: "),
    ],
)
def test_a_bad_fixture_record_is_rejected_alone_and_the_rest_load(tmp_path, channel, reason):
    fixture = json.loads(FIXTURE.read_text())
    # A few good records are enough: after the failure they are loaded one by one.
    good = fixture["resources"][:3]
    bad = {**good[0], "slug": "zz-bad", "organization": "Nobody"}
    bad["channels"] = [{**bad["channels"][0], **channel}]
    fixture["resources"] = [*good, bad]
    path = tmp_path / "directory.json"
    path.write_text(json.dumps(fixture))
    report = directory_load_file(path=path, overwrite=False)
    assert len(report.rejected) == 1 and report.rejected[0].startswith("zz-bad: ")
    assert reason in report.rejected[0]
    assert report.created == Resource.objects.count() == len(fixture["resources"]) - 1
    assert not Resource.objects.filter(slug="zz-bad").exists()
    assert Channel.objects.count() == sum(len(r["channels"]) for r in fixture["resources"]) - 1
    assert Resource.history.filter(history_type="+").count() == Resource.objects.count()


@pytest.mark.django_db
def test_the_fixture_loads_the_same_where_bulk_inserts_return_no_ids(tmp_path, monkeypatch):
    # SQLite before 3.35 (which Django 5.2 still supports) returns no ids from a bulk insert.
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    fixture = json.loads(FIXTURE.read_text())
    fixture["resources"] = fixture["resources"][:3]
    codes = {r["country"] for r in fixture["resources"]}
    fixture["countries"] = [c for c in fixture["countries"] if c["code"] in codes]
    path = tmp_path / "directory.json"
    path.write_text(json.dumps(fixture))
    report = directory_load_file(path=path, overwrite=False)
    assert report.created == Resource.objects.count() == 3 and not report.rejected
    for row in fixture["resources"]:
        resource = Resource.objects.get(slug=row["slug"])
        assert sorted(resource.topics.values_list("slug", flat=True)) == sorted(row["topics"])
        assert resource.channels.count() == len(row["channels"])
        assert resource.history.get().history_type == "+"
    assert EmergencyNumber.history.count() == EmergencyNumber.objects.count() > 0


@pytest.mark.django_db
def test_reimport_updates_changed_records_without_duplicates(tmp_path):
    folder = write_seed(tmp_path / "seed", [minimal_record()])
    run("import_directory", str(folder))
    resource = Resource.objects.get(slug="gb-test-line")
    assert resource.publication == "published" and resource.cost == "free"
    assert resource.channels.get().opening_periods.count() == 7
    write_seed(folder, [minimal_record(name="Renamed Line", status="conflicting")])
    out, _err = run("import_directory", str(folder))
    assert "1 updated" in out
    resource.refresh_from_db()
    assert resource.name_en == "Renamed Line" and resource.publication == "draft"
    assert Resource.objects.count() == 1 and Channel.objects.count() == 1
    assert EmergencyNumber.objects.filter(country="GB").count() == 2


@pytest.mark.django_db
def test_bad_records_are_rejected_whole_with_their_reason(tmp_path):
    bad = [
        minimal_record(),
        minimal_record(id="xx-nowhere", country="XX"),
        minimal_record(id="gb-unsourced", source_urls=[]),
        minimal_record(id="gb-bad-type", type="miracle"),
        minimal_record(
            id="gb-bad-channel",
            channels=[{**minimal_record()["channels"][0], "e164": "+44116123", "short_code": True}],
        ),
        minimal_record(id="gb-bad-zone", timezone="Europe/Atlantis"),
    ]
    folder = write_seed(tmp_path / "seed", bad)
    out, err = run("import_directory", str(folder))
    assert list(Resource.objects.values_list("slug", flat=True)) == ["gb-test-line"]
    assert "5 rejected" in out
    assert "xx-nowhere" in err and "not an ISO 3166-1 alpha-2 code" in err
    assert "gb-unsourced" in err and "every entry needs a source" in err
    assert "unknown type 'miracle'" in err
    assert "short code cannot have an E.164 form" in err
    assert "unknown time zone" in err
    assert not Channel.objects.exclude(resource__slug="gb-test-line").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: None, "is not a directory"),
        (lambda p: p.mkdir(), "resources.json does not exist"),
        (
            lambda p: (p.mkdir(), (p / "resources.json").write_text("{not json")),
            "is not readable JSON",
        ),
        (
            lambda p: write_seed(p, {"id": "x"}),
            "must hold a JSON array",
        ),
    ],
)
def test_bad_input_is_a_command_error_and_keeps_what_is_stored(tmp_path, setup, message):
    folder = write_seed(tmp_path / "good", [minimal_record()])
    run("import_directory", str(folder))
    target = tmp_path / "bad"
    setup(target)
    with pytest.raises(CommandError, match=message):
        run("import_directory", str(target))
    assert Resource.objects.filter(slug="gb-test-line").exists()


@pytest.mark.django_db
def test_seed_translations_are_drafts_and_never_overwrite_reviewed_text(tmp_path):
    run("import_directory", str(write_seed(tmp_path / "seed", [minimal_record()])))
    # import_directory has loaded the shipped labels too; empty this one to see it filled.
    Topic.objects.filter(slug="crisis").update(label_pt_br=None)
    folder = tmp_path / "seed_translations"
    folder.mkdir()
    (folder / "pt_BR.json").write_text(
        json.dumps(
            {
                "gb-test-line": {"name": "Linha de Teste", "description": "Um teste."},
                "unknown-id": {"name": "Ignorado"},
                "topic:crisis": {"label": "Crise"},
            }
        )
    )
    assert seed_translations_load(folder=folder, overwrite=False) == 3
    resource = Resource.objects.get(slug="gb-test-line")
    assert resource.name_pt_br == "Linha de Teste"
    review = TranslationReview.objects.get(resource=resource, language="pt-br")
    assert review.state == "draft"
    assert seed_translations_load(folder=folder, overwrite=False) == 0
    review.state = "reviewed"
    review.save()
    resource.name_pt_br = "Revisado"
    resource.save()
    assert seed_translations_load(folder=folder, overwrite=True) == 0
    resource.refresh_from_db()
    assert resource.name_pt_br == "Revisado"
    (folder / "de.json").write_text("[]")
    with pytest.raises(Exception, match="JSON object"):
        seed_translations_load(folder=folder, overwrite=False)
