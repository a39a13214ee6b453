"""A small directory that exercises every part of the HSDS mapping (factories, not fixtures)."""

import datetime
import filecmp

from resources.models import (
    Audience,
    Channel,
    Country,
    Language,
    OpeningPeriod,
    Organization,
    Resource,
    Topic,
)
from tests.factories import (
    AudienceFactory,
    ChannelFactory,
    CountryFactory,
    LanguageFactory,
    OrganizationFactory,
    ResourceFactory,
    TopicFactory,
)

UTC = datetime.UTC


def build_directory() -> dict:
    english = LanguageFactory(code="en", label_en="English", label_de="Englisch")
    german = LanguageFactory(code="de", label_en="German", label_de="Deutsch")
    suicide = TopicFactory(slug="suicide", label_en="Suicide", label_de="Suizid")
    grief = TopicFactory(slug="grief", label_en="Grief")
    artists = AudienceFactory(slug="artists", label_en="Artists", label_ar="الفنانون")
    samaritans = OrganizationFactory(name="Samaritans", website="https://www.samaritans.org/")
    helpline = ResourceFactory(
        slug="gb-samaritans",
        name_en="Samaritans",
        name_de="Samariter",
        local_name="Samaritans UK",
        organization=samaritans,
        type=Resource.Type.CRISIS_LINE,
        description_en="Listens to anyone struggling to cope, day and night.",
        eligibility_en="Anyone in the UK or Ireland.",
        what_to_expect_en="A trained volunteer answers and listens.",
        confidentiality_note_en="Calls are confidential unless a life is in immediate danger.",
        alert_en="Lines are busy on Sunday evenings.",
        cost=Resource.Cost.FREE,
        cost_note_en="Free from any phone.",
        offers_phone=True,
        offers_online=True,
        verification=Resource.Verification.STAFF_VERIFIED,
        verified_at=datetime.datetime(2026, 11, 30, 16, 45, tzinfo=UTC),
        source_url="https://www.samaritans.org/how-we-can-help/",
        additional_sources=["https://example.org/samaritans-review"],
        source_seen=datetime.date(2026, 11, 22),
        timezone="Europe/London",
        website="https://www.samaritans.org/",
    )
    helpline.topics.set([suicide, grief])
    helpline.audiences.set([artists])
    helpline.languages.set([english, german])
    voice = ChannelFactory(
        resource=helpline,
        kind=Channel.Kind.VOICE,
        value="116 123",
        is_short_code=True,
        is_24_7=True,
        hours_text="24/7",
        notes_en="Free from mobiles and landlines.",
        notes_de="Kostenlos vom Handy und Festnetz.",
        cost_note_en="Free",
        languages=[english, german],
        order=0,
    )
    office = ChannelFactory(
        resource=helpline,
        kind=Channel.Kind.VOICE,
        value="0330 094 5717",
        e164="+443300945717",
        is_short_code=False,
        timezone="Europe/Dublin",
        source_url="https://www.samaritans.org/contact/",
        order=1,
    )
    for day in range(5):
        OpeningPeriod.objects.create(
            channel=office, weekday=day, opens=datetime.time(9), closes=datetime.time(17)
        )
    OpeningPeriod.objects.create(
        channel=office, weekday=5, opens=datetime.time(10), closes=datetime.time(14)
    )
    OpeningPeriod.objects.create(  # Sunday night into Monday
        channel=office, weekday=6, opens=datetime.time(20), closes=datetime.time(2)
    )
    ChannelFactory(
        resource=helpline, kind=Channel.Kind.SMS, value="85258", is_short_code=True, order=2
    )
    ChannelFactory(
        resource=helpline,
        kind=Channel.Kind.WHATSAPP,
        value="+44 7700 900123",
        e164="+447700900123",
        is_short_code=False,
        hours_text="Evenings, varies",
        order=3,
    )
    ChannelFactory(
        resource=helpline,
        kind=Channel.Kind.EMAIL,
        value="jo@samaritans.org",
        is_short_code=False,
        order=4,
    )
    ChannelFactory(
        resource=helpline,
        kind=Channel.Kind.WEB,
        value="https://www.samaritans.org/chat",
        is_short_code=False,
        order=5,
    )
    ChannelFactory(
        resource=helpline,
        kind=Channel.Kind.CHAT,
        value="In the Samaritans Self-Help app",
        is_short_code=False,
        order=6,
    )
    ChannelFactory(
        resource=helpline,
        kind=Channel.Kind.IN_PERSON,
        value="Central London branch, by appointment",
        is_short_code=False,
        order=7,
    )
    ChannelFactory(  # the same number published twice (e.g. a separate youth line)
        resource=helpline, kind=Channel.Kind.VOICE, value="116 123", is_short_code=True, order=8
    )
    guide = ResourceFactory(
        slug="intl-music-guide",
        name_en="Music industry wellbeing guide",
        country=None,
        is_international=True,
        type=Resource.Type.GUIDE,
        cost=Resource.Cost.PAID,
        timezone="",
        offers_online=True,
    )
    guide.countries_served.set([CountryFactory(code="DE"), CountryFactory(code="FR")])
    closed = ResourceFactory(
        slug="de-closed-line",
        name_en="Temporarily closed line",
        country=CountryFactory(code="DE"),
        status=Resource.Status.TEMPORARILY_CLOSED,
        timezone="Europe/Berlin",
    )
    hidden = [
        ResourceFactory(slug="gb-draft", publication=Resource.Publication.DRAFT),
        ResourceFactory(slug="gb-defunct", status=Resource.Status.DEFUNCT),
        ResourceFactory(slug="gb-inactive", status=Resource.Status.INACTIVE),
    ]
    return {
        "helpline": helpline,
        "voice": voice,
        "office": office,
        "guide": guide,
        "closed": closed,
        "hidden": hidden,
    }


def empty_directory() -> None:
    Resource.objects.all().delete()
    for model in (Organization, Topic, Audience, Language):
        model.objects.all().delete()
    for country in Country.objects.all():  # one by one: a CountryField pk does not sort
        country.delete()
    assert not Channel.objects.exists()


def same_files(left, right) -> list[str]:
    """Paths (relative) that differ or exist on one side only; [] when byte-identical."""
    comparison = filecmp.dircmp(left, right)
    different = comparison.left_only + comparison.right_only
    different += [
        name
        for name in comparison.common_files
        if not filecmp.cmp(left / name, right / name, shallow=False)
    ]
    for name in comparison.common_dirs:
        different += [f"{name}/{path}" for path in same_files(left / name, right / name)]
    return different
