import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from resources.hours import Period, is_open, parse_hours
from tests.factories import ChannelFactory, OpeningPeriodFactory, ResourceFactory

UTC = datetime.UTC
LONDON = ZoneInfo("Europe/London")


def weekdays(channel, opens, closes, days=range(5)):
    for day in days:
        OpeningPeriodFactory(channel=channel, weekday=day, opens=opens, closes=closes)


@pytest.mark.django_db
def test_office_hours_follow_british_summer_time():
    channel = ChannelFactory(resource__timezone="Europe/London")
    weekdays(channel, datetime.time(9), datetime.time(17))
    # 08:30 UTC is 08:30 in London in winter (closed) but 09:30 in summer (open).
    assert channel.open_now(datetime.datetime(2026, 1, 12, 8, 30, tzinfo=UTC)) is False
    assert channel.open_now(datetime.datetime(2026, 7, 13, 8, 30, tzinfo=UTC)) is True
    assert channel.open_now(datetime.datetime(2026, 7, 13, 16, 30, tzinfo=UTC)) is False


@pytest.mark.django_db
def test_the_day_the_clocks_go_forward():
    # 29 March 2026: London jumps from 01:00 GMT to 02:00 BST.
    channel = ChannelFactory(resource__timezone="Europe/London")
    OpeningPeriodFactory(
        channel=channel, weekday=6, opens=datetime.time(1, 30), closes=datetime.time(2, 30)
    )
    assert channel.open_now(datetime.datetime(2026, 3, 29, 0, 45, tzinfo=UTC)) is False
    assert channel.open_now(datetime.datetime(2026, 3, 29, 1, 15, tzinfo=UTC)) is True  # 02:15
    assert channel.open_now(datetime.datetime(2026, 3, 29, 1, 45, tzinfo=UTC)) is False  # 02:45


@pytest.mark.django_db
def test_the_day_the_clocks_go_back_in_new_york():
    # 1 November 2026: 01:00-02:00 happens twice in New York.
    channel = ChannelFactory(resource__timezone="America/New_York")
    OpeningPeriodFactory(
        channel=channel, weekday=6, opens=datetime.time(1, 0), closes=datetime.time(2, 0)
    )
    assert channel.open_now(datetime.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)) is True  # 01:30 EDT
    assert channel.open_now(datetime.datetime(2026, 11, 1, 6, 30, tzinfo=UTC)) is True  # 01:30 EST
    assert channel.open_now(datetime.datetime(2026, 11, 1, 7, 30, tzinfo=UTC)) is False  # 02:30


@pytest.mark.django_db
def test_a_period_past_midnight_belongs_to_the_day_it_opens():
    channel = ChannelFactory(resource__timezone="Europe/Lisbon")
    # Friday only, 15:30 to 00:30 on Saturday.
    OpeningPeriodFactory(
        channel=channel, weekday=4, opens=datetime.time(15, 30), closes=datetime.time(0, 30)
    )
    friday_night = datetime.datetime(2026, 12, 4, 23, 50, tzinfo=UTC)  # Lisbon is UTC in winter
    saturday_early = datetime.datetime(2026, 12, 5, 0, 20, tzinfo=UTC)
    saturday_late = datetime.datetime(2026, 12, 5, 0, 40, tzinfo=UTC)
    sunday_early = datetime.datetime(2026, 12, 6, 0, 20, tzinfo=UTC)
    assert channel.open_now(friday_night) is True
    assert channel.open_now(saturday_early) is True
    assert channel.open_now(saturday_late) is False
    assert channel.open_now(sunday_early) is False


@pytest.mark.django_db
def test_the_same_instant_is_open_in_one_zone_and_closed_in_another():
    tokyo = ChannelFactory(resource__timezone="Asia/Tokyo")
    london = ChannelFactory(resource__timezone="Europe/London")
    for channel in (tokyo, london):
        weekdays(channel, datetime.time(9), datetime.time(17), days=range(7))
    at = datetime.datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 10:00 Tokyo, 01:00 London
    assert tokyo.open_now(at) is True
    assert london.open_now(at) is False


