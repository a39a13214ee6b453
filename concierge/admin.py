from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from concierge.models import (
    Attachment,
    InboundMessage,
    Message,
    OutboundEmail,
    Requester,
    Tag,
    Ticket,
    TicketEvent,
)

# Triage (issue 6): also registers crisis rules, saved replies and the access log.
from concierge.triage_admin import AuditedTicketAdminMixin


@admin.register(Requester)
class RequesterAdmin(admin.ModelAdmin):
    list_display = ["__str__", "preferred_language", "country", "email_failing_since"]
    list_filter = ["preferred_language", "country"]
    search_fields = ["email", "name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class MessageInline(admin.StackedInline):
    model = Message
    extra = 0
    fields = ["direction", "kind", "from_address", "subject", "body_text", "created_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False


@admin.register(Ticket)
class TicketAdmin(AuditedTicketAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "status", "priority", "is_crisis", "assignee", "created_at"]
    list_filter = ["status", "priority", "is_crisis", "source"]
    search_fields = ["reference", "subject", "requester__email"]
    raw_id_fields = ["requester", "assignee", "merged_into"]
    readonly_fields = ["reference", "created_at", "updated_at"]
    filter_horizontal = ["tags"]
    inlines = [MessageInline]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["filename", "content_type", "declared_content_type", "size", "omitted_reason"]
    readonly_fields = fields
    can_delete = False


@admin.register(Message)
class MessageAdmin(AuditedTicketAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "direction", "kind", "created_at"]
    list_filter = ["direction", "kind"]
    search_fields = ["message_id", "ticket__reference"]
    raw_id_fields = ["ticket", "author"]
    readonly_fields = ["headers", "created_at"]
    inlines = [AttachmentInline]


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "source", "state", "classification", "raw_size", "received_at"]
    list_filter = ["state", "source", "classification"]
    search_fields = ["header_message_id", "sha256", "dedup_key"]
    exclude = ["raw"]
    readonly_fields = [
        "raw_size",
        "is_truncated",
        "sha256",
        "header_message_id",
        "dedup_key",
        "source",
        "source_ref",
        "received_at",
        "state",
        "classification",
        "reason",
        "defects",
        "processed_at",
        "attempts",
        "ticket",
        "created_ticket",
        "message",
    ]
    actions = ["reprocess"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Reprocess selected quarantined or new messages"))
    def reprocess(self, request, queryset):
        from concierge.services import inbound_reprocess

        outcomes = inbound_reprocess(queryset=queryset)
        quarantined = InboundMessage.State.QUARANTINED
        processed = sum(1 for inbound in outcomes if inbound.state != quarantined)
        still = len(outcomes) - processed
        self.message_user(
            request,
            ngettext("%(count)d message reprocessed.", "%(count)d messages reprocessed.", processed)
            % {"count": processed},
            messages.SUCCESS,
        )
        if still:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message is still quarantined.",
                    "%(count)d messages are still quarantined.",
                    still,
                )
                % {"count": still},
                messages.WARNING,
            )


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "actor", "at"]
    list_filter = ["kind"]
    raw_id_fields = ["ticket", "actor"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["header_message_id", "ticket__reference"]
    raw_id_fields = ["ticket", "message"]
    readonly_fields = ["header_message_id", "attempts", "last_error", "sent_at", "created_at"]
