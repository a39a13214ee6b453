"""What the HSDS export says about the directory (mapping, translation, ids, queries)."""

import io
import json
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from resources.hsds.export import export_dataset
from resources.hsds.vocabulary import NAMESPACE, service_id
from tests.factories import ChannelFactory, OpeningPeriodFactory, ResourceFactory
from tests.resources.hsds_data import build_directory

pytestmark = pytest.mark.django_db


def documents(language="en") -> dict[str, dict]:
    """The exported service documents by slug (as the JSON file has them)."""
    docs = export_dataset(language=language).documents()
    return {slug_of(doc): doc for doc in docs}


def slug_of(document: dict) -> str:
    return next(
        a["value"] for a in document["attributes"] if a["taxonomy_term"]["code"] == "field:slug"
    )


def attrs(obj: dict, taxonomy: str) -> list[tuple[str, str]]:
    return [
        (a["taxonomy_term"]["code"].split(":", 1)[1], a.get("value", ""))
        for a in obj.get("attributes", [])
        if a["link_type"] == taxonomy
    ]


def channels(document: dict) -> dict[str, dict]:
    """service_at_location objects by the first contact method attribute + position."""
    return {
        f"{attrs(sal, 'contact_method')[0][0]}{i}": sal
        for i, sal in enumerate(document["service_at_locations"])
    }


def test_only_published_active_or_closed_resources_are_exported():
    build_directory()
    docs = documents()
    assert sorted(docs) == ["de-closed-line", "gb-samaritans", "intl-music-guide"]
    assert docs["de-closed-line"]["status"] == "temporarily closed"
    assert docs["gb-samaritans"]["status"] == "active"


def test_ids_are_uuid5_of_hub_identifiers_and_the_same_in_every_language():
    build_directory()
    english, arabic = export_dataset(language="en"), export_dataset(language="ar")
    expected = str(uuid.uuid5(NAMESPACE, "service|gb-samaritans"))
    assert service_id("gb-samaritans") == expected
    assert expected in english.tables["service"]
    for table, rows in english.tables.items():
        assert set(rows) == set(arabic.tables[table]), table
    assert export_dataset(language="en").tables == english.tables  # deterministic


def test_text_is_in_the_dataset_language_with_english_fallback():
    build_directory()
    german = documents("de")["gb-samaritans"]
    assert german["name"] == "Samariter"
    assert german["description"] == "Listens to anyone struggling to cope, day and night."
    assert german["application_process"] == "A trained volunteer answers and listens."
    assert german["alert"] == "Lines are busy on Sunday evenings."
    assert german["fees_description"] == "Free from any phone."
    assert german["alternate_name"] == "Samaritans UK"
    assert ("suicide", "") in attrs(german, "topic")
    topics = {a["taxonomy_term"]["name"] for a in german["attributes"] if a["link_type"] == "topic"}
    assert topics == {"Suizid", "Grief"}
    assert {lang["name"] for lang in german["languages"]} == {"Deutsch", "Englisch"}
    assert german["phones"][0]["description"] == "Kostenlos vom Handy und Festnetz."
    assert german["service_areas"][0]["name"] == "Vereinigtes Königreich"
    term = german["attributes"][1]["taxonomy_term"]
    assert term["language"] == "de"


def test_channels_become_phones_contacts_and_locations():
    build_directory()
    doc = documents()["gb-samaritans"]
    sal = channels(doc)
    assert list(sal) == [
        "voice0", "voice1", "sms2", "whatsapp3", "email4", "web5", "chat6", "in_person7", "voice8",
    ]  # fmt: skip
    phones = {p["number"]: p for p in doc["phones"]}
    assert phones["116 123"]["type"] == "voice"
    assert ("short_code", "true") in attrs(phones["116 123"], "field")
    assert ("e164", "+443300945717") in attrs(phones["0330 094 5717"], "field")
    assert phones["85258"]["type"] == "text"
    assert phones["+44 7700 900123"]["type"] == "text"
    assert attrs(phones["+44 7700 900123"], "contact_method") == [("whatsapp", "")]
    assert sal["sms2"]["phones"][0]["number"] == "85258"
    assert doc["email"] == "jo@samaritans.org"
    assert sal["email4"]["contacts"] == [doc["contacts"][0]]
    assert sal["web5"]["location"]["url"] == "https://www.samaritans.org/chat"
    assert sal["chat6"]["location"]["description"] == "In the Samaritans Self-Help app"
    assert "url" not in sal["chat6"]["location"]
    assert sal["in_person7"]["location"]["location_type"] == "physical"
    assert sal["web5"]["location"]["location_type"] == "virtual"
    assert sal["voice0"]["description"] == "Free from mobiles and landlines."
    assert ("cost_note", "Free") in attrs(sal["voice0"], "field")
    assert ("source", "https://www.samaritans.org/contact/") in attrs(sal["voice1"], "field")
    # The number published twice keeps two distinct ids.
    assert sal["voice0"]["id"] != sal["voice8"]["id"]
    assert [lang["code"] for lang in sal["voice0"]["location"]["languages"]] == ["de", "en"]