@pytest.mark.django_db
def test_channel_time_zone_overrides_the_resource():
    channel = ChannelFactory(resource__timezone="Europe/London", timezone="Asia/Tokyo")
    weekdays(channel, datetime.time(9), datetime.time(17), days=range(7))
    assert channel.open_now(datetime.datetime(2026, 12, 2, 1, 0, tzinfo=UTC)) is True


@pytest.mark.django_db
def test_unknown_hours_are_never_closed():
    published_text = ChannelFactory(hours_text="Limited hours")
    assert published_text.open_now() is None
    no_zone = ChannelFactory(resource__timezone="")
    weekdays(no_zone, datetime.time(9), datetime.time(17))
    assert no_zone.open_now() is None
    assert ChannelFactory(is_24_7=True, resource__timezone="").open_now() is True


@pytest.mark.django_db
def test_open_now_defaults_to_the_current_time():
    channel = ChannelFactory(resource__timezone="Europe/Berlin")
    weekdays(channel, datetime.time(9), datetime.time(17))
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=UTC), tick=False):
        assert channel.open_now() is True  # Wednesday 10:00 in Berlin
    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, 0, tzinfo=UTC), tick=False):
        assert channel.open_now() is False  # Saturday


@pytest.mark.django_db
def test_resource_is_open_when_any_channel_is_and_unknown_when_unsure():
    resource = ResourceFactory(timezone="Europe/London")
    at = datetime.datetime(2026, 12, 5, 12, 0, tzinfo=UTC)  # Saturday
    closed = ChannelFactory(resource=resource)
    weekdays(closed, datetime.time(9), datetime.time(17))
    assert resource.open_now(at) is False
    ChannelFactory(resource=resource, hours_text="Varies by region")
    assert resource.open_now(at) is None
    ChannelFactory(resource=resource, is_24_7=True)
    assert resource.open_now(at) is True
    assert ResourceFactory().open_now(at) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24/7", "24/7"),
        ("24/7 (CC0)", "24/7"),
        ("Daily 16:00-23:00", [(d, "16:00", "23:00") for d in range(7)]),
        ("Daily 17:00-24:00 (from Dec 2021)", [(d, "17:00", "00:00") for d in range(7)]),
        ("08:00-20:00 daily (2021)", [(d, "08:00", "20:00") for d in range(7)]),
        ("08:00-17:00, 7 days", [(d, "08:00", "17:00") for d in range(7)]),
        ("Fridays 09:00-13:00 (mieli.fi)", [(4, "09:00", "13:00")]),
        ("Mon-Fri 09:00-17:00", [(d, "09:00", "17:00") for d in range(5)]),
        ("Fri-Mon 20:00-08:00", [(d, "20:00", "08:00") for d in (4, 5, 6, 0)]),
        ("Mon-Sat 10:00-20:00 IST (CC0)", [(d, "10:00", "20:00") for d in range(6)]),
        ("08:00-20:00", None),
        ("24/7 in most regions (71 of 85 in 2022)", None),
        ("10:00-24:00 daily (EuroWeekly 2024); 24/7 per 2017 source", None),
        ("Limited hours", None),
        ("Daily 25:00-26:00", None),
        ("", None),
    ],
)
def test_parse_hours(text, expected):
    parsed = parse_hours(text, "Asia/Kolkata")
    if expected is None:
        assert parsed is None
    elif expected == "24/7":
        assert parsed.is_24_7 and not parsed.periods
    else:
        got = [(p.weekday, f"{p.opens:%H:%M}", f"{p.closes:%H:%M}") for p in parsed.periods]
        assert got == expected


def test_a_time_zone_abbreviation_must_belong_to_the_zone():
    assert parse_hours("Mon-Sat 10:00-20:00 IST", "Europe/Berlin") is None


def test_is_open_reads_wall_clock_time_in_the_zone():
    periods = [Period(2, datetime.time(22), datetime.time(2))]  # Wednesday 22:00-02:00
    thursday_1am = datetime.datetime(2026, 12, 3, 1, 0, tzinfo=LONDON)
    assert is_open(periods, thursday_1am, LONDON)
    assert not is_open(periods, thursday_1am + datetime.timedelta(hours=2), LONDON)
