import datetime
import json
import re

import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from resources.models import Resource

UTC = datetime.UTC


def entry_url(slug: str, language: str = "en") -> str:
    with translation.override(language):
        return reverse("resources:resource", kwargs={"slug": slug})


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match[1])


def test_entry_page_renders_in_every_language(client, directory):
    for language in settings.LANGUAGE_CODES:
        response = client.get(entry_url("gb-samaritans", language))
        assert response.status_code == 200
        html = response.content.decode()
        with translation.override(language):
            assert translation.gettext("How to reach them") in html
            assert translation.gettext("Skip to main content") in html
        assert '<bdi dir="ltr">116 123</bdi>' in html


def test_every_channel_gets_its_own_link(client, directory):
    html = client.get(entry_url("gb-listening-line")).content.decode()
    assert 'href="tel:+448001110111"' in html
    assert '<bdi dir="ltr">0800 111 0 111</bdi>' in html  # shown as published
    assert 'href="https://wa.me/447700900123"' in html
    assert 'href="https://listening.example.org/chat"' in html
    samaritans = client.get(entry_url("gb-samaritans")).content.decode()
    assert 'href="tel:116123"' in samaritans
    assert 'href="mailto:jo@samaritans.org"' in samaritans


def test_hours_are_shown_in_the_services_zone_with_open_now(client, directory):
    # 18:30 UTC on a January Wednesday is 18:30 in London: the evening line is open.
    with time_machine.travel(datetime.datetime(2026, 1, 14, 18, 30, tzinfo=UTC), tick=False):
        html = client.get(entry_url("gb-listening-line")).content.decode()
    assert "Daily 18:00–23:00" in html
    assert "Times are local to Europe/London (now 18:30 there)." in html
    assert "Open now" in html
    # 17:30 UTC in July is 18:30 BST (open); 22:30 UTC is 23:30 BST (closed).
    with time_machine.travel(datetime.datetime(2026, 7, 14, 22, 30, tzinfo=UTC), tick=False):
        html = client.get(entry_url("gb-listening-line")).content.decode()
    assert "Closed now" in html
    assert "now 23:30 there" in html


def test_details_languages_cost_eligibility_expectations_confidentiality(client, directory):
    html = client.get(entry_url("gb-samaritans")).content.decode()
    assert "Free from landlines and mobiles" in html
    assert ">Free<" in html or "Free " in html
    assert "Anyone in the UK or Ireland." in html
    assert "A trained volunteer listens without judging." in html
    assert "Calls are confidential unless a life is in immediate danger." in html
    assert 'href="/en/languages/en/"' in html
    assert "Open 24 hours a day, 7 days a week" in html


def test_missing_confidentiality_text_says_so_without_inventing(client, directory):
    html = client.get(entry_url("gb-listening-line")).content.decode()
    assert "This entry has no confidentiality information yet." in html


def test_verification_date_and_sources(client, directory):
    html = client.get(entry_url("gb-samaritans")).content.decode()
    assert "Not yet verified by our staff" in html
    assert "Sources checked on Nov. 22, 2026." in html
    assert 'href="https://www.samaritans.org/how-we-can-help/contact-samaritan/"' in html
    resource = directory["samaritans"]
    resource.verification = Resource.Verification.STAFF_VERIFIED
    resource.verified_at = datetime.datetime(2026, 11, 30, 12, tzinfo=UTC)
    resource.save()
    html = client.get(entry_url("gb-samaritans")).content.decode()
    assert "Last verified by our staff on Nov. 30, 2026." in html


def test_temporarily_closed_and_alert_banners(client, directory):
    resource = directory["samaritans"]
    resource.status = Resource.Status.TEMPORARILY_CLOSED
    resource.alert_en = "The email address changes on 1 January."
    resource.save()
    html = client.get(entry_url("gb-samaritans")).content.decode()
    assert "This service is temporarily closed." in html
    assert "The email address changes on 1 January." in html
    assert 'href="tel:116123"' in html  # still reachable details


def test_defunct_service_is_410_without_its_numbers(client, directory):
    resource = directory["samaritans"]
    resource.status = Resource.Status.DEFUNCT
    resource.save()
    response = client.get(entry_url("gb-samaritans"))
    assert response.status_code == 410
    html = response.content.decode()
    assert "This service no longer operates." in html
    assert 'href="tel:116123"' not in html
    assert '<meta name="robots" content="noindex">' in html
    assert 'href="tel:999"' in html  # the emergency bar still helps


def test_drafts_and_unknown_slugs_are_404(client, directory):
    assert client.get(entry_url("gb-draft")).status_code == 404
    assert client.get(entry_url("no-such-entry")).status_code == 404


def test_not_yet_translated_note_and_english_fallback(client, directory):
    html = client.get(entry_url("gb-samaritans", "fr")).content.decode()
    with translation.override("fr"):
        note = translation.gettext(
            "Parts of this entry are not yet translated into your language and are shown in "
            "English."
        )
    assert note in html
    assert '<p class="lead" lang="en" dir="ltr">Round-the-clock confidential listening' in html
    # German has its own description: no English fallback for it.
    german = client.get(entry_url("gb-samaritans", "de")).content.decode()
    assert '<p class="lead">Vertrauliches Zuhören rund um die Uhr.</p>' in german
    english = client.get(entry_url("gb-samaritans")).content.decode()
    assert "not yet translated" not in english


def test_json_ld_describes_the_service(client, directory):
    data = json_ld(client.get(entry_url("gb-samaritans")).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Samaritans"
    assert data["url"] == "http://testserver/en/resources/gb-samaritans/"
    assert data["areaServed"]["name"] == "United Kingdom"
    phone = data["contactPoint"][0]
    assert phone["telephone"] == "116123"
    assert phone["availableLanguage"] == ["en"]
    assert phone["hoursAvailable"]["opens"] == "00:00"


def test_json_ld_cannot_break_out_of_its_script_element(client, directory):
    resource = directory["samaritans"]
    resource.name_en = 'Evil</script><script>alert("x")</script> & <!--'
    resource.save()
    html = client.get(entry_url("gb-samaritans")).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    assert "<" not in block and ">" not in block
    assert json.loads(block)["name"] == resource.name_en
    assert "<script>alert" not in html


def test_report_a_problem_link(client, directory):
    html = client.get(entry_url("gb-samaritans")).content.decode()
    assert 'href="/en/resources/gb-samaritans/report/"' in html


def test_entry_pages_set_no_cookies(client, directory):
    response = client.get(entry_url("gb-samaritans"))
    assert not response.cookies
