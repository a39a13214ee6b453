import datetime

from django.conf import settings
from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from resources.admin.base import missing_translation_q
from resources.models import OpeningPeriod, TranslationReview

OTHER_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES if code != "en"]


class CountryFilter(admin.SimpleListFilter):
    """Countries that have entries, by name (the related-field filter cannot handle
    django-countries' primary key), plus entries without a country."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = (
            model_admin.model.objects.exclude(country=None)
            .values_list("country_id", flat=True)
            .distinct()
            .order_by()
        )
        choices = sorted(((str(code), countries.name(code)) for code in codes), key=lambda c: c[1])
        if model_admin.model._meta.get_field("country").null:
            choices.append(("none", _("No country (international)")))
        return choices

    def queryset(self, request, queryset):
        match self.value():
            case None:
                return queryset
            case "none":
                return queryset.filter(country__isnull=True)
            case code:
                return queryset.filter(country_id=code.upper())


class ReviewFilter(admin.SimpleListFilter):
    """Verification state; `?review=overdue` is the curators' "overdue for review" list."""

    title = _("review")
    parameter_name = "review"
    SOON_DAYS = 30

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue for review")),
            ("soon", _("Due within 30 days")),
            ("never", _("Never verified by staff")),
            ("current", _("Up to date")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "overdue":
                return queryset.overdue_for_review(today)
            case "soon":
                soon = today + datetime.timedelta(days=self.SOON_DAYS)
                return queryset.exclude(pk__in=queryset.overdue_for_review(today)).filter(
                    next_review_due__lte=soon
                )
            case "never":
                return queryset.filter(verified_at__isnull=True)
            case "current":
                return queryset.exclude(pk__in=queryset.overdue_for_review(today))
        return queryset


class MissingTranslationFilter(admin.SimpleListFilter):
    """Entries with English text that has no translation in the chosen language."""

    title = _("missing translation")
    parameter_name = "missing_translation"

    def lookups(self, request, model_admin):
        return OTHER_LANGUAGES

    def queryset(self, request, queryset):
        if self.value() in dict(OTHER_LANGUAGES):
            return queryset.filter(missing_translation_q(queryset.model, self.value()))
        return queryset


class UnreviewedTranslationFilter(admin.SimpleListFilter):
    """Entries whose (machine-drafted) text in a language no curator has approved yet."""

    title = _("translation not yet reviewed")
    parameter_name = "unreviewed_translation"

    def lookups(self, request, model_admin):
        return OTHER_LANGUAGES

    def queryset(self, request, queryset):
        if self.value() in dict(OTHER_LANGUAGES):
            drafts = TranslationReview.objects.filter(
                resource=OuterRef("pk"),
                language=self.value(),
                state=TranslationReview.State.DRAFT,
            )
            return queryset.filter(Exists(drafts))
        return queryset


class HoursFilter(admin.SimpleListFilter):
    title = _("hours")
    parameter_name = "hours"

    def lookups(self, request, model_admin):
        return [
            ("to_structure", _("Published text to structure")),
            ("24_7", _("Open 24/7")),
            ("periods", _("Weekly periods")),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "to_structure":
                return queryset.hours_unstructured()
            case "24_7":
                return queryset.filter(is_24_7=True)
            case "periods":
                periods = OpeningPeriod.objects.filter(channel=OuterRef("pk"))
                return queryset.filter(Exists(periods), is_24_7=False)
        return queryset


class WarningsFilter(admin.SimpleListFilter):
    title = _("validation warnings")
    parameter_name = "warnings"

    def lookups(self, request, model_admin):
        return [("yes", _("With warnings")), ("no", _("Without warnings"))]

    def queryset(self, request, queryset):
        # An empty JSON list, compared portably on SQLite and PostgreSQL.
        match self.value():
            case "yes":
                return queryset.exclude(validation_warnings=[])
            case "no":
                return queryset.filter(validation_warnings=[])
        return queryset


class OpenReportFilter(admin.SimpleListFilter):
    """Problem reports: open ones unless the curator asks for the others."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("resolved", _("Resolved")), ("all", _("All"))]

    def choices(self, changelist):
        value = self.value()
        yield {
            "selected": value in (None, "open"),
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Open"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        match self.value():
            case "all":
                return queryset
            case "resolved":
                return queryset.filter(status="resolved")
        return queryset.filter(status="open")
