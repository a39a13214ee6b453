"""Change forms: translation tabs served locally, and model warnings that never block a save."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from modeltranslation.utils import build_localized_fieldname

from resources.models import Channel, EmergencyNumber, Resource, TranslationReview
from tests.csp import parse_csp
from tests.factories import (
    ChannelFactory,
    CountryFactory,
    EmergencyNumberFactory,
    ResourceFactory,
    TranslationReviewFactory,
)
from tests.resources.conftest import form_data

pytestmark = pytest.mark.django_db
ASSET = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]*)\"", re.IGNORECASE)
# modeltranslation's unconfigured default is a googleapis.com URL: none may come back.
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def change_url(obj) -> str:
    return reverse(f"admin:resources_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize(
    "url_for",
    [
        lambda: change_url(ChannelFactory().resource),
        lambda: reverse("admin:resources_resource_add"),
        lambda: change_url(ChannelFactory()),
        lambda: change_url(EmergencyNumberFactory().country),
        lambda: change_url(EmergencyNumberFactory()),
    ],
    ids=["resource", "resource-add", "channel", "country", "emergency-number"],
)
def test_change_forms_load_translation_tabs_from_our_own_origin(curator_client, url_for):
    response = curator_client.get(url_for())
    assert response.status_code == 200
    html = response.content.decode()
    assets = ASSET.findall(html)
    assert "/static/js/admin-translation-tabs.js" in assets
    assert "/static/modeltranslation/js/tabbed_translation_fields.js" in assets
    assert [url for url in assets if EXTERNAL.match(url)] == []
    assert "googleapis" not in html
    # The tabs widget must load after jQuery and before modeltranslation's tab builder.
    order = [
        assets.index(f"/static/{path}")
        for path in (
            "admin/js/jquery.init.js",
            "modeltranslation/js/force_jquery.js",
            "js/admin-translation-tabs.js",
            "modeltranslation/js/tabbed_translation_fields.js",
        )
    ]
    assert order == sorted(order)
    csp = parse_csp(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]


def test_resource_form_has_a_tabbed_field_for_every_language(curator_client):
    html = curator_client.get(change_url(ResourceFactory())).content.decode()
    inputs = [
        dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<input[^>]+>", html)
    ]
    classes = {
        i["name"]: i["class"] for i in inputs if re.fullmatch(r"name_[a-z_]+", i.get("name", ""))
    }
    assert len(classes) == len(settings.LANGUAGE_CODES)
    for language in settings.LANGUAGE_CODES:
        field = build_localized_fieldname("name", language)
        # tabbed_translation_fields.js groups inputs into tabs by these classes.
        assert f"mt-field-{field.replace('_', '-', 1)}" in classes[field].split()


def test_channel_warning_is_shown_and_the_save_goes_through(curator_client):
    channel = ChannelFactory(resource__country=CountryFactory(code="GB"))
    page = curator_client.get(change_url(channel.resource))
    data = form_data(page, "resource_form")
    data["channels-0-value"] = "1234"  # not a short code phonenumbers knows in GB
    response = curator_client.post(change_url(channel.resource), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:resources_resource_changelist")
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert ("warning", "Call: 1234: phonenumbers does not know the short code 1234 in GB.") in (
        messages
    )
    assert any(level == "success" for level, _text in messages)
    channel.refresh_from_db()
    assert channel.value == "1234"
    assert channel.validation_warnings == ["phonenumbers does not know the short code 1234 in GB."]
    # The stored warning stays visible on the form and in the channel list.
    assert (
        "phonenumbers does not know the short code 1234"
        in curator_client.get(change_url(channel.resource)).content.decode()
    )
    listing = curator_client.get(reverse("admin:resources_channel_changelist"), {"warnings": "yes"})
    assert list(listing.context["cl"].result_list) == [channel]


def test_channel_page_saves_hours_and_warns(curator_client, curator):
    channel = ChannelFactory(resource__country=CountryFactory(code="GB"), hours_text="Mon 9-5")
    data = form_data(curator_client.get(change_url(channel)), "channel_form")
    data |= {
        "value": "1234",
        "opening_periods-0-weekday": "0",
        "opening_periods-0-opens": "09:00",
        "opening_periods-0-closes": "17:00",
    }
    response = curator_client.post(change_url(channel), data, follow=True)
    assert [m.level_tag for m in response.context["messages"]].count("warning") == 1
    channel.refresh_from_db()
    assert [str(p) for p in channel.opening_periods.all()] == ["Monday 09:00–17:00"]
    assert channel.history.latest().history_user == curator
    assert channel.opening_periods.first().history.latest().history_user == curator


def test_blocking_errors_still_block(curator_client):
    channel = ChannelFactory(is_short_code=False, value="020 7946 0000")
    data = form_data(curator_client.get(change_url(channel)), "channel_form")
    data["e164"] = "not a number"
    response = curator_client.post(change_url(channel), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["e164"]


def test_new_resource_with_a_channel_uses_the_resource_source(curator_client):
    CountryFactory(code="GB")
    url = reverse("admin:resources_resource_add")
    data = form_data(curator_client.get(url), "resource_form")
    data |= {
        "name_en": "Night line",
        "slug": "night-line",
        "type": Resource.Type.HELPLINE,
        "country": "GB",
        "source_url": "https://example.org/night-line",
        "status": "active",
        "publication": "draft",
        "verification": "sourced",
        "channels-TOTAL_FORMS": "1",
        "channels-0-kind": "voice",
        "channels-0-value": "1234",
        "channels-0-is_short_code": "on",
        "channels-0-order": "0",
    }
    response = curator_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert not getattr(response.context.get("adminform"), "form", None) or not (
        response.context["adminform"].form.errors
    ), response.context["adminform"].form.errors
    channel = Channel.objects.get(resource__slug="night-line")
    # Checked against the new resource's country, not "no country to check against".
    assert channel.validation_warnings == ["phonenumbers does not know the short code 1234 in GB."]
    assert any("1234 in GB" in str(m) for m in response.context["messages"])


def test_emergency_number_unknown_to_phonenumbers_warns_but_saves(curator_client):
    number = EmergencyNumberFactory(country=CountryFactory(code="GB"), number="999")
    url = change_url(number.country)
    data = form_data(curator_client.get(url), "country_form")
    data["emergency_numbers-0-number"] = "5555"
    response = curator_client.post(url, data, follow=True)
    texts = [str(m) for m in response.context["messages"]]
    assert any("does not list 5555 as an emergency number in GB" in t for t in texts), texts
    number.refresh_from_db()
    assert number.number == "5555"
    assert number.phonenumbers_agrees is False


def test_emergency_number_known_to_phonenumbers_saves_quietly(curator_client):
    number = EmergencyNumberFactory(country=CountryFactory(code="GB"), number="999")
    data = form_data(curator_client.get(change_url(number)), "emergencynumber_form")
    data["number"] = "112"
    response = curator_client.post(change_url(number), data, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    number.refresh_from_db()
    assert (number.number, number.phonenumbers_agrees) == ("112", True)
    assert EmergencyNumber.history.filter(id=number.pk).count() == 2


def test_marking_a_translation_reviewed_in_the_form_records_who(curator_client, curator):
    review = TranslationReviewFactory(language="fr")
    url = change_url(review.resource)
    data = form_data(curator_client.get(url), "resource_form")
    data["translation_reviews-0-state"] = TranslationReview.State.REVIEWED
    curator_client.post(url, data)
    review.refresh_from_db()
    assert review.state == TranslationReview.State.REVIEWED
    assert review.reviewed_by == curator
    assert review.reviewed_at is not None


def test_verifying_in_the_form_records_the_curator(curator_client, curator):
    resource = ResourceFactory()
    url = change_url(resource)
    data = form_data(curator_client.get(url), "resource_form")
    data |= {
        "verification": "staff_verified",
        "verified_at_0": "2026-12-01",
        "verified_at_1": "10:00",
    }
    response = curator_client.post(url, data)
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.verified_by == curator


def test_a_link_typed_without_a_scheme_is_saved_as_https(curator_client):
    channel = ChannelFactory(resource__country=CountryFactory(code="GB"))
    resource = channel.resource
    data = form_data(curator_client.get(change_url(resource)), "resource_form")
    data["website"] = "www.samaritans.org/how-we-can-help/"
    data["channels-0-source_url"] = "samaritans.org/contact/"
    response = curator_client.post(change_url(resource), data)
    assert response.status_code == 302
    resource.refresh_from_db()
    channel.refresh_from_db()
    assert resource.website == "https://www.samaritans.org/how-we-can-help/"
    assert channel.source_url == "https://samaritans.org/contact/"
