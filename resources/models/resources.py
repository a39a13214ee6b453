import datetime

from django.conf import settings
from django.db import connections, models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resources.search import DOCUMENT_FIELDS, NAME_FIELDS, SearchFold
from resources.validation import validate_timezone


class ResourceQuerySet(models.QuerySet):
    def published(self):
        """Public entries: published, and not inactive or defunct."""
        return self.filter(publication=Resource.Publication.PUBLISHED).exclude(
            status__in=[Resource.Status.INACTIVE, Resource.Status.DEFUNCT]
        )

    def for_country(self, code: str):
        """Entries for a country: its own, those serving it, and international ones serving all."""
        code = code.upper()
        if connections[self.db].vendor == "postgresql":
            from resources import sql

            return self.filter(sql.for_country(code))
        served = Resource.countries_served.through.objects.filter(resource=OuterRef("pk"))
        return self.filter(
            Q(country_id=code)
            | Exists(served.filter(country_id=code))
            | (Q(is_international=True) & ~Exists(served))
        )

    def international(self):
        return self.filter(is_international=True)

    def speaking(self, code: str):
        """Entries working in a language, on the entry or any channel; `pt` matches `pt-BR`."""
        from resources.models import Channel, Language

        languages = Language.objects.filter(language_matches(code))
        if connections[self.db].vendor == "postgresql":
            from resources import sql

            return self.filter(sql.speaking(languages))
        return self.filter(
            Exists(
                Resource.languages.through.objects.filter(
                    resource=OuterRef("pk"), language__in=languages
                )
            )
            | Exists(
                Channel.languages.through.objects.filter(
                    channel__resource=OuterRef("pk"), language__in=languages
                )
            )
        )

    def of_type(self, *types: str):
        return self.filter(type__in=types)

    def crisis_lines(self):
        return self.of_type(Resource.Type.CRISIS_LINE)

    def with_channel(self, *kinds: str):
        from resources.models import Channel

        return self.filter(Exists(Channel.objects.filter(resource=OuterRef("pk"), kind__in=kinds)))

    def overdue_for_review(self, on: datetime.date | None = None):
        """Entries never verified by staff, or whose review date has come."""
        on = on or timezone.localdate()
        return self.filter(
            Q(verified_at__isnull=True)
            | Q(next_review_due__isnull=True)
            | Q(next_review_due__lte=on)
        )

    def awaiting_verification(self):
        """Imported or edited entries that staff have not verified yet."""
        return self.exclude(verification=Resource.Verification.STAFF_VERIFIED)

    def open_at(self, at: datetime.datetime | None = None):
        """Entries with a channel open at `at`, as a chainable QuerySet.

        The database narrows to entries with a 24/7 channel or any opening period; the
        period check runs in Python (each channel's own IANA zone), and the result is
        returned as `pk__in` so further filters still chain. Unknown hours are not "open".
        """
        from resources.models import Channel, OpeningPeriod

        at = at or timezone.now()
        always = self.filter(Exists(Channel.objects.filter(resource=OuterRef("pk"), is_24_7=True)))
        open_ids = set(always.values_list("pk", flat=True))
        candidates = (
            Channel.objects.filter(resource__in=self.exclude(pk__in=open_ids), is_24_7=False)
            .filter(Exists(OpeningPeriod.objects.filter(channel=OuterRef("pk"))))
            .select_related("resource")
            .prefetch_related("opening_periods")
        )
        open_ids.update(ch.resource_id for ch in candidates if ch.open_now(at))
        return self.filter(pk__in=open_ids)

    # Public listing pages (resources/views.py); kept constant in queries per page.

    def open_ids(self, at: datetime.datetime | None = None) -> set[int]:
        """Ids of these entries with a channel open at `at`, in one query.

        Same rule as `Channel.open_now()` (24/7, or a weekly period in the channel's zone;
        unknown hours are not open), but reading periods as rows instead of per channel.
        """
        from resources import hours
        from resources.models import Channel

        at = at or timezone.now()
        rows = (
            Channel.objects.filter(resource__in=self.order_by().values("pk"))
            .filter(Q(is_24_7=True) | Q(opening_periods__isnull=False))
            .order_by()
            .values_list(
                "resource_id",
                "pk",
                "is_24_7",
                "timezone",
                "resource__timezone",
                "opening_periods__weekday",
                "opening_periods__opens",
                "opening_periods__closes",
            )
        )
        open_ids: set[int] = set()
        channels: dict[int, tuple[int, str, list[hours.Period]]] = {}
        for resource_id, channel_id, always, zone, resource_zone, day, opens, closes in rows:
            if always:
                open_ids.add(resource_id)
                continue
            entry = channels.setdefault(channel_id, (resource_id, zone or resource_zone, []))
            entry[2].append(hours.Period(day, opens, closes))
        for resource_id, zone_name, periods in channels.values():
            tz = hours.zone(zone_name)
            if resource_id not in open_ids and tz and hours.is_open(periods, at, tz):
                open_ids.add(resource_id)
        return open_ids

    def for_listing(self):
        """What a list of entries shows: channels in order and languages, in two queries."""
        from resources.models import Channel

        # A card shows the name and description (active language, English fallback), the
        # channels' numbers and the languages. Not loading the other ~110 translated columns
        # halves the cost of building each entry (modeltranslation sets every field).
        channels = Channel.objects.order_by("order", "pk").defer(
            "validation_warnings", *_translations(Channel, ("notes", "cost_note"))
        )
        return self.defer(*_unlisted_columns()).prefetch_related(
            models.Prefetch("channels", queryset=channels), "languages"
        )


