from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from resources import services
from resources.admin.filters import OpenReportFilter
from resources.models import ProblemReport


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    """Visitors' reports; the list shows the open ones unless asked otherwise."""

    list_display = ["created_at", "kind", "resource_link", "short_message", "language", "status"]
    list_filter = [OpenReportFilter, "kind", "language"]
    list_select_related = ["resource"]
    search_fields = ["message", "resource__name_en", "resource__slug"]
    date_hierarchy = "created_at"
    fields = [
        "resource_link",
        "kind",
        "message",
        "contact_email",
        "language",
        "created_at",
        "status",
        "resolved_by",
        "resolved_at",
    ]
    # Curators change the status only; the rest is what the visitor sent.
    readonly_fields = [name for name in fields if name != "status"]
    actions = ["mark_resolved"]

    @admin.display(description=_("resource"), ordering="resource__name")
    def resource_link(self, obj):
        url = reverse("admin:resources_resource_change", args=[obj.resource_id])
        return format_html('<a href="{}">{}</a>', url, obj.resource)

    @admin.display(description=_("message"))
    def short_message(self, obj):
        return obj.message if len(obj.message) <= 80 else obj.message[:79] + "…"

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            resolved = obj.status == ProblemReport.Status.RESOLVED
            obj.resolved_by = request.user if resolved else None
            obj.resolved_at = timezone.now() if resolved else None
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Mark resolved"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        reports = list(queryset.filter(status=ProblemReport.Status.OPEN))
        for report in reports:
            services.problem_report_resolve(report=report, user=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d report marked resolved.",
                "%(count)d reports marked resolved.",
                len(reports),
            )
            % {"count": len(reports)},
            messages.SUCCESS,
        )
