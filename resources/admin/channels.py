from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from resources.admin.base import LANGUAGES, CuratorTranslationAdmin, localized, warn
from resources.admin.filters import HoursFilter, WarningsFilter
from resources.admin.resources import channel_warnings
from resources.models import Channel, OpeningPeriod


class OpeningPeriodInline(admin.TabularInline):
    model = OpeningPeriod
    extra = 1
    fields = ["weekday", "opens", "closes"]


@admin.register(Channel)
class ChannelAdmin(SimpleHistoryAdmin, CuratorTranslationAdmin):
    """A channel on its own page, where its weekly opening periods are edited."""

    list_display = ["value", "kind", "resource_link", "is_short_code", "hours", "has_warnings"]
    list_filter = ["kind", HoursFilter, WarningsFilter, "is_short_code"]
    list_select_related = ["resource"]
    search_fields = [
        "value",
        "e164",
        *(f"resource__{localized('name', language)}" for language in LANGUAGES),
    ]
    autocomplete_fields = ["resource", "languages"]
    readonly_fields = ["warnings"]
    inlines = [OpeningPeriodInline]
    fieldsets = [
        (None, {"fields": ["resource", ("kind", "order"), "value", ("e164", "is_short_code")]}),
        (
            _("Hours"),
            {
                "fields": ["is_24_7", "timezone", "hours_text"],
                "description": _(
                    "Enter the weekly periods below in the channel's time zone (or the "
                    "resource's); while there are none, the published text is shown and "
                    "“open now” stays unknown."
                ),
            },
        ),
        (None, {"fields": ["languages", "cost_note", "notes", "source_url", "warnings"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("opening_periods")

    @admin.display(description=_("resource"), ordering="resource__name")
    def resource_link(self, obj):
        url = reverse("admin:resources_resource_change", args=[obj.resource_id])
        return format_html('<a href="{}">{}</a>', url, obj.resource)

    @admin.display(description=_("hours"))
    def hours(self, obj):
        if obj.is_24_7:
            return gettext("24/7")
        periods = ", ".join(str(period) for period in obj.opening_periods.all())
        if periods:
            return periods
        if obj.hours_text:
            return format_html("{} ({})", obj.hours_text, gettext("to structure"))
        return gettext("unknown")

    @admin.display(description=_("warnings"), boolean=True)
    def has_warnings(self, obj):
        return bool(obj.validation_warnings)

    @admin.display(description=_("validation warnings"))
    def warnings(self, obj):
        return channel_warnings(obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        warn(request, obj, obj.validation_warnings)
