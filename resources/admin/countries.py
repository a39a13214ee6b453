from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from resources.admin.base import HTTPS_URLS, CuratorTranslationAdmin, warn
from resources.admin.filters import CountryFilter
from resources.models import Country, EmergencyNumber
from resources.validation import is_emergency_number


def check_emergency_number(request, number: EmergencyNumber) -> None:
    """Record whether phonenumbers lists the number; warn (never block) when it does not."""
    number.phonenumbers_agrees = is_emergency_number(number.number, str(number.country_id))
    if not number.phonenumbers_agrees:
        warn(
            request,
            number,
            [
                gettext(
                    "phonenumbers does not list %(number)s as an emergency number in "
                    "%(country)s; check it against the source."
                )
                % {"number": number.number, "country": number.country_id}
            ],
        )


class EmergencyNumberInline(TranslationTabularInline):
    model = EmergencyNumber
    extra = 0
    formfield_overrides = HTTPS_URLS
    fields = ["kind", "number", "order", "notes", "source_url", "source_seen", "verified_at"]


@admin.register(Country)
class CountryAdmin(CuratorTranslationAdmin):
    list_display = ["code", "name", "emergency", "resource_count"]
    search_fields = ["code"]
    inlines = [EmergencyNumberInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("emergency_numbers")
            .annotate(resource_count=Count("resources"))
        )

    def get_readonly_fields(self, request, obj=None):
        # The ISO code is the primary key: fixed once the country exists.
        return ["code"] if obj else []

    @admin.display(description=_("emergency numbers"))
    def emergency(self, obj):
        return ", ".join(
            f"{number.get_kind_display()} {number.number}" for number in obj.emergency_numbers.all()
        )

    @admin.display(description=_("resources"), ordering="resource_count")
    def resource_count(self, obj):
        return obj.resource_count

    def save_formset(self, request, form, formset, change):
        if formset.model is EmergencyNumber:
            for number_form in formset.forms:
                if number_form.has_changed() and "number" in number_form.cleaned_data:
                    check_emergency_number(request, number_form.instance)
        super().save_formset(request, form, formset, change)


@admin.register(EmergencyNumber)
class EmergencyNumberAdmin(SimpleHistoryAdmin, CuratorTranslationAdmin):
    """All emergency numbers in one list (edited under their country), with history."""

    list_display = ["country", "kind", "number", "phonenumbers_agrees", "verified_at"]
    list_filter = ["kind", "phonenumbers_agrees", CountryFilter]
    search_fields = ["number", "country__code"]
    readonly_fields = ["phonenumbers_agrees"]

    def save_model(self, request, obj, form, change):
        check_emergency_number(request, obj)
        super().save_model(request, obj, form, change)
