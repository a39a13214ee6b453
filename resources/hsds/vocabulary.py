"""Identifiers and the Hub's own taxonomies in HSDS terms.

Every HSDS id is a UUID 5 derived from what identifies the thing in the Hub (a resource's
slug, a channel's kind and dial string, a topic's slug), so the same entry keeps the same id
in every export and every language, and an import can find it again.
"""

import uuid
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from resources.models import Channel, Resource

# Fixed forever: changing it would change every published id.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://backline.care/hub/hsds/")


def hsds_id(*parts: str) -> str:
    """A stable UUID for the thing named by `parts` (joined with "|")."""
    return str(uuid.uuid5(NAMESPACE, "|".join(parts)))


def service_id(slug: str) -> str:
    return hsds_id("service", slug)


def organization_id(slug: str) -> str:
    return hsds_id("organization", slug)


def own_organization_id(service_slug: str) -> str:
    """The organization of a service whose sources name no separate operator."""
    return hsds_id("service", service_slug, "organization")


def channel_id(service_slug: str, kind: str, value: str, repeat: int) -> str:
    """A channel is its kind and dial string; `repeat` counts earlier identical ones."""
    return hsds_id("channel", service_slug, kind, value, str(repeat))


def term_id(taxonomy: str, code: str) -> str:
    return hsds_id("taxonomy_term", taxonomy, code)


def taxonomy_id(taxonomy: str) -> str:
    return hsds_id("taxonomy", taxonomy)


@dataclass(frozen=True)
class Taxonomy:
    code: str
    name: object  # lazy translation
    description: object
    terms_translated: bool = True


# Attribute link_type is the taxonomy code; a term's code is "<taxonomy>:<value>" because
# HSDS requires taxonomy_term.code to be unique across all taxonomies of a dataset.
TAXONOMIES = (
    Taxonomy("type", _("Hub resource types"), _("What kind of help a resource offers.")),
    Taxonomy("topic", _("Hub topics"), _("What a resource helps with.")),
    Taxonomy("audience", _("Hub audiences"), _("Who a resource is for.")),
    Taxonomy("delivery", _("Hub delivery modes"), _("How a resource is delivered.")),
    Taxonomy("cost", _("Hub cost"), _("What using a resource costs.")),
    Taxonomy("contact_method", _("Hub contact methods"), _("How people reach a resource.")),
    Taxonomy(
        "verification",
        _("Hub verification"),
        _("Whether staff have verified an entry or it rests on its published sources."),
    ),
    Taxonomy(
        "coverage",
        _("Hub coverage"),
        _(
            "Whether a service area is a resource's home country, a country it also serves, or "
            "the world."
        ),
    ),
    Taxonomy(
        "field",
        _("Hub data fields"),
        _("Hub data that HSDS has no field for, carried in the attribute's value."),
        terms_translated=False,
    ),
)
TAXONOMY_ORDER = {taxonomy.code: i for i, taxonomy in enumerate(TAXONOMIES)}
BY_CODE = {taxonomy.code: taxonomy for taxonomy in TAXONOMIES}

DELIVERY = {
    "in_person": _("In person"),
    "online": _("Online"),
    "phone": _("By phone"),
}

COVERAGE = {
    "country": _("Home country"),
    "served": _("Also serves this country"),
    "international": _("International"),
}

# Values an attribute of the "field" taxonomy carries; names stay English (technical).
FIELDS = {
    "slug": ("Hub identifier", "The entry's permanent identifier (slug) in the Hub."),
    "source": ("Source", "A published page this entry's facts were taken from."),
    "source_seen": ("Source date", "The most recent date shown by the sources (YYYY-MM-DD)."),
    "timezone": ("Time zone", "The IANA time zone of the hours, e.g. Europe/Berlin."),
    "confidentiality": (
        "Confidentiality",
        "What stays confidential, and when emergency services may be contacted.",
    ),
    "cost_note": ("Cost of this contact method", "What using this contact method costs."),
    "e164": ("E.164 number", "The number in international E.164 form, for tel: links."),
    "short_code": ("Short code", "A national short code: dial it as published, never with +."),
}


def term_label(taxonomy: str, value: str):
    """The (lazily translated) label of a term that comes from the Hub's code, not its data."""
    labels = {
        "type": dict(Resource.Type.choices),
        "cost": dict(Resource.Cost.choices),
        "contact_method": dict(Channel.Kind.choices),
        "verification": dict(Resource.Verification.choices),
        "delivery": DELIVERY,
        "coverage": COVERAGE,
    }[taxonomy]
    return labels.get(value)


# Channel kinds reached by dialling, and the RFC 6350 phone type HSDS asks for.
PHONE_TYPES = {
    Channel.Kind.VOICE: "voice",
    Channel.Kind.SMS: "text",
    Channel.Kind.WHATSAPP: "text",
    Channel.Kind.VIDEO_RELAY: "video",
}
STATUS_TO_HSDS = {
    Resource.Status.ACTIVE: "active",
    Resource.Status.TEMPORARILY_CLOSED: "temporarily closed",
    Resource.Status.INACTIVE: "inactive",
    Resource.Status.DEFUNCT: "defunct",
}
STATUS_FROM_HSDS = {value: key for key, value in STATUS_TO_HSDS.items()}
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# HSDS's documented signal for round-the-clock hours: every day from 00:00 to 23:59.
ALL_DAY = ("00:00:00", "23:59:59")
ISO_3166_URI = "https://www.iso.org/obp/ui/#iso:code:3166:{code}"


def bcp47(language_code: str) -> str:
    """Django's lower-case language code as a BCP 47 tag: pt-br → pt-BR, zh-hans → zh-Hans."""
    primary, _sep, rest = language_code.partition("-")
    if not rest:
        return primary
    return f"{primary}-{rest.upper() if len(rest) == 2 else rest.title()}"
