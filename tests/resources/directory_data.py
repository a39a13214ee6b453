"""Test data for the public directory pages: a small, realistic country built with factories,
and a fast bulk builder for query-count tests with many entries."""

import datetime

from django.db import transaction

from resources.models import Channel, OpeningPeriod, Resource
from tests.factories import (
    AudienceFactory,
    ChannelFactory,
    CountryFactory,
    EmergencyNumberFactory,
    LanguageFactory,
    OpeningPeriodFactory,
    OrganizationFactory,
    ResourceFactory,
    TopicFactory,
)


def build_directory() -> dict:
    """GB with two emergency numbers, a 24/7 crisis line (short code), an office-hours
    helpline with WhatsApp, a music programme, and an international guide; DE with one line."""
    gb = CountryFactory(code="GB", emergency_notes_en="999 and 112 both work.")
    EmergencyNumberFactory(country=gb, number="999", order=0)
    EmergencyNumberFactory(country=gb, number="112", order=1)
    de = CountryFactory(code="DE")
    EmergencyNumberFactory(country=de, number="112", kind="general")
    EmergencyNumberFactory(country=de, number="110", kind="police", order=1)
    english = LanguageFactory(code="en", label_en="English", label_de="Englisch")
    spanish = LanguageFactory(code="es", label_en="Spanish", label_de="Spanisch")
    polish = LanguageFactory(code="pl", label_en="Polish")
    suicide = TopicFactory(slug="suicide", label_en="Suicide")
    grief = TopicFactory(slug="grief", label_en="Grief")
    artists = AudienceFactory(slug="artists", label_en="Artists")
    everyone = AudienceFactory(slug="everyone", label_en="Everyone")

    samaritans = ResourceFactory(
        slug="gb-samaritans",
        name_en="Samaritans",
        description_en="Round-the-clock confidential listening for anyone struggling to cope.",
        description_de="Vertrauliches Zuhören rund um die Uhr.",
        type=Resource.Type.CRISIS_LINE,
        cost=Resource.Cost.FREE,
        offers_phone=True,
        eligibility_en="Anyone in the UK or Ireland.",
        what_to_expect_en="A trained volunteer listens without judging.",
        confidentiality_note_en="Calls are confidential unless a life is in immediate danger.",
        organization=OrganizationFactory(name="Samaritans"),
        languages=[english],
        source_url="https://www.samaritans.org/how-we-can-help/contact-samaritan/",
        source_seen=datetime.date(2026, 11, 22),
    )
    samaritans.topics.set([suicide])
    samaritans.audiences.set([everyone])
    ChannelFactory(
        resource=samaritans,
        kind="voice",
        value="116 123",
        is_short_code=True,
        is_24_7=True,
        languages=[english],
        cost_note_en="Free from landlines and mobiles",
        order=0,
    )
    ChannelFactory(
        resource=samaritans,
        kind="email",
        value="jo@samaritans.org",
        is_short_code=False,
        order=1,
    )

    listening = ResourceFactory(
        slug="gb-listening-line",
        name_en="Evening Listening Line",
        description_en="Volunteers answer in English, Spanish and Polish in the evenings.",
        type=Resource.Type.HELPLINE,
        cost=Resource.Cost.FREE,
        offers_phone=True,
        offers_online=True,
        timezone="Europe/London",
        languages=[english, spanish, polish],
    )
    listening.topics.set([grief])
    evening = ChannelFactory(
        resource=listening,
        kind="voice",
        value="0800 111 0 111",
        e164="+448001110111",
        is_short_code=False,
        languages=[english, spanish, polish],
        order=0,
    )
    for day in range(7):
        OpeningPeriodFactory(
            channel=evening, weekday=day, opens=datetime.time(18), closes=datetime.time(23)
        )
    ChannelFactory(
        resource=listening,
        kind="whatsapp",
        value="+44 7700 900123",
        e164="+447700900123",
        is_short_code=False,
        order=1,
    )
    ChannelFactory(
        resource=listening,
        kind="chat",
        value="https://listening.example.org/chat",
        is_short_code=False,
        order=2,
    )

    programme = ResourceFactory(
        slug="gb-music-programme",
        name_en="Backstage Wellbeing Programme",
        description_en="Counselling grants for artists and crew.",
        type=Resource.Type.PROGRAM,
        cost=Resource.Cost.GRANT_FUNDED,
        offers_online=True,
        languages=[english],
    )
    programme.audiences.set([artists])
    ChannelFactory(
        resource=programme,
        kind="web",
        value="https://programme.example.org/",
        is_short_code=False,
    )

    guide = ResourceFactory(
        slug="intl-helpline-finder",
        name_en="Helpline Finder",
        description_en="Free directory of crisis helplines worldwide.",
        type=Resource.Type.GUIDE,
        country=None,
        is_international=True,
        languages=[english],
    )
    ChannelFactory(
        resource=guide, kind="web", value="https://finder.example.org/", is_short_code=False
    )

    telefonseelsorge = ResourceFactory(
        slug="de-telefonseelsorge",
        name_en="TelefonSeelsorge",
        description_en="Anonymous crisis counselling by phone, day and night.",
        type=Resource.Type.CRISIS_LINE,
        country=de,
        timezone="Europe/Berlin",
        languages=[LanguageFactory(code="de", label_en="German")],
    )
    ChannelFactory(
        resource=telefonseelsorge,
        kind="voice",
        value="0800 111 0 111",
        e164="+498001110111",
        is_short_code=False,
        is_24_7=True,
    )
    draft = ResourceFactory(
        slug="gb-draft", name_en="Unchecked Draft Line", publication=Resource.Publication.DRAFT
    )
    return {
        "gb": gb,
        "de": de,
        "samaritans": samaritans,
        "listening": listening,
        "programme": programme,
        "guide": guide,
        "telefonseelsorge": telefonseelsorge,
        "draft": draft,
        "english": english,
        "spanish": spanish,
    }


