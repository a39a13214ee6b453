"""What the public pages read: emergency numbers of the country in context, the countries
the directory covers, international fallbacks and tour cards (fixed query counts)."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django_countries import countries

from resources import links
from resources.models import Channel, Country, EmergencyNumber, Resource
from resources.search import normalize

GONE = (Resource.Status.INACTIVE, Resource.Status.DEFUNCT)


def emergency_for(code: str) -> tuple[Country | None, list[EmergencyNumber]]:
    """A country's emergency numbers (and the country) in one query when it has numbers."""
    numbers = list(EmergencyNumber.objects.filter(country_id=code).select_related("country"))
    country = numbers[0].country if numbers else Country.objects.filter(code=code).first()
    return country, numbers


def grouped_numbers(numbers: list[EmergencyNumber]) -> list[dict]:
    """One entry per distinct dial string, with every kind it serves ("112: general, police")."""
    grouped: dict[str, dict] = {}
    for number in numbers:
        entry = grouped.setdefault(
            number.number,
            {
                "number": number.number,
                "uri": links.tel_uri(number.number),
                "kinds": [],
                "notes": [],
            },
        )
        entry["kinds"].append(number.get_kind_display())
        if number.notes:
            entry["notes"].append(number.notes)
    return list(grouped.values())


def emergency_context(code: str, numbers: list[EmergencyNumber]) -> dict:
    """What the emergency bar in base.html shows for the country in context."""
    return {
        "emergency_code": code,
        "emergency_country_name": countries.name(code),
        "emergency_numbers": grouped_numbers(numbers),
        "emergency_sources": list(
            dict.fromkeys(
                url for n in numbers for url in [n.source_url, *n.additional_sources] if url
            )
        ),
    }


def international_lines():
    return Resource.objects.published().international().for_listing().order_by("name_en")[:10]


def covered_countries() -> list[dict]:
    """Countries in the directory, named in the active language, with their entry counts."""
    # A count per country from the public-listing index (a join with every entry took
    # 700 ms at 100,000 entries).
    per_country = (
        Resource.objects.published()
        .filter(country=OuterRef("pk"))
        .order_by()
        .values("country")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = Country.objects.annotate(entries=Coalesce(Subquery(per_country), 0)).values_list(
        "code", "entries"
    )
    found = [{"code": code, "name": countries.name(code), "entries": n} for code, n in rows]
    return sorted(found, key=lambda c: normalize(c["name"]))


def likely_countries(request: HttpRequest, known: set[str]) -> list[str]:
    """Regions named in Accept-Language (en-GB → GB), best first, that the directory covers."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    found: list[str] = []
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:500]
    for tag, _quality in parse_accept_lang_header(header):
        for subtag in tag.split("-")[1:]:
            code = subtag.upper()
            if len(code) == 2 and code.isalpha() and code in known and code not in found:
                found.append(code)
    return found[:3]


def tour_cards(codes: list[str]) -> list[dict]:
    """Per country: emergency numbers and lines with a 24/7 phone channel (4 queries)."""
    numbers: dict[str, list] = {code: [] for code in codes}
    notes: dict[str, str] = {}
    for number in EmergencyNumber.objects.filter(country_id__in=codes).select_related("country"):
        numbers[number.country_id].append(number)
        notes[number.country_id] = number.country.emergency_notes
    always = Channel.objects.filter(is_24_7=True, kind__in=Channel.DIALLED).order_by("order", "pk")
    lines: dict[str, list] = {code: [] for code in codes}
    for resource in (
        Resource.objects.published()
        .filter(country_id__in=codes, type__in=[Resource.Type.CRISIS_LINE, Resource.Type.HELPLINE])
        .filter(Exists(always.filter(resource=OuterRef("pk"))))
        .prefetch_related(Prefetch("channels", queryset=always, to_attr="always_channels"))
        .order_by("type", "name_en")
    ):
        lines[resource.country_id].append(resource)
    return [
        {
            "code": code,
            "name": countries.name(code),
            "numbers": grouped_numbers(numbers[code]),
            "notes": notes.get(code, ""),
            "lines": lines[code],
        }
        for code in codes
    ]
