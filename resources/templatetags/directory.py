"""Template helpers for the public directory: links, hours, headings and structured data."""

import json
import re
from datetime import datetime

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.utils import build_localized_fieldname

from resources import hours, links
from resources.models import Resource

register = template.Library()

TYPE_HEADINGS = {
    Resource.Type.CRISIS_LINE: _("Crisis lines"),
    Resource.Type.HELPLINE: _("Helplines"),
    Resource.Type.COUNSELLING: _("Counselling"),
    Resource.Type.THERAPY_FUND: _("Therapy funds"),
    Resource.Type.GRANT: _("Grants"),
    Resource.Type.CLINIC: _("Clinics"),
    Resource.Type.SUPPORT_GROUP: _("Support groups"),
    Resource.Type.GUIDE: _("Guides"),
    Resource.Type.PROGRAM: _("Programmes"),
    Resource.Type.APP: _("Apps"),
}
ACTIONS = {
    "voice": _("Call"),
    "sms": _("Text"),
    "whatsapp": _("WhatsApp"),
    "chat": _("Chat online"),
    "email": _("Email"),
    "web": _("Website"),
    "video_relay": _("Video relay"),
    "in_person": _("Visit"),
}
# Shown as the number itself (left-to-right); the rest are shown by their action only.
SHOWS_VALUE = {"voice", "sms", "whatsapp", "email", "video_relay"}

# The same escapes as django.utils.html.json_script: nothing in the data can close the
# <script> element or start a comment, whatever a curator types.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def tel_uri(number) -> str:
    """tel: link for an emergency number (dial string as published) or a channel."""
    if hasattr(number, "kind") and hasattr(number, "value"):
        return links.channel_uri(number)
    return links.tel_uri(getattr(number, "number", number))


@register.filter
def channel_uri(channel) -> str:
    return links.channel_uri(channel)


@register.filter
def action_label(channel) -> str:
    # Not .get(kind, get_kind_display()): the default would be built on every call.
    return ACTIONS.get(channel.kind) or channel.get_kind_display()


@register.filter
def shows_value(channel) -> bool:
    return channel.kind in SHOWS_VALUE


@register.filter
def type_heading(type_value: str) -> str:
    return TYPE_HEADINGS.get(type_value, type_value)


@register.filter
def country_name(code) -> str:
    return countries.name(str(code).upper()) if code else ""


@register.filter
def untranslated(obj, field: str) -> bool:
    """Whether `field` shows the English text because the active language has none."""
    language = get_language() or "en"
    english = getattr(obj, build_localized_fieldname(field, "en"), "")
    if language == "en" or not english:
        return False
    return not getattr(obj, build_localized_fieldname(field, language), "")


@register.simple_tag
def lang_attr(obj, field: str) -> str:
    """` lang="en" dir="ltr"` on text shown in English fallback: screen readers pronounce it
    as English, and on right-to-left pages its punctuation stays where it belongs."""
    return mark_safe(' lang="en" dir="ltr"') if untranslated(obj, field) else ""


@register.filter
def weekly_hours(channel) -> list[str]:
    """Opening periods as lines such as "Mon–Fri 09:00–17:00", days with equal hours merged."""
    periods = list(channel.opening_periods.all())
    by_times: dict[tuple, list[int]] = {}
    for period in periods:
        by_times.setdefault((period.opens, period.closes), []).append(period.weekday)
    lines = []
    for (opens, closes), days in sorted(by_times.items(), key=lambda item: min(item[1])):
        lines.append(f"{_day_ranges(sorted(set(days)))} {opens:%H:%M}–{closes:%H:%M}")
    return lines


def _day_ranges(days: list[int]) -> str:
    if days == list(range(7)):
        return str(_("Daily"))
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        first, last = str(WEEKDAYS_ABBR[run[0]]), str(WEEKDAYS_ABBR[run[-1]])
        parts.append(first if len(run) == 1 else f"{first}–{last}")
    return ", ".join(parts)


@register.filter
def local_time(zone_name: str) -> str:
    """The current wall-clock time in an IANA zone, e.g. "14:05"."""
    tz = hours.zone(zone_name)
    if tz is None:
        return ""
    return f"{timezone.now().astimezone(tz):%H:%M}"


# Remarks the seed import left in public channel notes about our own number checks
# ("Short code; recognised by phonenumbers short-number metadata.") mean nothing to a visitor.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@register.filter
def public_note(text: str) -> str:
    """A channel note without the sentences about the phonenumbers library."""
    sentences = SENTENCE_END.split((text or "").strip())
    return " ".join(s for s in sentences if "phonenumbers" not in s.lower()).strip()


@register.filter
def delivery_labels(resource) -> list[str]:
    from resources.filters import DELIVERY_CHOICES

    return [str(label) for value, label in DELIVERY_CHOICES if value in resource.delivery]


@register.filter
def open_state(channel) -> bool | None:
    return channel.open_now()


@register.simple_tag
def json_ld(data: dict) -> str:
    """A schema.org block; JSON is data, not script, so the CSP allows it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),
    )


@register.filter
def iso_date(value) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.isoformat() if value else ""
