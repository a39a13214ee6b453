from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Country(models.Model):
    """A country the directory covers; its name is translated by django-countries."""

    code = CountryField(_("country"), primary_key=True)
    emergency_notes = models.TextField(
        _("emergency notes"),
        blank=True,
        help_text=_("Shown with the emergency numbers, e.g. which number to use for what."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return str(self.code.name)

    def get_absolute_url(self) -> str:
        return reverse("resources:country", kwargs={"code": self.code.code.lower()})

    @property
    def name(self) -> str:
        return str(self.code.name)


class EmergencyNumber(models.Model):
    """A general, police, ambulance or fire number of a country, as published."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General emergency")
        POLICE = "police", _("Police")
        AMBULANCE = "ambulance", _("Ambulance")
        FIRE = "fire", _("Fire")

    country = models.ForeignKey(
        Country,
        on_delete=models.CASCADE,
        related_name="emergency_numbers",
        verbose_name=_("country"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number as published"), max_length=30)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    source_url = models.URLField(_("source"), max_length=500)
    additional_sources = models.JSONField(
        _("additional sources"), default=list, blank=True, help_text=_("More source URLs.")
    )
    source_seen = models.DateField(_("source seen on"), null=True, blank=True)
    verified_at = models.DateField(_("verified by staff on"), null=True, blank=True)
    phonenumbers_agrees = models.BooleanField(
        _("known to phonenumbers"),
        null=True,
        blank=True,
        help_text=_("Whether the phonenumbers library lists this as an emergency number."),
    )

    class Meta:
        ordering = ["country", "order", "pk"]
        verbose_name = _("emergency number")
        verbose_name_plural = _("emergency numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "kind", "number"], name="emergency_number_unique_per_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(number=""), name="emergency_number_not_empty"
            ),
            models.CheckConstraint(
                condition=~models.Q(source_url=""), name="emergency_number_has_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.get_kind_display()}: {self.number}"

    def clean(self) -> None:
        from resources.validation import validate_emergency_number

        validate_emergency_number(self)