def _translations(model, fields, keep=()) -> list[str]:
    """Column names of `fields` (original and every language) except the `keep` languages."""
    from modeltranslation.utils import build_localized_fieldname

    columns = [] if keep else list(fields)
    for field in fields:
        columns += [
            build_localized_fieldname(field, code)
            for code in settings.LANGUAGE_CODES
            if code not in keep
        ]
    return columns


def _unlisted_columns() -> list[str]:
    from django.utils.translation import get_language

    shown = {get_language() or "en", "en"}
    return [
        *_translations(Resource, ("name", "description"), keep=shown),
        *_translations(
            Resource,
            ("eligibility", "what_to_expect", "confidentiality_note", "alert", "cost_note"),
        ),
        "curator_notes",
        "additional_sources",
        "search_names",
        "search_document",
    ]


def language_matches(code: str) -> Q:
    """Language tags equal to `code`, its primary subtag, or a regional form of that subtag."""
    primary = code.split("-")[0]
    return Q(code__iexact=code) | Q(code__iexact=primary) | Q(code__istartswith=f"{primary}-")


def stored_fold(fields: list[str], verbose_name) -> models.GeneratedField:
    """A column the database keeps equal to SearchFold(fields), for the search indexes."""
    return models.GeneratedField(
        expression=SearchFold(*(F(name) for name in fields)),
        output_field=models.TextField(),
        db_persist=True,
        serialize=False,
        verbose_name=verbose_name,
    )


