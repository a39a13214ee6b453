"""Public directory pages: thin views over ResourceQuerySet, the FilterSets and forms.

Every page runs a fixed number of queries whatever the size of the directory (lists are
paginated and their channels and languages prefetched; "open now" is one query).
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch
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

from resources.caching import public_page
from resources.directory import (
    GONE,
    covered_countries,
    emergency_context,
    emergency_for,
    international_lines,
    likely_countries,
    tour_cards,
)
from resources.filters import ResourceFilterSet, SearchFilterSet
from resources.forms import CountryFindForm, ProblemReportForm, TourForm
from resources.jsonld import resource_json_ld
from resources.models import Channel, Language, Resource
from resources.models.resources import language_matches
from resources.search import normalize
from resources.worldmap import map_context

PAGE_SIZE = 40


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
    response = render(request, "resources/problem_report.html", context, status=status)
    # With the site-wide "no-referrer", browsers send `Origin: null` on form posts and
    # Django's CSRF check refuses them; same-origin keeps the origin for our own forms only.
    response["Referrer-Policy"] = "same-origin"
    return response


@require_safe
def problem_report_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    resource = _reportable(slug)
    context = {"resource": resource, "noindex": True}
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
        "page_description": _(
            "One printable page with the emergency numbers and 24/7 lines of every country "
            "on your tour."
        ),
    }
    return render(request, "resources/tour.html", context, status=400 if form.errors else 200)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        # The admin's path is configurable so that it is not advertised: not listed here.
        *(f"Disallow: /{code}/search/" for code in settings.LANGUAGE_CODES),
        *(f"Disallow: /{code}/resources/*/report/" for code in settings.LANGUAGE_CODES),
        "Allow: /",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
