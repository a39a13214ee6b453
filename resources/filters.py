"""The directory's filters and sort orders, as plain GET forms that work without JavaScript."""

from functools import partial

import django_filters
from django import forms
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from modeltranslation.utils import build_localized_fieldname

from resources import search, sql
from resources.models import Audience, Channel, Country, Language, Resource, Topic
from resources.search import normalize

# Sections of a country page, in this order: crisis lines first, then the rest by type.
TYPE_ORDER = [
    Resource.Type.CRISIS_LINE,
    Resource.Type.HELPLINE,
    Resource.Type.COUNSELLING,
    Resource.Type.SUPPORT_GROUP,
    Resource.Type.CLINIC,
    Resource.Type.THERAPY_FUND,
    Resource.Type.GRANT,
    Resource.Type.PROGRAM,
    Resource.Type.APP,
    Resource.Type.GUIDE,
]
MUSIC_AUDIENCES = ["music_industry", "artists", "crew", "songwriters", "industry_staff"]
CONTACT_CHOICES = [(kind.value, kind.label) for kind in Channel.Kind if kind != Channel.Kind.WEB]
DELIVERY_CHOICES = [
    ("in_person", _("In person")),
    ("online", _("Online")),
    ("phone", _("By phone")),
]
DELIVERY_FIELDS = {
    "in_person": "offers_in_person",
    "online": "offers_online",
    "phone": "offers_phone",
}
SORT_CHOICES = [
    ("recommended", _("Recommended")),
    ("open", _("Open now first")),
    ("name", _("A–Z")),
    ("verified", _("Recently verified")),
]


def localized(field: str) -> F:
    """The field in the active language, falling back to English when it is empty."""
    current = build_localized_fieldname(field, get_language() or "en")
    english = build_localized_fieldname(field, "en")
    if current == english:
        return F(english)
    text = CharField()  # translation fields are distinct classes; say what the result is
    return Coalesce(NullIf(F(current), Value(""), output_field=text), F(english), output_field=text)


class FilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ResourceFilterSet(django_filters.FilterSet):
    """Filters for a country's entries; `order()` puts crisis lines, 24/7 and open lines first."""

    grouped = True  # a country page shows sections by type, so type is the first sort key

    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=Resource.Type.choices, empty_label=_("Any type")
    )
    topic = django_filters.ChoiceFilter(
        label=_("Topic"), field_name="topics__slug", empty_label=_("Any topic")
    )
    contact = django_filters.ChoiceFilter(
        label=_("Contact method"),
        choices=CONTACT_CHOICES,
        method="filter_contact",
        empty_label=_("Any way"),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language spoken"), method="filter_language", empty_label=_("Any language")
    )
    cost = django_filters.ChoiceFilter(
        label=_("Cost"), choices=Resource.Cost.choices, empty_label=_("Any cost")
    )
    audience = django_filters.ChoiceFilter(
        label=_("For"), field_name="audiences__slug", empty_label=_("Anyone")
    )
    delivery = django_filters.ChoiceFilter(
        label=_("Delivery"),
        choices=DELIVERY_CHOICES,
        method="filter_delivery",
        empty_label=_("Any delivery"),
    )
    open_now = django_filters.BooleanFilter(
        label=_("Open now"), widget=forms.CheckboxInput, method="filter_open_now"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="keep", empty_label=None
    )

    class Meta:
        model = Resource
        fields: list[str] = []
        form = FilterForm

    term_filters = ("topic", "audience", "language")

    def __init__(self, *args, at=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.at = at or timezone.now()
        self._open_ids: set[int] | None = None
        terms = TermChoices(self.term_filters)
        for name in self.term_filters:
            self.filters[name].extra["choices"] = terms.lazy(name)

    def open_ids(self, queryset=None) -> set[int]:
        """Entries open now; computed once per request, on the first queryset that needs it."""
        if self._open_ids is None:
            base = queryset if queryset is not None else self.queryset
            self._open_ids = base.open_ids(self.at)
        return self._open_ids

    @property
    def is_filtered(self) -> bool:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return any(value for name, value in data.items() if name != "sort")

    @property
    def has_other_filters(self) -> bool:
        """Filters other than the search words are set (the search page opens its panel)."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return any(value for name, value in data.items() if name not in ("sort", "q"))

    def keep(self, queryset, name, value):
        return queryset  # sorting happens in order(), after every filter

    def filter_contact(self, queryset, name, value):
        return queryset.with_channel(value)

    def filter_language(self, queryset, name, value):
        return queryset.speaking(value)

    def filter_delivery(self, queryset, name, value):
        return queryset.filter(**{DELIVERY_FIELDS[value]: True})

    def filter_open_now(self, queryset, name, value):
        if not value:
            return queryset
        if connection.vendor == "postgresql":
            return queryset.filter(sql.open_now(self.at))
        return queryset.filter(pk__in=self.open_ids(queryset))

    def filter_queryset(self, queryset):
        return self.order(super().filter_queryset(queryset))

    @property
    def sort_value(self) -> str:
        data = self.form.cleaned_data if hasattr(self.form, "cleaned_data") else {}
        return data.get("sort") or "recommended"

    def order(self, queryset):
        if connection.vendor == "postgresql":
            is_open = sql.open_now_flag(self.at)  # per listed row, in the database
        else:
            is_open = Case(When(pk__in=list(self.open_ids(queryset)), then=True), default=False)
        queryset = queryset.annotate(
            is_open=is_open,
            has_24_7=Exists(Channel.objects.filter(resource=OuterRef("pk"), is_24_7=True)),
            type_rank=Case(
                *(When(type=kind, then=Value(rank)) for rank, kind in enumerate(TYPE_ORDER)),
                default=Value(len(TYPE_ORDER)),
                output_field=IntegerField(),
            ),
            sort_name=Lower(localized("name")),
            for_music=Exists(
                Resource.audiences.through.objects.filter(
                    resource=OuterRef("pk"), audience__slug__in=MUSIC_AUDIENCES
                )
            ),
        )
        keys = ["type_rank"] if self.grouped else []
        sort = self.sort_value
        if sort == "open":
            keys += ["-is_open", "-has_24_7", "sort_name"]
        elif sort == "name":
            keys += ["sort_name"]
        elif sort == "verified":
            keys += [
                F("verified_at").desc(nulls_last=True),
                F("source_seen").desc(nulls_last=True),
                "sort_name",
            ]
        else:
            keys += self.recommended(queryset)
        return queryset.order_by(*keys, "pk")

    def recommended(self, queryset) -> list:
        return ["-has_24_7", "-is_open", "-for_music", "sort_name"]


class TermChoices:
    """Choices of the filters backed by tables, read in one query when first needed.

    Callable choices are only evaluated when the form is shown or a value is checked, so a
    FilterSet used just for ordering costs nothing. Forms deep-copy their fields; the
    callables are shared, not copied, so all fields still share the one query.
    """

    def __init__(self, kinds: tuple[str, ...] = ("topic", "audience", "language", "country")):
        self.kinds = kinds
        self.loaded: dict[str, list[tuple[str, str]]] | None = None

    def get(self, kind: str) -> list[tuple[str, str]]:
        if self.loaded is None:
            self.loaded = term_choices(self.kinds)
        return self.loaded.get(kind, [])

    def lazy(self, kind: str):
        return _Lazy(partial(self.get, kind))


class _Lazy:
    def __init__(self, function) -> None:
        self.function = function

    def __call__(self):
        return self.function()

    def __deepcopy__(self, memo):
        return self


def term_choices(
    kinds: tuple[str, ...] = ("topic", "audience", "language", "country"),
) -> dict[str, list[tuple[str, str]]]:
    """Topics, audiences, languages and covered countries for the filters, in one query.

    Labels are in the active language, falling back to English like the entries themselves.
    """
    language = get_language() or "en"
    current = build_localized_fieldname("label", language)
    text = CharField()
    columns = ("t_kind", "t_key", "t_label", "t_fallback", "t_order")

    # Every part selects the same aliases, so UNION ALL lines the columns up.
    def rows(queryset, kind: str, key, label, fallback, order):
        return (
            queryset.order_by()
            .annotate(
                t_kind=Value(kind, output_field=text),
                t_key=key,
                t_label=label,
                t_fallback=fallback,
                t_order=order,
            )
            .values_list(*columns)
        )

    blank = Value("", output_field=text)
    parts = {
        "topic": lambda: rows(
            Topic.objects, "topic", F("slug"), F(current), F("label_en"), F("order")
        ),
        "audience": lambda: rows(
            Audience.objects, "audience", F("slug"), F(current), F("label_en"), F("order")
        ),
        "language": lambda: rows(
            Language.objects,
            "language",
            F("code"),
            F(current),
            F("label_en"),
            Value(0, output_field=IntegerField()),
        ),
        # Only where a country filter is shown: naming every country costs a few ms.
        "country": lambda: rows(Country.objects, "country", F("code"), blank, blank, Value(0)),
    }
    first, *others = [parts[kind]() for kind in parts if kind in kinds]
    combined = first.union(*others, all=True)
    found: dict[str, list[tuple]] = {}
    for kind, key, label, fallback, order in combined:
        name = countries.name(key) if kind == "country" else (label or fallback or key)
        found.setdefault(kind, []).append((order, normalize(name), key, name))
    return {
        kind: [(key, name) for _order, _sort, key, name in sorted(items)]
        for kind, items in found.items()
    }


class SearchFilterSet(ResourceFilterSet):
    """The same filters over the whole directory, plus words and a country; one ranked list."""

    grouped = False
    term_filters = ("topic", "audience", "language", "country")

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=search.MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "enterkeyhint": "search"}),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), method="filter_country", empty_label=_("Any country")
    )

    class Meta(ResourceFilterSet.Meta):
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Words first: every other filter then narrows the (small) set of matches.
        self.filters = {"q": self.filters.pop("q"), **self.filters}

    def filter_search(self, queryset, name, value):
        return search.search(queryset, value)

    def filter_country(self, queryset, name, value):
        return queryset.for_country(value)

    def recommended(self, queryset) -> list:
        if "search_rank" in queryset.query.annotations:
            return ["-search_rank", *super().recommended(queryset)]
        return super().recommended(queryset)
