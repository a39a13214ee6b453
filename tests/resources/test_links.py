import pytest

from resources.links import channel_uri, dial_digits, tel_uri, whatsapp_uri
from resources.models import Channel


@pytest.mark.parametrize(
    ("value", "e164", "expected"),
    [
        ("116 123", "", "tel:116123"),  # short code: never given a country prefix
        ("988", "", "tel:988"),
        ("988 then press 1", "", "tel:988"),  # dial instructions are not dialled
        ("119 ext. 8", "", "tel:119"),
        ("0800 111 0 111", "", "tel:08001110111"),
        ("0800 111 0 111", "+498001110111", "tel:+498001110111"),  # E.164 when known
        ("1-855-BLINE99", "", "tel:18552546399"),  # vanity letters → keypad digits
        ("1-800-662-HELP (4357)", "", "tel:18006624357"),
        ("+44 (0)20 7404 8444", "", "tel:+442074048444"),  # no trunk 0 after +44
        ("*4141", "", "tel:*4141"),
        ("988 AYUDA", "", ""),  # a spaced capital word could be vanity of unknown length
        ("0508 MUSICHELP", "", ""),
        ("Text HOME to 741741", "", ""),  # no dialable head: no link rather than a wrong one
        ("", "", ""),
    ],
)
def test_tel_uri(value, e164, expected):
    assert tel_uri(value, e164) == expected


def test_dial_digits_keeps_a_leading_plus():
    assert dial_digits("+1 800 273 8255") == "+18002738255"


@pytest.mark.parametrize(
    ("value", "e164", "expected"),
    [
        ("+44 7700 900123", "", "https://wa.me/447700900123"),
        ("07700 900123", "+447700900123", "https://wa.me/447700900123"),
        ("07700 900123", "", ""),  # a national number cannot be turned into wa.me safely
        ("https://wa.me/15551234567", "", "https://wa.me/15551234567"),
    ],
)
def test_whatsapp_uri(value, e164, expected):
    assert whatsapp_uri(value, e164) == expected


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("sms", "85258", "sms:85258"),
        ("email", "jo@samaritans.org", "mailto:jo@samaritans.org"),
        ("chat", "https://988lifeline.org/", "https://988lifeline.org/"),
        ("chat", "via the app", ""),
        ("web", "javascript:alert(1)", ""),  # only http(s) links are ever emitted
        ("in_person", "12 High Street", ""),
        ("video_relay", "https://relay.example.org/", "https://relay.example.org/"),
    ],
)
def test_channel_uri(kind, value, expected):
    assert channel_uri(Channel(kind=kind, value=value)) == expected


def test_public_note_drops_remarks_about_our_own_number_checks():
    from resources.templatetags.directory import public_note

    assert (
        public_note(
            "Free from landlines and mobiles incl. pay-as-you-go. "
            "Short code; recognised by phonenumbers short-number metadata."
        )
        == "Free from landlines and mobiles incl. pay-as-you-go."
    )
    assert public_note("Short/national code not listed in phonenumbers metadata.") == ""
    assert public_note("Text 988; for Spanish text AYUDA.") == "Text 988; for Spanish text AYUDA."
