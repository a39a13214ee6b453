"""Triage workspace models (issue 6): crisis rules, saved replies and the access log.

Imported at the end of `concierge.models`, so Django registers them with the app.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _


class CrisisRuleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class CrisisRule(models.Model):
    """A phrase that, found in an inbound message, lifts its ticket to urgent.

    Every active rule is checked against every message, whatever its language: people
    often write in a language other than the one they chose. `language` says which
    language the phrase is in, for curation and for the crisis panel.
    """

    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    phrase = models.CharField(
        _("phrase"),
        max_length=200,
        help_text=_(
            "Words to look for, ignoring case, accents and spacing. End with * to match any "
            "ending (suicid* matches suicide and suicidal). In Chinese, Japanese, Korean and "
            "Arabic the phrase may also sit inside a longer word."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CrisisRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("crisis rule")
        verbose_name_plural = _("crisis rules")
        ordering = ["language", "phrase"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "phrase"], name="concierge_crisis_rule_unique_phrase"
            ),
            models.CheckConstraint(
                condition=~models.Q(phrase=""), name="concierge_crisis_rule_phrase_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.language}] {self.phrase}"

    def clean(self) -> None:
        from concierge.crisis import normalise

        stripped = self.phrase.strip().rstrip("*")
        if not normalise(stripped).strip():
            raise ValidationError({"phrase": _("Enter at least one letter.")})
        if "*" in stripped:
            raise ValidationError({"phrase": _("Use * only at the end of the phrase.")})


class SavedReplyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_language(self, code: str):
        return self.filter(language=code)

    def language_first(self, code: str):
        """Replies in `code` first, then the others by language; each by title."""
        other_language = Case(
            When(language=code, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
        return self.alias(other_language=other_language).order_by(
            "other_language", "language", "title"
        )


class SavedReply(models.Model):
    """A reply text staff can start from; placeholders like {{ name }} are filled in."""

    title = models.CharField(_("title"), max_length=120)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {{ name }} (requester's name), {{ reference }} (ticket reference), "
            "{{ staff_name }} (your name)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SavedReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("saved reply")
        verbose_name_plural = _("saved replies")
        ordering = ["language", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "title"], name="concierge_saved_reply_unique_title"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.language}] {self.title}"

    def clean(self) -> None:
        from concierge.placeholders import unknown_placeholders

        unknown = unknown_placeholders(self.body)
        if unknown:
            raise ValidationError(
                {
                    "body": _("Unknown placeholders: %(names)s")
                    % {"names": ", ".join(f"{{{{ {name} }}}}" for name in unknown)}
                }
            )


class AccessLog(models.Model):
    """Who looked at or changed what, and when; never personal text, and never deleted.

    Rows keep the ticket reference and requester id as plain values, not foreign keys,
    so they outlive the purge and erase of the data they describe.
    """

    class Action(models.TextChoices):
        TICKET_VIEWED = "ticket_viewed", _("Ticket viewed")
        TICKET_CHANGED = "ticket_changed", _("Ticket changed")
        REPLY_QUEUED = "reply_queued", _("Reply queued")
        NOTE_ADDED = "note_added", _("Internal note added")
        MERGED = "merged", _("Tickets merged")
        CRISIS_FLAGGED = "crisis_flagged", _("Crisis rule matched")
        ATTACHMENT_DOWNLOADED = "attachment_downloaded", _("Attachment downloaded")
        REQUESTER_VIEWED = "requester_viewed", _("Requester viewed")
        REQUESTER_EXPORTED = "requester_exported", _("Requester data exported")
        REQUESTER_ERASED = "requester_erased", _("Requester data erased")
        TICKET_PURGED = "ticket_purged", _("Ticket purged")

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_username = models.CharField(
        _("actor's username"),
        max_length=150,
        blank=True,
        help_text=_("Kept in case the user account is later deleted; empty for the system."),
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    ticket_id = models.PositiveBigIntegerField(_("ticket id"), null=True, blank=True, db_index=True)
    ticket_reference = models.CharField(_("ticket reference"), max_length=20, blank=True)
    requester_id = models.PositiveBigIntegerField(
        _("requester id"), null=True, blank=True, db_index=True
    )
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.ticket_reference} by {self.actor_username}"
