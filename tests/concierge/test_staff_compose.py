"""Saved replies with placeholders, and vetted resources inserted in the requester's language."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from concierge.models import OutboundEmail, SavedReply
from concierge.placeholders import fill, unknown_placeholders
from concierge.snippets import LRI, PDI
from resources.models import Resource
from tests.concierge.staff_factories import (
    MessageFactory,
    RequesterFactory,
    TicketFactory,
    concierge_user,
    load_country,
    login,
    shared_resources,
    staff_url,
)

pytestmark = pytest.mark.django_db


def ticket_for(language: str, country: str, name: str = "Ana Lima"):
    requester = RequesterFactory(preferred_language=language, country=country, name=name)
    ticket = TicketFactory(requester=requester)
    MessageFactory(ticket=ticket)
    return ticket


def textarea(html: str) -> str:
    match = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "no reply textarea"
    from html import unescape

    return unescape(match.group(1)).strip("\n")


@pytest.fixture
def staff(client):
    user = concierge_user(first_name="Maya", last_name="Okafor")
    login(client, user)
    return user


# -- placeholders -------------------------------------------------------------------------


def test_fill_replaces_known_placeholders_with_any_spacing():
    text = "Hi {{ name }}, about {{reference}} — {{  staff_name  }}"
    values = {"name": "Ana", "reference": "BL-000007", "staff_name": "Maya"}
    assert fill(text, values) == "Hi Ana, about BL-000007 — Maya"


def test_fill_never_runs_template_code():
    text = (
        "{% load static %}{{ name|upper }} {{ request.user }} {% debug %} {{ settings.SECRET_KEY }}"
    )
    assert fill(text, {"name": "Ana"}) == text


def test_values_are_inserted_literally_and_not_expanded_again():
    values = {"name": "{{ reference }} {% now 'Y' %}", "reference": "BL-000001"}
    assert fill("Dear {{ name }}", values) == "Dear {{ reference }} {% now 'Y' %}"


def test_saved_reply_with_an_unknown_placeholder_is_rejected():
    assert unknown_placeholders("{{ name }} {{ password }} {{ reference }}") == ["password"]
    reply = SavedReply(title="Bad", language="en", body="Hello {{ password }}")
    with pytest.raises(ValidationError):
        reply.full_clean()


# -- saved replies in the ticket page -------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "body", "expected"),
    [
        (
            "es",
            "Bienvenida",
            "Hola {{ name }}, tu referencia es {{ reference }}.",
            "Hola Ana Lima, tu referencia es {ref}.",
        ),
        (
            "ar",
            "ترحيب",
            "مرحبا {{ name }}، رقم طلبك {{ reference }}.",
            "مرحبا Ana Lima، رقم طلبك {ref}.",
        ),
        (
            "ja",
            "ご挨拶",
            "{{ name }}様\nお問い合わせ番号: {{ reference }}\n{{ staff_name }}",
            "Ana Lima様\nお問い合わせ番号: {ref}\nMaya Okafor",
        ),
    ],
)
def test_saved_reply_in_the_requesters_language_is_listed_first_and_filled_in(
    client, staff, language, title, body, expected
):
    ticket = ticket_for(language, "GB")
    SavedReply.objects.create(title="Welcome", language="en", body="Hello {{ name }}")
    saved = SavedReply.objects.create(title=title, language=language, body=body)
    html = client.get(staff_url("ticket", ticket.reference)).content.decode()
    options = re.findall(r'<option value="(\d+)"', html.split('name="saved_reply"')[1])
    assert options[0] == str(saved.pk)
    response = client.post(
        staff_url("ticket_reply", ticket.reference),
        {"body": "", "saved_reply": saved.pk, "action": "insert_saved"},
    )
    assert response.status_code == 200
    assert textarea(response.content.decode()) == expected.format(ref=ticket.reference)
    assert not OutboundEmail.objects.filter(kind="reply").exists()  # inserting sends nothing


def test_inserting_keeps_the_draft_written_so_far(client, staff):
    ticket = ticket_for("en", "GB")
    saved = SavedReply.objects.create(
        title="Sign-off", language="en", body="Take care, {{ staff_name }}"
    )
    response = client.post(
        staff_url("ticket_reply", ticket.reference),
        {
            "body": "Dear Ana,\n\nThank you for writing.",
            "saved_reply": saved.pk,
            "action": "insert_saved",
        },
    )
    assert (
        textarea(response.content.decode())
        == "Dear Ana,\n\nThank you for writing.\n\nTake care, Maya Okafor"
    )


def test_inactive_saved_replies_are_not_offered(client, staff):
    ticket = ticket_for("en", "GB")
    retired = SavedReply.objects.create(title="Old", language="en", body="x", is_active=False)
    response = client.post(
        staff_url("ticket_reply", ticket.reference),
        {"body": "", "saved_reply": retired.pk, "action": "insert_saved"},
    )
    assert response.status_code == 400


# -- resource picker -----------------------------------------------------------------------


def seeded(country: str, resource_id: str) -> dict:
    return next(r for r in shared_resources() if r["id"] == resource_id and r["country"] == country)


def insert_resources(client, ticket, resources, body=""):
    return client.post(
        staff_url("ticket_reply", ticket.reference),
        {"body": body, "resources": [r.pk for r in resources], "action": "insert_resources"},
    )


def test_resources_are_inserted_in_japanese_for_a_japanese_requester(client, staff):
    load_country("JP")
    row = seeded("JP", "jp-yorisoi-hotline")
    resource = Resource.objects.get(slug__startswith="jp-yorisoi-hotline")
    resource.name_ja = "よりそいホットライン"
    resource.save()
    ticket = ticket_for("ja", "JP")
    text = textarea(insert_resources(client, ticket, [resource]).content.decode())
    assert text.startswith("よりそいホットライン")
    for channel in row["channels"]:
        assert channel["value"] in text  # the number exactly as published
    with translation.override("ja"):
        assert translation.gettext("24/7") in text  # hours in the requester's language
    assert row["website"] in text
    # The same entry for an English-speaking requester uses the English name.
    english = ticket_for("en", "JP")
    text = textarea(insert_resources(client, english, [resource]).content.decode())
    assert text.startswith(row["name"])


def test_numbers_stay_left_to_right_inside_arabic_text(client, staff):
    load_country("SA")
    row = seeded("SA", "sa-moh-937")
    resource = Resource.objects.get(slug__startswith="sa-moh-937")
    ticket = ticket_for("ar", "SA")
    text = textarea(insert_resources(client, ticket, [resource]).content.decode())
    assert f"{LRI}{row['channels'][0]['value']}{PDI}" in text


def test_spanish_requester_gets_the_spanish_line_first_and_the_draft_is_kept(client, staff):
    load_country("ES")
    ticket = ticket_for("es", "ES")
    html = client.get(staff_url("ticket", ticket.reference)).content.decode()
    picker = html.split('class="resource-picker"')[1]
    # es-024 works in Spanish; the Samaritans in Spain line works in English.
    assert picker.index(seeded("ES", "es-024")["name"]) < picker.index(
        seeded("ES", "es-samaritans-in-spain")["name"]
    )
    crisis = Resource.objects.get(slug__startswith="es-024")
    text = textarea(insert_resources(client, ticket, [crisis], body="Hola Ana:").content.decode())
    assert text.startswith("Hola Ana:\n\n")
    assert seeded("ES", "es-024")["channels"][0]["value"] in text


def test_only_published_staff_verified_entries_for_the_country_are_offered(client, staff):
    load_country("JP")
    load_country("GB", verified=False)
    unverified = Resource.objects.filter(country_id="GB").first()
    draft = Resource.objects.filter(country_id="JP").first()
    draft.publication = Resource.Publication.DRAFT
    draft.save()
    ticket = ticket_for("en", "JP")
    html = client.get(staff_url("ticket", ticket.reference)).content.decode()
    picker = html.split('class="resource-picker"')[1]
    assert f'value="{unverified.pk}"' not in picker
    assert f'value="{draft.pk}"' not in picker
    assert insert_resources(client, ticket, [unverified]).status_code == 400
    assert insert_resources(client, ticket, [draft]).status_code == 400
    beyond = client.post(
        staff_url("ticket_reply", ticket.reference),
        {"resources": ["99999999999999999999999"], "action": "insert_resources"},
    )
    assert beyond.status_code == 400
    gb_ticket = ticket_for("en", "GB")
    html = client.get(staff_url("ticket", gb_ticket.reference)).content.decode()
    assert "No vetted resources for this country yet." in html


def test_a_reply_with_inserted_resources_is_sent_as_composed(
    client, staff, django_capture_on_commit_callbacks
):
    load_country("JP")
    resource = Resource.objects.get(slug__startswith="jp-yorisoi-hotline")
    ticket = ticket_for("ja", "JP")
    text = textarea(insert_resources(client, ticket, [resource], body="山田様").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(staff_url("ticket_reply", ticket.reference), {"body": text, "action": "send"})
    outbound = OutboundEmail.objects.get(ticket=ticket, kind="reply")
    assert outbound.body_text == text
    assert seeded("JP", "jp-yorisoi-hotline")["channels"][0]["value"] in outbound.body_text