@transaction.atomic
def bulk_resources(n: int, *, country: str = "GB", start: int = 0) -> None:
    """`n` published entries in one country, each with two channels, hours and languages."""
    from resources.models import Language

    country_obj = CountryFactory(code=country)
    english = LanguageFactory(code="en", label_en="English")
    spanish = LanguageFactory(code="es", label_en="Spanish")
    types = [Resource.Type.CRISIS_LINE, Resource.Type.HELPLINE, Resource.Type.COUNSELLING]
    resources = Resource.objects.bulk_create(
        Resource(
            slug=f"bulk-{country.lower()}-{start + i}",
            name_en=f"Bulk service {start + i}",
            description_en="Synthetic entry for a query-count test.",
            country=country_obj,
            type=types[i % 3],
            publication=Resource.Publication.PUBLISHED,
            source_url="https://example.org/source",
            timezone="Europe/London",
        )
        for i in range(n)
    )
    channels = Channel.objects.bulk_create(
        Channel(
            resource=resource,
            kind=kind,
            value="116 123" if kind == "voice" else "85258",
            is_short_code=True,
            is_24_7=(index % 2 == 0 and kind == "voice"),
            order=order,
        )
        for index, resource in enumerate(resources)
        for order, kind in enumerate(["voice", "sms"])
    )
    OpeningPeriod.objects.bulk_create(
        OpeningPeriod(
            channel=channel, weekday=day, opens=datetime.time(9), closes=datetime.time(17)
        )
        for channel in channels
        if not channel.is_24_7
        for day in range(5)
    )
    through = Resource.languages.through
    through.objects.bulk_create(
        through(resource=resource, language=language)
        for resource in resources
        for language in (english, spanish)
    )
    channel_through = Channel.languages.through
    channel_through.objects.bulk_create(
        channel_through(channel=channel, language=english) for channel in channels
    )
    assert Language.objects.filter(code="en").exists()
