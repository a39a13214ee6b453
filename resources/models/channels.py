from datetime import datetime

from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resources import hours
from resources.validation import validate_timezone


class ChannelQuerySet(models.QuerySet):
    def phones(self):
        """Channels reached by dialling: voice, SMS, WhatsApp and video relay."""
        return self.filter(kind__in=Channel.DIALLED)

    def hours_unstructured(self):
        """Channels whose published hours a curator still has to turn into periods."""
        return (
            self.exclude(hours_text="")
            .filter(is_24_7=False)
            .exclude(Exists(OpeningPeriod.objects.filter(channel=OuterRef("pk"))))
        )


class Channel(models.Model):
    """One way to reach a resource, with the dial string exactly as published."""

    class Kind(models.TextChoices):
        VOICE = "voice", _("Call")
        SMS = "sms", _("Text message (SMS)")
        WHATSAPP = "whatsapp", _("WhatsApp")
        CHAT = "chat", _("Online chat")
        EMAIL = "email", _("Email")
        WEB = "web", _("Website")
        VIDEO_RELAY = "video_relay", _("Video relay")
        IN_PERSON = "in_person", _("In person")

    DIALLED = (Kind.VOICE, Kind.SMS, Kind.WHATSAPP, Kind.VIDEO_RELAY)

    resource = models.ForeignKey(
        "resources.Resource",
        on_delete=models.CASCADE,
        related_name="channels",
        verbose_name=_("resource"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    value = models.CharField(
        _("number or address as published"),
        max_length=255,
        help_text=_("Exactly as the service publishes it, e.g. “116 123” or “988 then press 1”."),
    )
    e164 = models.CharField(
        _("E.164 number"),
        max_length=16,
        blank=True,
        help_text=_(
            "Full international form (+4411…) for tel: links; leave empty for short codes."
        ),
    )
    is_short_code = models.BooleanField(_("short code"), default=False)
    languages = models.ManyToManyField(
        "resources.Language", blank=True, related_name="channels", verbose_name=_("languages")
    )
    cost_note = models.CharField(_("cost"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_24_7 = models.BooleanField(_("open 24/7"), default=False)
    hours_text = models.CharField(
        _("hours as published"),
        max_length=255,
        blank=True,
        help_text=_("Published hours text; when no periods are entered it is shown as is."),
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text=_("IANA zone of the hours if not the resource's, e.g. Europe/Lisbon."),
    )
    source_url = models.URLField(
        _("source"), max_length=500, blank=True, help_text=_("Defaults to the resource's source.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    validation_warnings = models.JSONField(
        _("validation warnings"), default=list, blank=True, editable=False
    )

    objects = ChannelQuerySet.as_manager()

    class Meta:
        ordering = ["resource", "order", "pk"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            models.CheckConstraint(condition=~models.Q(value=""), name="channel_value_not_empty"),
            models.CheckConstraint(
                condition=models.Q(is_short_code=False) | models.Q(e164=""),
                name="channel_short_code_has_no_e164",
            ),
            models.CheckConstraint(
                condition=models.Q(e164="") | models.Q(e164__regex=r"^\+[1-9][0-9]{6,14}$"),
                name="channel_e164_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"

    def clean(self) -> None:
        from resources.validation import validate_channel

        self.validation_warnings = validate_channel(self)

    @property
    def is_dialled(self) -> bool:
        return self.kind in self.DIALLED

    @property
    def effective_timezone(self) -> str:
        return self.timezone or (self.resource.timezone if self.resource_id else "")

    @property
    def hours_structured(self) -> bool:
        return self.is_24_7 or bool(self._periods())

    def _periods(self) -> list["OpeningPeriod"]:
        # Uses prefetched periods when the caller prefetched them (list pages).
        return list(self.opening_periods.all()) if self.pk else []

    def open_now(self, at: datetime | None = None) -> bool | None:
        """True/False when the hours are known; None ("unknown") when they are not.

        Unstructured published hours, or periods without a time zone, are unknown and must
        never be shown as closed.
        """
        if self.is_24_7:
            return True
        periods = self._periods()
        tz = hours.zone(self.effective_timezone)
        if not periods or tz is None:
            return None
        return hours.is_open(periods, at or timezone.now(), tz)


class OpeningPeriod(models.Model):
    """A weekly period in the channel's zone; closing at or before opening ends the next day."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="opening_periods", verbose_name=_("channel")
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(
        _("closes"), help_text=_("00:00 is midnight; a time before opening means the next day.")
    )

    class Meta:
        ordering = ["channel", "weekday", "opens"]
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="opening_period_weekday"
            ),
            models.CheckConstraint(
                condition=~models.Q(opens=models.F("closes")), name="opening_period_not_empty"
            ),
            models.UniqueConstraint(
                fields=["channel", "weekday", "opens"], name="opening_period_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def overnight(self) -> bool:
        return self.closes <= self.opens
