"""Vetted directory entries as plain text for a reply, in the requester's language."""

from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.utils import translation
from django.utils.translation import gettext as _

from resources.models import Channel, EmergencyNumber, Resource

# Left-to-right isolate: keeps a number in digit order inside right-to-left text.
LRI, PDI = "\u2066", "\u2069"


def vetted_resources(*, country: str, language: str):
    """Published, staff-verified entries for a country; those speaking `language` first."""
    queryset = Resource.objects.published().filter(
        verification=Resource.Verification.STAFF_VERIFIED
    )
    queryset = queryset.for_country(country) if country else queryset.international()
    speaking = Resource.objects.speaking(language).values("pk") if language else []
    return (
        queryset.annotate(
            speaks=Case(
                When(pk__in=speaking, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            crisis=Case(
                When(type=Resource.Type.CRISIS_LINE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("speaks", "crisis", "name")
        .prefetch_related(
            Prefetch(
                "channels",
                queryset=Channel.objects.prefetch_related("opening_periods").order_by(
                    "order", "pk"
                ),
            )
        )
    )


def crisis_panel(country: str):
    """Emergency numbers and 24/7 crisis lines of a country, as published in the directory."""
    if not country:
        return {"emergency_numbers": [], "crisis_lines": []}
    numbers = EmergencyNumber.objects.filter(country_id=country).order_by("order", "pk")
    lines = (
        Resource.objects.published()
        .for_country(country)
        .crisis_lines()
        .filter(channels__is_24_7=True)
        .distinct()
        .prefetch_related(
            Prefetch("channels", queryset=Channel.objects.filter(is_24_7=True).order_by("order"))
        )
        .order_by("name")
    )
    return {"emergency_numbers": list(numbers), "crisis_lines": list(lines)}


def _ltr(value: str) -> str:
    return f"{LRI}{value}{PDI}" if translation.get_language_bidi() else value


def channel_hours(channel: Channel) -> str:
    if channel.is_24_7:
        return _("24/7")
    periods = list(channel.opening_periods.all())
    if periods:
        text = ", ".join(
            f"{period.get_weekday_display()} {period.opens:%H:%M}–{period.closes:%H:%M}"
            for period in periods
        )
        zone = channel.effective_timezone
        return f"{text} ({zone})" if zone else text
    return channel.hours_text


def resource_snippet(resource: Resource, language: str) -> str:
    """Name, every channel as published with its hours, and the link, in `language`."""
    with translation.override(language):
        lines = [resource.name]
        if resource.local_name and resource.local_name != resource.name:
            lines[0] = f"{resource.name} ({resource.local_name})"
        for channel in resource.channels.all():
            value = channel.value
            if channel.is_dialled:
                value = _ltr(value)
            line = f"- {channel.get_kind_display()}: {value}"
            hours = channel_hours(channel)
            if hours:
                line += f" ({hours})"
            lines.append(line)
        if resource.website:
            lines.append(f"- {resource.website}")
        return "\n".join(lines)


def resources_text(resources, language: str) -> str:
    return "\n\n".join(resource_snippet(resource, language) for resource in resources)
