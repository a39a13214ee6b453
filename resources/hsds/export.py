"""The published directory as an HSDS 3.0 dataset, in one language.

How the Hub maps onto HSDS (the same mapping the importer reads back):
- Resource → service (+ its organization; a resource whose sources name no operator gets an
  organization of its own, recognisable by its id). Verification → `assured_date` (last staff
  check) and `assurer_email` (settings.HSDS_ASSURER_EMAIL); `updated_at` → `last_modified`.
- Country, countries served, international → service areas (ISO 3166 URI, coverage term).
- Every channel → a virtual (in person: physical) location and a service_at_location that
  carries its notes, hours (schedules), languages and contact method; dialled channels also a
  phone (voice / text / video) on the service, e-mail channels a contact.
- Hours → weekly schedules (days with the same hours share one), 24/7 as every day
  00:00–23:59 (HSDS's documented signal); the IANA zone, which HSDS cannot express with
  its fixed UTC offsets, as a `timezone` attribute; hours text as published → description.
- Type, topics, audiences, delivery, cost, verification and contact method → attributes with
  terms of the Hub's own taxonomies; values HSDS has no field for (slug, sources, E.164 form…)
  → attributes of the "field" taxonomy with the value in `value`.
Text is in the dataset's language, falling back to English field by field.
"""

import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from resources.hsds import vocabulary as v
from resources.hsds.dataset import Dataset
from resources.models import Channel, Resource
from resources.validation import url_validator


def export_dataset(*, language: str) -> Dataset:
    """Every published resource as an HSDS dataset with text in `language`."""
    with translation.override(language):
        return _Export(language).run()


def published_resources():
    channels = Channel.objects.order_by("order", "pk").prefetch_related(
        "languages", "opening_periods"
    )
    return (
        Resource.objects.published()
        .select_related("organization", "country")
        .prefetch_related(
            "topics",
            "audiences",
            "languages",
            "countries_served",
            Prefetch("channels", queryset=channels),
        )
        .order_by("slug")
    )


def text(obj, name: str, language: str) -> str:
    """A translated field in `language`, or its English text when there is no translation."""
    value = getattr(obj, build_localized_fieldname(name, language), None)
    return value or getattr(obj, build_localized_fieldname(name, "en"), None) or ""


def timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_url(value: str) -> bool:
    try:
        url_validator(value)
    except ValidationError:
        return False
    return True