class Resource(models.Model):
    """A service people can turn to: a crisis line, helpline, fund, programme or guide."""

    class Type(models.TextChoices):
        CRISIS_LINE = "crisis_line", _("Crisis line")
        HELPLINE = "helpline", _("Helpline")
        COUNSELLING = "counselling", _("Counselling")
        THERAPY_FUND = "therapy_fund", _("Therapy fund")
        GRANT = "grant", _("Grant")
        CLINIC = "clinic", _("Clinic")
        SUPPORT_GROUP = "support_group", _("Support group")
        GUIDE = "guide", _("Guide")
        PROGRAM = "program", _("Programme")
        APP = "app", _("App")

    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        SLIDING_SCALE = "sliding_scale", _("Sliding scale")
        INSURANCE = "insurance", _("Insurance")
        GRANT_FUNDED = "grant_funded", _("Grant-funded")
        PAID = "paid", _("Paid")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")
        INACTIVE = "inactive", _("Inactive")
        DEFUNCT = "defunct", _("Defunct")

    class Publication(models.TextChoices):
        PUBLISHED = "published", _("Published")
        DRAFT = "draft", _("Draft")

    class Verification(models.TextChoices):
        STAFF_VERIFIED = "staff_verified", _("Verified by staff")
        SOURCED = "sourced", _("Sourced, awaiting staff verification")
        SINGLE_SOURCE = "single_source", _("Single source, awaiting staff verification")
        CONFLICTING = "conflicting", _("Sources conflict, awaiting staff verification")

    name = models.CharField(_("name"), max_length=255)
    local_name = models.CharField(
        _("local name"), max_length=255, blank=True, help_text=_("Name in the local script.")
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    country = models.ForeignKey(
        "resources.Country",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("country"),
    )
    is_international = models.BooleanField(
        _("international"),
        default=False,
        help_text=_("Usable from anywhere, or from many countries."),
    )
    countries_served = models.ManyToManyField(
        "resources.Country",
        blank=True,
        related_name="resources_serving",
        verbose_name=_("countries served"),
        help_text=_("For international entries that serve only some countries."),
    )
    organization = models.ForeignKey(
        "resources.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("organization"),
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    topics = models.ManyToManyField(
        "resources.Topic", blank=True, related_name="resources", verbose_name=_("topics")
    )
    audiences = models.ManyToManyField(
        "resources.Audience", blank=True, related_name="resources", verbose_name=_("audiences")
    )
    languages = models.ManyToManyField(
        "resources.Language", blank=True, related_name="resources", verbose_name=_("languages")
    )
    cost = models.CharField(_("cost"), max_length=20, choices=Cost.choices, blank=True)
    cost_note = models.CharField(_("cost note"), max_length=255, blank=True)
    offers_in_person = models.BooleanField(_("in person"), default=False)
    offers_online = models.BooleanField(_("online"), default=False)
    offers_phone = models.BooleanField(_("by phone"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    publication = models.CharField(
        _("publication"), max_length=10, choices=Publication.choices, default=Publication.DRAFT
    )
    alert = models.CharField(
        _("alert"),
        max_length=255,
        blank=True,
        help_text=_("Short notice shown on top, e.g. a changed number."),
    )
    description = models.TextField(_("description"), blank=True)
    eligibility = models.TextField(_("eligibility"), blank=True)
    what_to_expect = models.TextField(_("what to expect"), blank=True)
    confidentiality_note = models.TextField(
        _("confidentiality"),
        blank=True,
        help_text=_("What stays confidential, and when emergency services may be contacted."),
    )
    website = models.URLField(_("website"), max_length=500, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )
    verification = models.CharField(
        _("verification"),
        max_length=20,
        choices=Verification.choices,
        default=Verification.SOURCED,
    )
    verified_at = models.DateTimeField(_("verified by staff at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    additional_sources = models.JSONField(
        _("additional sources"), default=list, blank=True, help_text=_("More source URLs.")
    )
    source_seen = models.DateField(
        _("source seen on"), null=True, blank=True, help_text=_("Latest date shown by the sources.")
    )
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    curator_notes = models.TextField(
        _("notes for curators"),
        blank=True,
        help_text=_("Caveats and conflicts; never shown publicly."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Every translation folded (lower case, no accents) and stored, kept current by the
    # database on every write: search re-checks hundreds of index candidates and ranks every
    # match, reading these instead of folding 17 or 33 columns again for each one (the GIN
    # indexes of migration 0004 are on them). Not serialised (dumpdata) nor in the history:
    # they are derived from the fields above.
    search_names = stored_fold(NAME_FIELDS, _("names for search"))
    search_document = stored_fold(DOCUMENT_FIELDS, _("text for search"))

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [
            models.Index(fields=["country", "publication", "type"]),
            models.Index(fields=["next_review_due"]),
            # Public listings: a country's entries (with those serving it and international
            # ones, OR-ed by PostgreSQL from these and the primary key). The search indexes
            # (GIN, PostgreSQL only) are in migration 0004.
            models.Index(
                fields=["country", "type"],
                condition=Q(publication="published") & ~Q(status__in=["inactive", "defunct"]),
                name="resource_public_country",
            ),
            models.Index(
                fields=["id"], condition=Q(is_international=True), name="resource_international"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(country__isnull=False) | Q(is_international=True),
                name="resource_has_country_or_is_international",
            ),
            models.CheckConstraint(
                condition=Q(publication="draft") | ~Q(source_url=""),
                name="resource_published_has_source",
            ),
            models.CheckConstraint(
                condition=~Q(verification="staff_verified") | Q(verified_at__isnull=False),
                name="resource_staff_verified_has_date",
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="resource_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("resources:resource", kwargs={"slug": self.slug})

    def clean(self) -> None:
        from resources.validation import validate_resource

        validate_resource(self)

    @property
    def delivery(self) -> list[str]:
        return [
            mode
            for mode, offered in (
                ("in_person", self.offers_in_person),
                ("online", self.offers_online),
                ("phone", self.offers_phone),
            )
            if offered
        ]

    @property
    def is_staff_verified(self) -> bool:
        return self.verification == self.Verification.STAFF_VERIFIED

    @property
    def sources(self) -> list[str]:
        return [url for url in [self.source_url, *self.additional_sources] if url]

    def is_overdue_for_review(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.verified_at is None or self.next_review_due is None or self.next_review_due <= on
        )

    def open_now(self, at: datetime.datetime | None = None) -> bool | None:
        """True if any channel is open; None if none is but some hours are unknown."""
        results = [channel.open_now(at) for channel in self.channels.all()]
        if any(results):
            return True
        if not results or None in results:
            return None
        return False


class TranslationReview(models.Model):
    """Whether the text of an entry in one language was reviewed by a curator."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft, not yet reviewed")
        REVIEWED = "reviewed", _("Reviewed")

    resource = models.ForeignKey(
        Resource,
        on_delete=models.CASCADE,
        related_name="translation_reviews",
        verbose_name=_("resource"),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        ordering = ["resource", "language"]
        verbose_name = _("translation review")
        verbose_name_plural = _("translation reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "language"], name="translation_review_unique_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} [{self.language}]: {self.get_state_display()}"
