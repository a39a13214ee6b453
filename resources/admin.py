"""Minimal registrations; the curators' admin is built on top of these."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from resources.models import (
    Audience,
    Channel,
    Country,
    EmergencyNumber,
    Language,
    Organization,
    ProblemReport,
    Resource,
    Topic,
)


class CountryListFilter(admin.SimpleListFilter):
    # Country's primary key is a django-countries field whose values are not plain
    # strings, which the stock related-field filter cannot put into a query string.
    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        return [(str(c.code), c.name) for c in Country.objects.all()]

    def queryset(self, request, queryset):
        return queryset.filter(country_id=self.value()) if self.value() else queryset


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["name", "country", "type", "status", "publication", "verification"]
    list_filter = ["publication", "status", "type", "verification", CountryListFilter]
    search_fields = ["name", "slug", "local_name"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Channel)
class ChannelAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["value", "kind", "resource", "is_short_code", "is_24_7"]
    list_filter = ["kind"]
    search_fields = ["value", "resource__name"]


@admin.register(EmergencyNumber)
class EmergencyNumberAdmin(SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["country", "kind", "number", "phonenumbers_agrees"]
    list_filter = ["kind", "phonenumbers_agrees"]


@admin.register(Country)
class CountryAdmin(TranslationAdmin):
    list_display = ["code", "name"]


@admin.register(Topic, Audience)
class TermAdmin(TranslationAdmin):
    list_display = ["slug", "label"]


@admin.register(Language)
class LanguageAdmin(TranslationAdmin):
    list_display = ["code", "label"]
    search_fields = ["code", "label"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["resource", "kind", "status", "created_at"]
    list_filter = ["status", "kind"]
