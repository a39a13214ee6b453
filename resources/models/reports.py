from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProblemReport(models.Model):
    """A visitor's report that an entry is wrong; it goes to the curators."""

    class Kind(models.TextChoices):
        WRONG_NUMBER = "wrong_number", _("A number or address is wrong")
        WRONG_HOURS = "wrong_hours", _("The hours are wrong")
        CLOSED = "closed", _("The service has closed")
        LANGUAGE = "language", _("The languages are wrong")
        TRANSLATION = "translation", _("The translation is wrong")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    resource = models.ForeignKey(
        "resources.Resource",
        on_delete=models.CASCADE,
        related_name="problem_reports",
        verbose_name=_("resource"),
    )
    kind = models.CharField(_("problem"), max_length=20, choices=Kind.choices)
    message = models.TextField(_("message"), max_length=5000, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    language = models.CharField(
        _("language of the page"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        indexes = [models.Index(fields=["status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(resolved_at__isnull=False),
                name="problem_report_resolved_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.resource}"
