"""Public directory pages: thin views over ResourceQuerySet, the FilterSets and forms.

Every page runs a fixed number of queries whatever the size of the directory (lists are
paginated and their channels and languages prefetched; "open now" is one query).
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_countries import countries

from resources import links
from resources.caching import public_page
from resources.filters import ResourceFilterSet, SearchFilterSet
from resources.forms import CountryFindForm, ProblemReportForm, TourForm
from resources.jsonld import resource_json_ld
from resources.models import Channel, Country, EmergencyNumber, Language, Resource
from resources.models.resources import language_matches
from resources.search import normalize
from resources.worldmap import map_context

PAGE_SIZE = 40
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


@public_page(vary_on_accept_language=True)
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    covered = covered_countries()
    codes = {c["code"] for c in covered}
    form = CountryFindForm(request.GET or None)
    listed = covered
    needle = ""
    if form.is_valid() and form.cleaned_data["country"].strip():
        needle = normalize(form.cleaned_data["country"].strip())
        with translation.override("en"):
            english = {c["code"]: normalize(countries.name(c["code"])) for c in covered}
        listed = [
            c
            for c in covered
            if needle in normalize(c["name"])
            or needle in english[c["code"]]
            or needle == c["code"].lower()
        ]
    likely = likely_countries(request, codes)
    context = {
        "find_form": form,
        "countries": listed,
        "country_search": needle,
        "likely": [c for code in likely for c in covered if c["code"] == code],
        **map_context(
            {c["code"]: c for c in covered},
            lambda code: reverse("resources:country", kwargs={"code": code.lower()}),
        ),
        "languages": Language.objects.filter(
            Exists(Resource.languages.through.objects.filter(language=OuterRef("pk")))
        ).order_by("label", "code"),
        "concierge_url": links.concierge_url(),
    }
    if likely:
        _country, numbers = emergency_for(likely[0])
        context.update(emergency_context(likely[0], numbers))
    status = 400 if form.is_bound and not form.is_valid() else 200
    response = render(request, "resources/home.html", context, status=status)
    patch_vary_headers(response, ["Accept-Language"])  # the suggested country comes from it
    return response


def open_on(page) -> set[int]:
    """The listed entries open now: FilterSet.order() annotated each one with `is_open`."""
    return {resource.pk for resource in page.object_list if resource.is_open}


def _paginate(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@public_page
@require_safe
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    if code != code.lower():
        return redirect("resources:country", code=code.lower(), permanent=True)
    upper = code.upper()
    if upper not in countries:
        raise Http404("unknown country code")
    country, numbers = emergency_for(upper)
    filterset = ResourceFilterSet(
        request.GET, queryset=Resource.objects.published().for_country(upper), request=request
    )
    page = _paginate(request, filterset.qs.for_listing())
    context = {
        "code": upper,
        "country": country,
        "country_name": countries.name(upper),
        "numbers": numbers,
        "filter": filterset,
        "page_obj": page,
        "open_ids": open_on(page),
        "concierge_url": links.concierge_url(),
        "page_description": _(
            "Emergency numbers, crisis lines and mental-health support in %(country)s, "
            "including services for people who work in music."
        )
        % {"country": countries.name(upper)},
        **emergency_context(upper, numbers),
    }
    if not page.object_list:
        context["international"] = international_lines()
    return render(
        request,
        "resources/country_detail.html",
        context,
        status=400 if filterset.errors else 200,
    )


@public_page
@require_safe
def language_detail(request: HttpRequest, code: str) -> HttpResponse:
    matches = list(Language.objects.filter(language_matches(code)))
    if not matches:
        raise Http404("no service lists this language")
    language = next((m for m in matches if m.code.lower() == code.lower()), matches[0])
    resources = Resource.objects.published().speaking(code)
    in_countries = sorted(
        {c for c in resources.order_by().values_list("country_id", flat=True).distinct() if c},
        key=lambda c: normalize(countries.name(c)),
    )
    country = request.GET.get("country", "").upper()
    if country and country not in in_countries:
        country = ""
    if country:
        resources = resources.for_country(country)
    filterset = ResourceFilterSet({"sort": "recommended"}, queryset=resources)
    ordered = filterset.qs.order_by(
        F("country_id").asc(nulls_last=True), "type_rank", "-has_24_7", "sort_name", "pk"
    )
    page = _paginate(request, ordered.for_listing())
    context = {
        "language": language,
        "code": code,
        "page_obj": page,
        "open_ids": open_on(page),
        "in_countries": [(c, countries.name(c)) for c in in_countries],
        "selected_country": country,
        "concierge_url": links.concierge_url(),
        "page_description": _(
            "Crisis lines and mental-health services whose staff speak %(language)s, by country."
        )
        % {"language": language.label},
    }
    if not page.object_list:
        context["international"] = international_lines()
    return render(request, "resources/language_detail.html", context)


def _entry_queryset():
    channels = Channel.objects.order_by("order", "pk").prefetch_related(
        "opening_periods", "languages"
    )
    return (
        Resource.objects.filter(publication=Resource.Publication.PUBLISHED)
        .select_related("organization")
        .prefetch_related(
            Prefetch("channels", queryset=channels), "languages", "topics", "audiences"
        )
    )


@public_page
@require_safe
def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resource = get_object_or_404(_entry_queryset(), slug=slug)
    channels = list(resource.channels.all())
    context = {
        "resource": resource,
        "channels": channels,
        "gone": resource.status in GONE,
        "json_ld": resource_json_ld(resource, channels, request.path),
        "concierge_url": links.concierge_url(),
        "sources": resource.sources,
        "page_description": Truncator(resource.description).chars(160),
        "noindex": resource.status in GONE,
    }
    if resource.country_id:
        _country, numbers = emergency_for(resource.country_id)
        context.update(emergency_context(resource.country_id, numbers))
    # A closed service stays findable for people with an old link, but search engines drop it.
    status = 410 if context["gone"] else 200
    return render(request, "resources/resource_detail.html", context, status=status)


def _reportable(slug: str) -> Resource:
    return get_object_or_404(
        Resource.objects.filter(publication=Resource.Publication.PUBLISHED), slug=slug
    )


@require_http_methods(["GET", "HEAD", "POST"])
def problem_report(request: HttpRequest, slug: str) -> HttpResponse:
    resource = _reportable(slug)
    form = ProblemReportForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        report = form.save(commit=False)
        report.resource = resource
        report.language = get_language()
        report.save()
        return redirect("resources:report_thanks", slug=resource.slug)
    context = {"resource": resource, "form": form, "noindex": True}
    if resource.country_id:
        _country, numbers = emergency_for(resource.country_id)
        context.update(emergency_context(resource.country_id, numbers))
    status = 400 if form.is_bound else 200
    return render(request, "resources/problem_report.html", context, status=status)


@require_safe
def problem_report_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    resource = _reportable(slug)
    context = {"resource": resource, "concierge_url": links.concierge_url(), "noindex": True}
    if resource.country_id:
        _country, numbers = emergency_for(resource.country_id)
        context.update(emergency_context(resource.country_id, numbers))
    return render(request, "resources/problem_report_thanks.html", context)


@public_page
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    filterset = SearchFilterSet(request.GET, queryset=Resource.objects.published(), request=request)
    page = None
    context: dict = {
        "filter": filterset,
        "concierge_url": links.concierge_url(),
        "noindex": True,  # endless combinations of words and filters; robots.txt agrees
    }
    if filterset.is_filtered:
        page = _paginate(request, filterset.qs.for_listing())
        context["open_ids"] = open_on(page)
        if not page.object_list:
            context["international"] = international_lines()
    context["page_obj"] = page
    country = filterset.form.cleaned_data.get("country") if filterset.form.is_valid() else None
    if country:
        _country, numbers = emergency_for(country)
        context.update(emergency_context(country, numbers))
    return render(
        request, "resources/search.html", context, status=400 if filterset.errors else 200
    )


@public_page
@require_safe
def tour(request: HttpRequest) -> HttpResponse:
    choices = [(c["code"], c["name"]) for c in covered_countries()]
    data = None
    if "c" in request.GET:
        data = request.GET.copy()
        data.setlist("c", [value.strip().upper() for value in request.GET.getlist("c")])
    form = TourForm(data, choices=choices)
    cards = []
    if form.is_bound and form.is_valid():
        cards = tour_cards(form.cleaned_data["c"])
    context = {
        "form": form,
        "cards": cards,
        "concierge_url": links.concierge_url(),
        "page_description": _(
            "One printable page with the emergency numbers and 24/7 lines of every country "
            "on your tour."
        ),
    }
    return render(request, "resources/tour.html", context, status=400 if form.errors else 200)


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
            "numbers": numbers[code],
            "notes": notes.get(code, ""),
            "lines": lines[code],
        }
        for code in codes
    ]


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        *(f"Disallow: /{code}/search/" for code in settings.LANGUAGE_CODES),
        *(f"Disallow: /{code}/resources/*/report/" for code in settings.LANGUAGE_CODES),
        "Allow: /",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