def test_hours_become_weekly_schedules_with_the_iana_time_zone():
    build_directory()
    sal = channels(documents()["gb-samaritans"])
    [always] = sal["voice0"]["schedules"]
    assert (always["byday"], always["opens_at"], always["closes_at"]) == (
        "MO,TU,WE,TH,FR,SA,SU",
        "00:00:00",
        "23:59:59",
    )
    assert always["description"] == "24/7"
    assert attrs(always, "field") == [("timezone", "Europe/London")]
    office = [(s["byday"], s["opens_at"], s["closes_at"]) for s in sal["voice1"]["schedules"]]
    assert office == [
        ("MO,TU,WE,TH,FR", "09:00:00", "17:00:00"),
        ("SA", "10:00:00", "14:00:00"),
        ("SU", "20:00:00", "02:00:00"),
    ]
    assert attrs(sal["voice1"]["schedules"][0], "field") == [("timezone", "Europe/Dublin")]
    [published] = sal["whatsapp3"]["schedules"]
    assert published == {"id": published["id"], "description": "Evenings, varies"}
    assert "schedules" not in sal["sms2"]


@override_settings(HSDS_ASSURER_EMAIL="data@backline.care")
def test_verification_sources_and_dates():
    objects = build_directory()
    docs = documents()
    helpline = docs["gb-samaritans"]
    assert helpline["assured_date"] == "2026-11-30"
    assert helpline["assurer_email"] == "data@backline.care"
    objects["helpline"].refresh_from_db()
    assert helpline["last_modified"] == objects["helpline"].updated_at.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert attrs(helpline, "verification") == [("staff_verified", "")]
    assert [v for k, v in attrs(helpline, "field") if k == "source"] == [
        "https://www.samaritans.org/how-we-can-help/",
        "https://example.org/samaritans-review",
    ]
    assert ("source_seen", "2026-11-22") in attrs(helpline, "field")
    guide = docs["intl-music-guide"]
    assert "assured_date" not in guide and "assurer_email" not in guide
    assert attrs(guide, "verification") == [("sourced", "")]


def test_coverage_types_cost_and_organizations():
    build_directory()
    docs = documents()
    helpline, guide = docs["gb-samaritans"], docs["intl-music-guide"]
    [home] = helpline["service_areas"]
    assert home["uri"] == "https://www.iso.org/obp/ui/#iso:code:3166:GB"
    assert attrs(home, "coverage") == [("country", "")]
    areas = [(a.get("uri", "")[-2:], attrs(a, "coverage")[0][0]) for a in guide["service_areas"]]
    assert areas == [("DE", "served"), ("FR", "served"), ("", "international")]
    assert attrs(helpline, "type") == [("crisis_line", "")]
    assert attrs(helpline, "delivery") == [("online", ""), ("phone", "")]
    assert helpline["cost_options"][0]["amount"] == 0
    assert attrs(helpline["cost_options"][0], "cost") == [("free", "")]
    assert "amount" not in guide["cost_options"][0]
    assert helpline["organization"]["name"] == "Samaritans"
    assert helpline["organization_id"] == helpline["organization"]["id"]
    # No operator named: the service gets an organization of its own.
    assert guide["organization"]["name"] == "Music industry wellbeing guide"


def test_export_queries_do_not_grow_with_the_directory():
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            export_dataset(language="fr")
        return len(queries)

    channel = ChannelFactory(languages=[])
    OpeningPeriodFactory(channel=channel)
    small = count_queries()
    for _ in range(5):
        channel = ChannelFactory(resource=ResourceFactory(), value="0800 111")
        OpeningPeriodFactory(channel=channel)
    assert count_queries() == small


def test_command_writes_one_folder_per_language(tmp_path):
    build_directory()
    out = io.StringIO()
    call_command(
        "export_hsds", "--format", "json", "--out", str(tmp_path), "--language", "en",
        "--language", "ar", stdout=out,
    )  # fmt: skip
    assert "ar: 3 organization, 3 service" in out.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["ar", "en"]
    arabic = json.loads((tmp_path / "ar" / "services.json").read_text(encoding="utf-8"))
    assert len(arabic) == 3
    call_command("export_hsds", str(tmp_path / "csv"), "--format", "csv", "--language", "de")
    assert (tmp_path / "csv" / "de" / "datapackage.json").is_file()
    assert (tmp_path / "csv" / "de" / "programs.csv").read_text().startswith("id,organization_id")


def test_command_needs_one_output_folder(tmp_path):
    with pytest.raises(CommandError, match="once"):
        call_command("export_hsds", str(tmp_path), "--out", str(tmp_path))
    with pytest.raises(CommandError, match="once"):
        call_command("export_hsds")
    (tmp_path / "file").write_text("x")
    with pytest.raises(CommandError, match="not a folder"):
        call_command("export_hsds", str(tmp_path / "file"))