class _Export:
    def __init__(self, language: str):
        self.language = language
        self.data = Dataset(language)
        self.repeats: Counter = Counter()

    def text(self, obj, name: str) -> str:
        return text(obj, name, self.language)

    def run(self) -> Dataset:
        for resource in published_resources():
            self.service(resource)
        for table in ("taxonomy", "taxonomy_term"):
            rows = self.data.tables.get(table, {})
            ordered = sorted(rows.values(), key=self._taxonomy_order)
            self.data.tables[table] = {row["id"]: row for row in ordered}
        return self.data

    @staticmethod
    def _taxonomy_order(row: dict):
        code = row.get("code", "")
        taxonomy = code.split(":")[0] if code else row["name"]
        return v.TAXONOMY_ORDER.get(taxonomy, len(v.TAXONOMIES)), code

    # Taxonomies and attributes ------------------------------------------------------------

    def term(self, taxonomy: str, code: str, name: str = "") -> str:
        term_id = v.term_id(taxonomy, code)
        if self.data.get("taxonomy_term", term_id):
            return term_id
        spec = v.BY_CODE[taxonomy]
        taxonomy_id = v.taxonomy_id(taxonomy)
        self.data.add(
            "taxonomy",
            {
                "id": taxonomy_id,
                "name": str(spec.name),
                "description": str(spec.description),
            },
        )
        if taxonomy == "field":
            name, description = v.FIELDS[code]
        else:
            name = name or str(v.term_label(taxonomy, code) or code)
            description = name
        self.data.add(
            "taxonomy_term",
            {
                "id": term_id,
                "code": f"{taxonomy}:{code}",
                "name": name,
                "description": description,
                "language": v.bcp47(self.language) if spec.terms_translated else "en",
                "taxonomy_id": taxonomy_id,
            },
        )
        return term_id

    def attribute(self, entity: str, link_id: str, taxonomy: str, code: str, **kwargs) -> None:
        value = kwargs.pop("value", "")
        if taxonomy == "field" and not value:
            return
        term_id = self.term(taxonomy, code, **kwargs)
        repeat = self.repeats[(link_id, term_id)]
        self.repeats[(link_id, term_id)] += 1
        self.data.add(
            "attribute",
            {
                "id": v.hsds_id(link_id, "attribute", term_id, str(repeat)),
                "link_id": link_id,
                "taxonomy_term_id": term_id,
                "link_type": taxonomy,
                "link_entity": entity,
                "value": value,
            },
        )

    def add_language(self, owner_id: str, language, **links) -> None:
        self.data.add(
            "language",
            {
                "id": v.hsds_id(owner_id, "language", language.code),
                **links,
                "name": self.text(language, "label"),
                "code": language.code,
            },
        )

    # Services -----------------------------------------------------------------------------

    def organization(self, resource: Resource) -> str:
        organization = resource.organization
        if organization is None:
            org_id = v.own_organization_id(resource.slug)
            self.data.add(
                "organization",
                {
                    "id": org_id,
                    "name": self.text(resource, "name"),
                    "description": _("The sources name no separate operator for this service."),
                },
            )
            return org_id
        org_id = v.organization_id(organization.slug)
        if self.data.get("organization", org_id) is None:
            self.data.add(
                "organization",
                {
                    "id": org_id,
                    "name": organization.name,
                    "description": _(
                        "Runs services listed in the Global Mental Health Resource Hub."
                    ),
                    "website": organization.website,
                },
            )
            self.attribute("organization", org_id, "field", "slug", value=organization.slug)
        return org_id

    def service(self, resource: Resource) -> None:
        service_id = v.service_id(resource.slug)
        channels = list(resource.channels.all())
        emails = [ch.value for ch in channels if ch.kind == Channel.Kind.EMAIL]
        verified_at = resource.verified_at
        verified_on = verified_at.astimezone(datetime.UTC).date() if verified_at else None
        self.data.add(
            "service",
            {
                "id": service_id,
                "organization_id": self.organization(resource),
                "name": self.text(resource, "name"),
                "alternate_name": resource.local_name,
                "description": self.text(resource, "description"),
                "url": resource.website,
                "email": emails[0] if emails else "",
                "status": v.STATUS_TO_HSDS[resource.status],
                "application_process": self.text(resource, "what_to_expect"),
                "fees_description": self.text(resource, "cost_note"),
                "eligibility_description": self.text(resource, "eligibility"),
                "assured_date": verified_on.isoformat() if verified_on else "",
                "assurer_email": settings.HSDS_ASSURER_EMAIL if verified_on else "",
                "alert": self.text(resource, "alert"),
                "last_modified": timestamp(resource.updated_at),
            },
        )
        self.service_attributes(resource, service_id)
        for language in sorted(resource.languages.all(), key=lambda lang: lang.code):
            self.add_language(service_id, language, service_id=service_id)
        self.service_areas(resource, service_id)
        if resource.cost:
            cost_id = v.hsds_id(service_id, "cost_option")
            self.data.add(
                "cost_option",
                {
                    "id": cost_id,
                    "service_id": service_id,
                    "option": str(v.term_label("cost", resource.cost)),
                    "amount": 0 if resource.cost == Resource.Cost.FREE else None,
                },
            )
            self.attribute("cost_option", cost_id, "cost", resource.cost)
        seen: Counter = Counter()
        for channel in channels:
            repeat = seen[(channel.kind, channel.value)]
            seen[(channel.kind, channel.value)] += 1
            self.channel(resource, service_id, channel, repeat)

    def service_attributes(self, resource: Resource, service_id: str) -> None:
        def add(taxonomy, code, **kwargs):
            self.attribute("service", service_id, taxonomy, code, **kwargs)

        add("field", "slug", value=resource.slug)
        add("type", resource.type)
        for topic in sorted(resource.topics.all(), key=lambda t: t.slug):
            add("topic", topic.slug, name=self.text(topic, "label"))
        for audience in sorted(resource.audiences.all(), key=lambda a: a.slug):
            add("audience", audience.slug, name=self.text(audience, "label"))
        for mode in resource.delivery:
            add("delivery", mode)
        add("verification", resource.verification)
        for url in resource.sources:
            add("field", "source", value=url)
        if resource.source_seen:
            add("field", "source_seen", value=resource.source_seen.isoformat())
        add("field", "timezone", value=resource.timezone)
        add("field", "confidentiality", value=self.text(resource, "confidentiality_note"))

    def service_areas(self, resource: Resource, service_id: str) -> None:
        areas = []
        if resource.country_id:
            areas.append((resource.country, "country"))
        areas += [(c, "served") for c in sorted(resource.countries_served.all(), key=str_code)]
        if resource.is_international:
            areas.append((None, "international"))
        for country, coverage in areas:
            code = str(country.code) if country else ""
            area_id = v.hsds_id(service_id, "service_area", coverage, code)
            self.data.add(
                "service_area",
                {
                    "id": area_id,
                    "service_id": service_id,
                    "name": country.name if country else str(v.COVERAGE["international"]),
                    "uri": v.ISO_3166_URI.format(code=code) if country else "",
                },
            )
            self.attribute("service_area", area_id, "coverage", coverage)

    # Channels -----------------------------------------------------------------------------

    def channel(self, resource: Resource, service_id: str, channel: Channel, repeat: int) -> None:
        channel_id = v.channel_id(resource.slug, channel.kind, channel.value, repeat)
        location_id = v.hsds_id(channel_id, "location")
        sal_id = v.hsds_id(channel_id, "service_at_location")
        linkable = channel.kind in (Channel.Kind.WEB, Channel.Kind.CHAT) and is_url(channel.value)
        described = channel.kind in (Channel.Kind.WEB, Channel.Kind.CHAT, Channel.Kind.IN_PERSON)
        self.data.add(
            "location",
            {
                "id": location_id,
                "location_type": (
                    "physical" if channel.kind == Channel.Kind.IN_PERSON else "virtual"
                ),
                "url": channel.value if linkable else "",
                "name": f"{self.text(resource, 'name')} – {channel.get_kind_display()}",
                "description": channel.value if described and not linkable else "",
            },
        )
        self.data.add(
            "service_at_location",
            {
                "id": sal_id,
                "service_id": service_id,
                "location_id": location_id,
                "description": self.text(channel, "notes"),
            },
        )
        self.attribute("service_at_location", sal_id, "contact_method", channel.kind)
        cost_note = self.text(channel, "cost_note")
        self.attribute("service_at_location", sal_id, "field", "cost_note", value=cost_note)
        self.attribute("service_at_location", sal_id, "field", "source", value=channel.source_url)
        phone_id = v.hsds_id(channel_id, "phone") if channel.is_dialled else None
        if phone_id:
            self.data.add(
                "phone",
                {
                    "id": phone_id,
                    "service_id": service_id,
                    "service_at_location_id": sal_id,
                    "number": channel.value,
                    "type": v.PHONE_TYPES[channel.kind],
                    "description": self.text(channel, "notes"),
                },
            )
            self.attribute("phone", phone_id, "contact_method", channel.kind)
            self.attribute("phone", phone_id, "field", "e164", value=channel.e164)
            if channel.is_short_code:
                self.attribute("phone", phone_id, "field", "short_code", value="true")
        if channel.kind == Channel.Kind.EMAIL:
            self.data.add(
                "contact",
                {
                    "id": v.hsds_id(channel_id, "contact"),
                    "service_id": service_id,
                    "service_at_location_id": sal_id,
                    "email": channel.value,
                },
            )
        for language in sorted(channel.languages.all(), key=lambda lang: lang.code):
            self.add_language(channel_id, language, location_id=location_id, phone_id=phone_id)
        self.schedules(channel, channel_id, sal_id)

    def schedules(self, channel: Channel, channel_id: str, sal_id: str) -> None:
        weekly = defaultdict(list)
        for period in channel.opening_periods.all():
            weekly[(f"{period.opens:%H:%M:%S}", f"{period.closes:%H:%M:%S}")].append(period.weekday)
        if channel.is_24_7:
            weekly[v.ALL_DAY] = list(range(7))
        for (opens, closes), days in sorted(weekly.items(), key=lambda kv: (min(kv[1]), kv[0])):
            schedule_id = v.hsds_id(channel_id, "schedule", opens, closes)
            self.data.add(
                "schedule",
                {
                    "id": schedule_id,
                    "service_at_location_id": sal_id,
                    "freq": "WEEKLY",
                    "byday": ",".join(v.BYDAY[day] for day in sorted(set(days))),
                    "opens_at": opens,
                    "closes_at": closes,
                    "description": channel.hours_text,
                },
            )
            self.attribute(
                "schedule", schedule_id, "field", "timezone", value=channel.effective_timezone
            )
        if not weekly and channel.hours_text:
            self.data.add(
                "schedule",
                {
                    "id": v.hsds_id(channel_id, "schedule", "as published"),
                    "service_at_location_id": sal_id,
                    "description": channel.hours_text,
                },
            )


def str_code(country) -> str:
    return str(country.code)
