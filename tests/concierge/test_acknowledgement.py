"""The acknowledgement: once per new ticket, in the requester's language, with the
emergency numbers and crisis lines of their country from the directory."""

import pytest
from django.core import mail

from concierge.emails import acknowledgement_queue, dial, directory_contacts
from concierge.models import OutboundEmail
from resources.models import EmergencyNumber, Resource
from tests.factories import ChannelFactory, CountryFactory, EmergencyNumberFactory, ResourceFactory

from .conftest import make_email
from .factories import RequesterFactory, TicketFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def germany():
    country = CountryFactory(code="DE")
    EmergencyNumberFactory(country=country, kind=EmergencyNumber.Kind.GENERAL, number="112")
    EmergencyNumberFactory(country=country, kind=EmergencyNumber.Kind.POLICE, number="110")
    daytime = ResourceFactory(
        country=country, type=Resource.Type.CRISIS_LINE, name_en="Daytime Line"
    )
    ChannelFactory(
        resource=daytime, value="0800 123 4567", e164="+498001234567", is_short_code=False
    )
    always = ResourceFactory(
        country=country, type=Resource.Type.CRISIS_LINE, name_en="Telefonseelsorge"
    )
    ChannelFactory(resource=always, value="0800 111 0 111", is_short_code=True, is_24_7=True)
    draft = ResourceFactory(
        country=country,
        type=Resource.Type.CRISIS_LINE,
        name_en="Unverified Line",
        publication=Resource.Publication.DRAFT,
    )
    ChannelFactory(resource=draft, value="0800 999")
    helpline = ResourceFactory(country=country, type=Resource.Type.HELPLINE, name_en="Not Crisis")
    ChannelFactory(resource=helpline, value="0800 555")
    return country


def test_directory_contacts_lists_emergency_numbers_and_published_crisis_lines_24_7_first(germany):
    contacts = directory_contacts("DE")
    assert [n["number"] for n in contacts["emergency_numbers"]] == ["112", "110"]
    assert [line["name"] for line in contacts["crisis_lines"]] == [
        "Telefonseelsorge",
        "Daytime Line",
    ]
    always, daytime = contacts["crisis_lines"]
    assert always["tel"] == "08001110111" and always["is_24_7"]
    assert daytime["tel"] == "+498001234567"


def test_directory_contacts_for_an_unknown_country_point_to_the_directory():
    contacts = directory_contacts("ZZ")
    assert contacts["emergency_numbers"] == [] and contacts["crisis_lines"] == []
    assert contacts["directory_path"].endswith("#countries")


@pytest.mark.parametrize(
    ("published", "digits"),
    [("116 123", "116123"), ("988 then press 1", "988"), ("+49 30 1", "+49301")],
)
def test_dial_keeps_digits_as_published_and_never_adds_a_prefix(published, digits):
    assert dial(published) == digits


def test_the_acknowledgement_is_in_the_requesters_language_with_their_countrys_numbers(
    germany, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(requester=RequesterFactory(country="DE", preferred_language="de"))
    with django_capture_on_commit_callbacks(execute=True):
        acknowledgement_queue(ticket=ticket)
    [email] = mail.outbox
    text = email.body
    html = email.alternatives[0][0]
    assert "Sind Sie gerade in Gefahr?" in text  # German from the shipped catalogue
    assert "Deutschland" in text  # the country name, translated by django-countries
    assert ticket.reference in email.subject and ticket.reference in text
    for number in ("112", "110", "0800 111 0 111", "0800 123 4567"):
        assert number in text
    assert "0800 999" not in text and "0800 555" not in text
    assert text.index("Telefonseelsorge") < text.index("Daytime Line")
    assert '<html lang="de" dir="ltr">' in html
    assert '<a href="tel:08001110111"><bdi dir="ltr">0800 111 0 111</bdi></a>' in html
    assert email.extra_headers["Auto-Submitted"] == "auto-replied"


def test_arabic_acknowledgement_is_right_to_left(django_capture_on_commit_callbacks):
    ticket = TicketFactory(requester=RequesterFactory(country="", preferred_language="ar"))
    with django_capture_on_commit_callbacks(execute=True):
        acknowledgement_queue(ticket=ticket)
    html = mail.outbox[0].alternatives[0][0]
    assert '<html lang="ar" dir="rtl">' in html
    assert "#countries" in mail.outbox[0].body  # no country: link to find one


def test_role_accounts_get_no_acknowledgement():
    ticket = TicketFactory(requester=RequesterFactory(email="postmaster@example.org"))
    assert acknowledgement_queue(ticket=ticket) is None
    assert OutboundEmail.objects.count() == 0


def test_a_ticket_is_acknowledged_once_even_if_asked_twice(ingest):
    ticket = ingest(make_email()).ticket
    assert acknowledgement_queue(ticket=ticket) is None
    assert OutboundEmail.objects.filter(ticket=ticket).count() == 1
    assert len(mail.outbox) == 1
