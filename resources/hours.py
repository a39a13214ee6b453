"""Weekly opening hours: parsing the seed's published text and computing "open now".

Hours are wall-clock times in the service's IANA zone, so "open now" converts the instant to
that zone first; DST changes then need no special case. A period whose closing time is not
after its opening time runs past midnight into the next day ("15:30-00:30", "20:00-08:00").
"""

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_INDEX = {name: i for i, name in enumerate(DAY_NAMES)}
PLURAL_DAYS = {
    name + "days": i
    for i, name in enumerate(["mon", "tues", "wednes", "thurs", "fri", "satur", "sun"])
}

TWENTY_FOUR_SEVEN = re.compile(r"^24/7(\s*\([^()]*\))?$", re.IGNORECASE)
TIME = r"(\d{1,2}):(\d{2})"
RANGE = rf"{TIME}\s*[-–]\s*{TIME}"
DAYS = r"daily|7 days|every day|[a-z]{3}\s*[-–]\s*[a-z]{3}|[a-z]+days"
NOTE = r"(?:\s*\([^()]*\))?"
PATTERNS = [
    re.compile(rf"^(?P<days>{DAYS})\s+{RANGE}(?:\s+(?P<abbr>[A-Z]{{2,5}}))?{NOTE}$", re.I),
    re.compile(rf"^{RANGE}(?:,)?\s+(?P<days>{DAYS}){NOTE}$", re.I),
]


@dataclass(frozen=True)
class Period:
    weekday: int  # 0 = Monday
    opens: time
    closes: time  # midnight is time(0); not after `opens` means the next day


@dataclass(frozen=True)
class ParsedHours:
    is_24_7: bool = False
    periods: tuple[Period, ...] = ()

    @property
    def structured(self) -> bool:
        return self.is_24_7 or bool(self.periods)


def zone(name: str) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _clock(hours: str, minutes: str) -> time | None:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return time(0)
    if h > 23 or m > 59:
        return None
    return time(h, m)


def _days(spec: str) -> list[int] | None:
    spec = spec.lower().strip()
    if spec in {"daily", "7 days", "every day"}:
        return list(range(7))
    if spec in PLURAL_DAYS:
        return [PLURAL_DAYS[spec]]
    match = re.fullmatch(r"([a-z]{3})\s*[-–]\s*([a-z]{3})", spec)
    if match and match[1] in DAY_INDEX and match[2] in DAY_INDEX:
        first, last = DAY_INDEX[match[1]], DAY_INDEX[match[2]]
        return [(first + i) % 7 for i in range((last - first) % 7 + 1)]
    return None


def parse_hours(text: str | None, timezone_name: str = "") -> ParsedHours | None:
    """Structure published hours text, or None when it is not unambiguous.

    Only a few unambiguous shapes are read ("24/7", "Daily 16:00-23:00", "Mon-Sat 10:00-20:00
    IST", "08:00-20:00 daily"); a bare time range without days, alternatives ("…; 24/7 per
    2017 source") and prose stay text for a curator to structure.
    """
    text = (text or "").strip()
    if not text:
        return None
    if TWENTY_FOUR_SEVEN.match(text):
        return ParsedHours(is_24_7=True)
    for pattern in PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        days = _days(match["days"])
        numbers = [g for g in match.groups() if g and g.isdigit()]
        opens, closes = _clock(*numbers[0:2]), _clock(*numbers[2:4])
        if days is None or opens is None or closes is None or opens == closes:
            return None
        abbreviation = match.groupdict().get("abbr")
        if abbreviation and not _zone_uses_abbreviation(timezone_name, abbreviation):
            return None
        return ParsedHours(periods=tuple(Period(day, opens, closes) for day in days))
    return None


def _zone_uses_abbreviation(timezone_name: str, abbreviation: str) -> bool:
    tz = zone(timezone_name)
    if tz is None:
        return False
    year = datetime.now(tz).year
    return any(
        datetime(year, month, 1, 12, tzinfo=tz).tzname() == abbreviation.upper() for month in (1, 7)
    )


def is_open(periods, at: datetime, tz: ZoneInfo) -> bool:
    """Whether any weekly period covers the instant `at`, read as wall-clock time in `tz`."""
    local = at.astimezone(tz)
    today, now = local.weekday(), local.time().replace(tzinfo=None)
    yesterday = (today - 1) % 7
    for period in periods:
        overnight = period.closes <= period.opens
        if period.weekday == today:
            if overnight and now >= period.opens:
                return True
            if not overnight and period.opens <= now < period.closes:
                return True
        if period.weekday == yesterday and overnight and now < period.closes:
            return True
    return False
