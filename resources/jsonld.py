"""schema.org data for an entry page, from what the page itself shows."""

from django.conf import settings
from django_countries import countries

from resources import links

CONTACT_TYPES = {
    "voice": "crisis line",
    "sms": "text message",
    "whatsapp": "WhatsApp",
    "video_relay": "video relay",
}


def resource_json_ld(resource, channels, url: str) -> dict:
    """An Organization with one ContactPoint per phone-like channel (numbers as published)."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": f"{settings.SITE_URL}{url}#service",
        "name": resource.name,
        "url": f"{settings.SITE_URL}{url}",
    }
    if resource.description:
        data["description"] = resource.description
    if resource.website:
        data["sameAs"] = [resource.website]
    if resource.organization_id:
        data["parentOrganization"] = {"@type": "Organization", "name": resource.organization.name}
    if resource.country_id:
        data["areaServed"] = {"@type": "Country", "name": countries.name(resource.country_id)}
    contact_points = []
    for channel in channels:
        if channel.kind not in CONTACT_TYPES:
            continue
        point: dict = {
            "@type": "ContactPoint",
            "contactType": CONTACT_TYPES[channel.kind],
            "telephone": channel.e164 or links.dial_digits(channel.value) or channel.value,
        }
        languages = [language.code for language in channel.languages.all()]
        if languages:
            point["availableLanguage"] = languages
        if channel.is_24_7:
            point["hoursAvailable"] = {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": [f"https://schema.org/{day}" for day in DAYS],
                "opens": "00:00",
                "closes": "23:59",
            }
        elif channel.hours_structured:
            point["hoursAvailable"] = [
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": f"https://schema.org/{DAYS[period.weekday]}",
                    "opens": f"{period.opens:%H:%M}",
                    "closes": f"{period.closes:%H:%M}",
                }
                for period in channel.opening_periods.all()
            ]
        contact_points.append(point)
    if contact_points:
        data["contactPoint"] = contact_points
    if resource.verified_at:
        data["dateModified"] = resource.verified_at.date().isoformat()
    return data


DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
