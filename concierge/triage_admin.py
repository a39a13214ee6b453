"""Admin for what the concierge team curates: crisis rules and saved replies; the access log."""

from django.contrib import admin

from concierge import audit
from concierge.models import AccessLog, CrisisRule, SavedReply, Ticket


class AuditedTicketAdminMixin:
    """Ticket text seen or changed in the admin is logged like on the staff pages."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, object_id)
        if obj is not None and response.status_code in (200, 302):
            action = (
                AccessLog.Action.TICKET_CHANGED
                if request.method == "POST"
                else AccessLog.Action.TICKET_VIEWED
            )
            audit.record(
                action=action,
                actor=request.user,
                ticket=obj if isinstance(obj, Ticket) else obj.ticket,
                data={"via": "admin", "model": obj._meta.model_name},
            )
        return response


@admin.register(CrisisRule)
class CrisisRuleAdmin(admin.ModelAdmin):
    list_display = ["phrase", "language", "is_active", "updated_at"]
    list_filter = ["language", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["phrase", "notes"]


@admin.register(SavedReply)
class SavedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "is_active", "updated_at"]
    list_filter = ["language", "is_active"]
    search_fields = ["title", "body"]
    readonly_fields = ["created_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is written by the application and never edited."""

    list_display = ["at", "action", "actor_username", "ticket_reference", "requester_id"]
    list_filter = ["action"]
    search_fields = ["ticket_reference", "actor_username"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
