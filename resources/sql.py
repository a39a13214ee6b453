"""PostgreSQL forms of directory questions, so they run inside one indexed query.

"Open now" in SQL follows `hours.is_open()` exactly: the instant is read as wall-clock time
in the channel's zone (else the entry's), a period whose closing time is not after its
opening time runs into the next day, and a channel without a zone is not open. Python
computed it for every channel of a country before (seconds at 100,000 entries); here the
database answers it per listed entry with the channel and period indexes.
"""

import datetime

from django.db.models import (
    BooleanField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    TimeField,
    Value,
)
from django.db.models.functions import Coalesce, NullIf


class AtTimeZone(Func):
    """`instant AT TIME ZONE zone`: the wall-clock time there (NULL when zone is NULL)."""

    arg_joiner = " AT TIME ZONE "
    template = "(%(expressions)s)"
    output_field = DateTimeField()


class IsoWeekday(Func):
    """Monday 0 … Sunday 6, like `datetime.weekday()` and `OpeningPeriod.weekday`."""

    template = "(EXTRACT(ISODOW FROM %(expressions)s)::integer - 1)"
    output_field = IntegerField()


class TimeOfDay(Func):
    template = "(%(expressions)s)::time"
    output_field = TimeField()


class EqualsAny(Func):
    """`column = ANY(ARRAY(subquery))`: the subquery runs once and the column's index is used
    (an `IN (subquery)` inside OR would make PostgreSQL read the whole table instead)."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def open_now(at: datetime.datetime) -> Q:
    """Condition on Resource: a 24/7 channel, or a weekly period covering `at` (PostgreSQL)."""
    from resources.models import Channel, OpeningPeriod

    zone = Coalesce(
        NullIf(F("channel__timezone"), Value("")), NullIf(OuterRef("timezone"), Value(""))
    )
    local = AtTimeZone(Value(at, output_field=DateTimeField()), zone)
    today, now = IsoWeekday(local), TimeOfDay(local)
    overnight = Q(closes__lte=F("opens"))
    covering = (
        Q(weekday=today)
        & ((~overnight & Q(opens__lte=now, closes__gt=now)) | (overnight & Q(opens__lte=now)))
    ) | (Q(weekday=(today + 6) % 7) & overnight & Q(closes__gt=now))
    periods = OpeningPeriod.objects.filter(channel__resource=OuterRef("pk")).filter(covering)
    always = Channel.objects.filter(resource=OuterRef("pk"), is_24_7=True)
    return Q(Exists(always)) | Q(Exists(periods))


def open_now_flag(at: datetime.datetime) -> ExpressionWrapper:
    return ExpressionWrapper(open_now(at), output_field=BooleanField())


def for_country(code: str) -> Q:
    """Resource condition of `ResourceQuerySet.for_country()` that PostgreSQL can index."""
    from django.contrib.postgres.expressions import ArraySubquery

    from resources.models import Resource

    through = Resource.countries_served.through.objects
    served = ArraySubquery(through.filter(country_id=code).values("resource_id"))
    return (
        Q(country_id=code)
        | Q(EqualsAny(F("pk"), served))
        | (Q(is_international=True) & ~Exists(through.filter(resource=OuterRef("pk"))))
    )


def speaking(languages) -> Q:
    """Resource condition of `ResourceQuerySet.speaking()`: two id arrays, OR-ed on the key."""
    from django.contrib.postgres.expressions import ArraySubquery

    from resources.models import Channel, Resource

    on_entry = Resource.languages.through.objects.filter(language__in=languages)
    on_channel = Channel.languages.through.objects.filter(language__in=languages)
    return Q(EqualsAny(F("pk"), ArraySubquery(on_entry.values("resource_id")))) | Q(
        EqualsAny(F("pk"), ArraySubquery(on_channel.values("channel__resource_id")))
    )
