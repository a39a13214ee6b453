import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline
from simple_history.admin import SimpleHistoryAdmin

from resources import services
from resources.admin.base import (
    HTTPS_URLS,
    LANGUAGES,
    CuratorTranslationAdmin,
    localized,
    missing_languages,
)
from resources.admin.base import warn as warn_curator
from resources.admin.filters import (
    CountryFilter,
    MissingTranslationFilter,
    ReviewFilter,
    UnreviewedTranslationFilter,
)
from resources.admin.forms import ApproveTranslationsForm, ScheduleReviewForm
from resources.models import Channel, ProblemReport, Resource, TranslationReview


class ChannelInline(TranslationStackedInline):
    """A resource's channels; each links to its own page where the weekly hours are edited."""

    model = Channel
    extra = 0
    formfield_overrides = HTTPS_URLS
    show_change_link = True
    autocomplete_fields = ["languages"]
    fields = [
        ("kind", "order"),
        "value",
        ("e164", "is_short_code"),
        "languages",
        ("is_24_7", "timezone"),
        "hours_text",
        "weekly_hours",
        "cost_note",
        "notes",
        "source_url",
        "warnings",
    ]
    readonly_fields = ["weekly_hours", "warnings"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("opening_periods")

    @admin.display(description=_("weekly hours"))
    def weekly_hours(self, obj):
        if not obj.pk:
            return gettext("Save first, then edit the hours on the channel's page.")
        periods = ", ".join(str(period) for period in obj.opening_periods.all())
        return format_html(
            '{} <a href="{}#opening_periods-group">{}</a>',
            periods or gettext("none entered"),
            reverse("admin:resources_channel_change", args=[obj.pk]),
            gettext("Edit hours"),
        )

    @admin.display(description=_("validation warnings"))
    def warnings(self, obj):
        return channel_warnings(obj)


def channel_warnings(channel):
    if not channel.validation_warnings:
        return "–"
    return format_html(
        '<ul class="messagelist">{}</ul>',
        format_html_join(
            "", '<li class="warning">{}</li>', ((w,) for w in channel.validation_warnings)
        ),
    )


class TranslationReviewInline(admin.TabularInline):
    """Per-language review state of the entry's text (seed drafts start unreviewed)."""

    model = TranslationReview
    extra = 0
    fields = ["language", "state", "reviewed_by", "reviewed_at"]
    readonly_fields = ["reviewed_by", "reviewed_at"]
    verbose_name_plural = _("translation reviews")


def _status_action(status: Resource.Status):
    def action(modeladmin, request, queryset):
        for resource in queryset:
            services.resource_set_status(resource=resource, status=status, user=request.user)
        modeladmin.message_user(
            request,
            ngettext(
                "Status of %(count)d entry set to “%(status)s”.",
                "Status of %(count)d entries set to “%(status)s”.",
                len(queryset),
            )
            % {"count": len(queryset), "status": status.label},
            messages.SUCCESS,
        )

    action.__name__ = f"set_status_{status.value}"
    return admin.action(
        description=format_lazy(_("Set status: {}"), status.label), permissions=["change"]
    )(action)


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin, CuratorTranslationAdmin):
    list_display = [
        "name",
        "country",
        "type",
        "status",
        "publication",
        "review_due",
        "translations",
    ]
    list_filter = [
        ReviewFilter,
        CountryFilter,
        "is_international",
        "type",
        "status",
        "publication",
        "verification",
        MissingTranslationFilter,
        UnreviewedTranslationFilter,
    ]
    list_select_related = ["country"]
    search_fields = [
        *(localized("name", language) for language in LANGUAGES),
        "local_name",
        "slug",
        "organization__name",
        "channels__value",
    ]
    search_help_text = _(
        "Name in any language, local name, organisation, or a number as published."
    )
    autocomplete_fields = ["organization", "languages"]
    filter_horizontal = ["topics", "audiences", "countries_served"]
    prepopulated_fields = {"slug": ["name_en"]}
    readonly_fields = [
        "verified_by",
        "translation_state",
        "open_reports",
        "created_at",
        "updated_at",
    ]
    inlines = [ChannelInline, TranslationReviewInline]
    fieldsets = [
        (None, {"fields": ["name", "local_name", "slug", "type", "organization", "alert"]}),
        (
            _("Status and verification"),
            {
                "fields": [
                    ("status", "publication"),
                    "verification",
                    ("verified_at", "verified_by"),
                    "next_review_due",
                    "source_url",
                    "additional_sources",
                    "source_seen",
                    "curator_notes",
                    "open_reports",
                ]
            },
        ),
        (
            _("Where"),
            {"fields": ["country", "is_international", "countries_served", "timezone"]},
        ),
        (
            _("Who and how"),
            {
                "fields": [
                    "topics",
                    "audiences",
                    "languages",
                    ("cost", "cost_note"),
                    ("offers_phone", "offers_online", "offers_in_person"),
                    "website",
                ]
            },
        ),
        (
            _("Text for visitors"),
            {
                "fields": [
                    "translation_state",
                    "description",
                    "eligibility",
                    "what_to_expect",
                    "confidentiality_note",
                ]
            },
        ),
        (_("Record"), {"fields": [("created_at", "updated_at")]}),
    ]
    actions = [
        "mark_verified",
        "schedule_review",
        *(_status_action(status) for status in Resource.Status),
        "publish",
        "unpublish",
        "approve_translations",
    ]

    def get_queryset(self, request):
        drafts = TranslationReview.objects.filter(state=TranslationReview.State.DRAFT)
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("translation_reviews", queryset=drafts, to_attr="drafts"))
            .annotate(
                open_report_count=Count(
                    "problem_reports", filter=Q(problem_reports__status=ProblemReport.Status.OPEN)
                )
            )
        )

    # Columns and read-only fields ------------------------------------------------

    @admin.display(description=_("next review"), ordering="next_review_due")
    def review_due(self, obj):
        due = obj.next_review_due
        if not obj.is_overdue_for_review():
            return due
        label = gettext("Overdue") if obj.verified_at else gettext("Never verified")
        return format_html(
            '<strong class="hub-overdue">⚠ {}</strong>{}',
            label,
            format_html("<br>{}", due) if due else "",
        )

    @admin.display(description=_("translations"))
    def translations(self, obj):
        missing = missing_languages(obj)
        drafts = sorted(review.language for review in getattr(obj, "drafts", []))
        parts = [f"{len(LANGUAGES) - len(missing)}/{len(LANGUAGES)}"]
        if missing:
            parts.append(gettext("missing: %(languages)s") % {"languages": ", ".join(missing)})
        if drafts:
            parts.append(gettext("not reviewed: %(languages)s") % {"languages": ", ".join(drafts)})
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))

    @admin.display(description=_("translation state"))
    def translation_state(self, obj):
        if not obj.pk:
            return "–"
        return self.translations(obj)

    @admin.display(description=_("open problem reports"))
    def open_reports(self, obj):
        count = getattr(obj, "open_report_count", 0)
        if not count:
            return "0"
        url = reverse("admin:resources_problemreport_changelist")
        return format_html('<a href="{}?resource__id__exact={}">{}</a>', url, obj.pk, count)

    # Saving: who verified, who reviewed a translation, and the model's warnings -------

    def save_model(self, request, obj, form, change):
        became_verified = {"verification", "verified_at"} & set(form.changed_data)
        if became_verified and obj.verification == Resource.Verification.STAFF_VERIFIED:
            obj.verified_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is TranslationReview:
            for review_form in formset.forms:
                review = review_form.instance
                if "state" in review_form.changed_data:
                    reviewed = review.state == TranslationReview.State.REVIEWED
                    review.reviewed_by = request.user if reviewed else None
                    review.reviewed_at = timezone.now() if reviewed else None
        super().save_formset(request, form, formset, change)
        if formset.model is Channel:
            saved = [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]
            for channel in saved:
                warn_curator(request, channel, channel.validation_warnings)

    # Bulk actions ---------------------------------------------------------------

    @admin.action(description=_("Mark verified today by me"), permissions=["change"])
    def mark_verified(self, request, queryset):
        days = settings.RESOURCE_REVIEW_INTERVAL_DAYS
        verified = 0
        for resource in queryset:
            try:
                services.resource_mark_verified(
                    resource=resource, user=request.user, review_in_days=days
                )
            except ValidationError as exc:
                self._refused(request, resource, exc)
            else:
                verified += 1
        if verified:
            self.message_user(
                request,
                ngettext(
                    "%(count)d entry marked verified by you; next review in %(days)d days.",
                    "%(count)d entries marked verified by you; next review in %(days)d days.",
                    verified,
                )
                % {"count": verified, "days": days},
                messages.SUCCESS,
            )

    @admin.action(description=_("Schedule review in N days…"), permissions=["change"])
    def schedule_review(self, request, queryset):
        form = ScheduleReviewForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._intermediate(request, queryset, form, "schedule_review")
        due = timezone.localdate() + datetime.timedelta(days=form.cleaned_data["days"])
        for resource in queryset:
            services.resource_schedule_review(resource=resource, due=due, user=request.user)
        self.message_user(
            request,
            ngettext(
                "Review of %(count)d entry scheduled for %(date)s.",
                "Review of %(count)d entries scheduled for %(date)s.",
                len(queryset),
            )
            % {"count": len(queryset), "date": due.isoformat()},
            messages.SUCCESS,
        )
        return None

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_publication(request, queryset, Resource.Publication.PUBLISHED)

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_publication(request, queryset, Resource.Publication.DRAFT)

    @admin.action(description=_("Approve translations…"), permissions=["change"])
    def approve_translations(self, request, queryset):
        form = ApproveTranslationsForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return self._intermediate(request, queryset, form, "approve_translations")
        languages = form.cleaned_data["languages"]
        for resource in queryset:
            for language in languages:
                services.translation_review_approve(
                    resource=resource, language=language, user=request.user
                )
        self.message_user(
            request,
            ngettext(
                "Translations (%(languages)s) of %(count)d entry approved.",
                "Translations (%(languages)s) of %(count)d entries approved.",
                len(queryset),
            )
            % {"languages": ", ".join(languages), "count": len(queryset)},
            messages.SUCCESS,
        )
        return None

    def _set_publication(self, request, queryset, publication):
        changed = 0
        for resource in queryset:
            try:
                services.resource_set_publication(
                    resource=resource, publication=publication, user=request.user
                )
            except ValidationError as exc:
                self._refused(request, resource, exc)
            else:
                changed += 1
        if changed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d entry set to “%(state)s”.",
                    "%(count)d entries set to “%(state)s”.",
                    changed,
                )
                % {"count": changed, "state": publication.label},
                messages.SUCCESS,
            )

    def _refused(self, request, resource, exc: ValidationError):
        self.message_user(
            request,
            gettext("%(resource)s was not changed: %(reason)s")
            % {"resource": resource, "reason": " ".join(exc.messages)},
            messages.ERROR,
        )

    def _intermediate(self, request, queryset, form, action: str):
        context = {
            **self.admin_site.each_context(request),
            "title": self.get_action(action)[2],
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/resources/action_form.html", context)
