"""Synthetic directory entries for benchmarks: many countries, zones and languages, all fake.

Everything made here is marked three ways, so it can never pass for real data and
`synthetic_delete()` removes exactly it: every entry belongs to the organisation
"Synthetic benchmark data (not a real service)", its slug starts with `synthetic-`, and its
sources and links point at example.org (RFC 2606, reserved for examples). Every phone channel
uses a number from Ofcom's UK range reserved for drama, 07700 900000–900999, which is never
allocated to a line: "anything from 07700 900000 to 07700 900999 will not work"
(upyourego.com/blog 2008-06-30 "Calling the Doctor"; BBC News 2015-04-20 "The 20,000 fake
phone numbers used on film and television"). Nothing here is written to fixtures/.

Rows go in with `bulk_create` (on PostgreSQL with COPY, the bulk insert PostgreSQL offers:
Django prepares each of an entry's ~130 translated columns one by one, which made 100,000
entries take many minutes). Either way `save()` and signals are skipped, so no change
history is recorded (simple-history listens to `post_save`): right for data nobody curated.
Countries are real ISO 3166 codes from django-countries; the seed's emergency numbers are
left alone and none are invented.
"""

import datetime
import json
import random
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources as package_files

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation
from django_countries import countries as all_countries
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from resources.models import (
    Audience,
    Channel,
    Country,
    EmergencyNumber,
    Language,
    OpeningPeriod,
    Organization,
    ProblemReport,
    Resource,
    Topic,
    TranslationReview,
)
from resources.seed import AUDIENCE_LABELS, TOPIC_LABELS

SLUG_PREFIX = "synthetic-"
ORGANIZATION_NAME = "Synthetic benchmark data (not a real service)"
ORGANIZATION_SLUG = "synthetic-benchmark-data"
SOURCE = "https://example.org/synthetic/"
# Countries with the most entries come first (a real directory is uneven: the largest
# country page is the hard one). Entries per country fall off as 1 / rank ** SKEW.
FIRST_COUNTRIES = ["US", "GB", "DE", "FR", "BR", "IN", "JP", "AU", "CA", "ES", "MX", "IT"]
SKEW = 0.8
INTERNATIONAL_SHARE = 0.01

ADJECTIVES = [
    "Harbour",
    "Lantern",
    "Northern",
    "Quiet",
    "Riverside",
    "Backstage",
    "Encore",
    "Soundcheck",
    "Bridge",
    "Lighthouse",
    "Evergreen",
    "Morning",
    "Midnight",
    "Coastal",
    "Valley",
    "Summit",
    "Anchor",
    "Compass",
    "Open-Door",
    "Tuning-Fork",
    "Crescendo",
    "Amber",
    "Willow",
    "Granite",
    "Meadow",
    "Silver",
    "Cedar",
    "Horizon",
    "Kindred",
    "Steady",
]
DISTRICTS = [
    "Northgate",
    "Elmfield",
    "Ashby",
    "Marlow",
    "Fernhill",
    "Kestrel-Bay",
    "Oakridge",
    "Linden",
    "Westmere",
    "Holloway",
    "Brightwater",
    "Stonebridge",
    "Maplewood",
    "Harrowgate",
    "Larkspur",
    "Dunmore",
    "Riverton",
    "Eastcliff",
]
NOUNS = {
    Resource.Type.CRISIS_LINE: ["Crisis Line", "Night Line", "Listening Line"],
    Resource.Type.HELPLINE: ["Helpline", "Support Line", "Talk Line"],
    Resource.Type.COUNSELLING: ["Counselling Service", "Counselling Centre"],
    Resource.Type.THERAPY_FUND: ["Therapy Fund"],
    Resource.Type.GRANT: ["Hardship Grant", "Welfare Grant"],
    Resource.Type.CLINIC: ["Clinic", "Wellbeing Clinic"],
    Resource.Type.SUPPORT_GROUP: ["Peer Group", "Recovery Circle"],
    Resource.Type.GUIDE: ["Guide", "Handbook"],
    Resource.Type.PROGRAM: ["Programme", "Wellbeing Programme"],
    Resource.Type.APP: ["App"],
}
TYPE_WEIGHTS = {
    Resource.Type.CRISIS_LINE: 15,
    Resource.Type.HELPLINE: 25,
    Resource.Type.COUNSELLING: 20,
    Resource.Type.THERAPY_FUND: 4,
    Resource.Type.GRANT: 4,
    Resource.Type.CLINIC: 10,
    Resource.Type.SUPPORT_GROUP: 10,
    Resource.Type.GUIDE: 4,
    Resource.Type.PROGRAM: 6,
    Resource.Type.APP: 2,
}
TOPIC_WORDS = {
    "suicide": "suicidal thoughts",
    "crisis": "a crisis",
    "anxiety": "anxiety and panic",
    "depression": "low mood and depression",
    "substance_use": "alcohol and drug use",
    "addiction_recovery": "recovery from addiction",
    "grief": "grief and loss",
    "trauma": "trauma",
    "eating_disorders": "eating problems",
    "lgbtq": "LGBTQ+ life",
    "youth": "growing up",
    "domestic_abuse": "abuse at home",
    "financial_hardship": "money worries",
    "performance_health": "performance anxiety and stage fright",
    "general_emotional_support": "anything on your mind",
}
# (noun for the name, one description sentence) per interface language; fake services.
TRANSLATIONS = {
    "es": (
        "Línea de escucha",
        "Servicio ficticio de apoyo emocional para artistas, equipo técnico y sus familias.",
    ),
    "fr": (
        "Ligne d'écoute",
        "Service fictif d'écoute pour les artistes, les techniciens et leurs proches.",
    ),
    "de": (
        "Zuhörtelefon",
        "Fiktiver Beratungsdienst für Musikerinnen und Musiker, Crew und Angehörige.",
    ),
    "pt-br": (
        "Linha de apoio",
        "Serviço fictício de apoio emocional para artistas, equipe técnica e famílias.",
    ),
    "it": ("Linea d'ascolto", "Servizio fittizio di ascolto per artisti, tecnici e famiglie."),
    "nl": ("Luisterlijn", "Fictieve hulpdienst voor muzikanten, crew en hun naasten."),
    "sv": ("Stödlinje", "Fiktiv stödtjänst för musiker, turnépersonal och anhöriga."),
    "pl": ("Telefon zaufania", "Fikcyjna linia wsparcia dla muzyków, ekip technicznych i rodzin."),
    "tr": ("Destek hattı", "Müzik sektöründe çalışanlar için kurgusal destek hattı."),
    "ar": ("خط الدعم", "خدمة دعم نفسي وهمية للعاملين في صناعة الموسيقى وعائلاتهم."),
    "hi": ("सहायता लाइन", "संगीत उद्योग के लोगों के लिए काल्पनिक मानसिक स्वास्थ्य सहायता सेवा।"),
    "id": ("Layanan dengar", "Layanan dukungan fiktif untuk musisi, kru, dan keluarga mereka."),
    "ja": ("相談ダイヤル", "音楽業界で働く人と家族のための架空の相談窓口です。"),
    "ko": ("상담 전화", "음악 산업 종사자와 가족을 위한 가상의 상담 서비스입니다."),
    "zh-hans": ("倾听热线", "为音乐行业从业者及其家人提供的虚构心理支持服务。"),
}
LANGUAGE_LABELS = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "pt-BR": "Portuguese (Brazil)",
    "it": "Italian",
    "nl": "Dutch",
    "sv": "Swedish",
    "pl": "Polish",
    "tr": "Turkish",
    "ar": "Arabic",
    "hi": "Hindi",
    "id": "Indonesian",
    "ja": "Japanese",
    "ko": "Korean",
    "zh-Hans": "Chinese (Simplified)",
    "sw": "Swahili",
    "yue": "Cantonese",
    "ru": "Russian",
    "ase": "American Sign Language",
}
# Weekly hours shapes: (days, opens, closes); closing before opening runs past midnight.
HOURS = [
    (range(5), datetime.time(9), datetime.time(17)),
    (range(7), datetime.time(18), datetime.time(2)),
    (range(5, 7), datetime.time(10), datetime.time(16)),
    (range(6), datetime.time(8), datetime.time(20)),
    (range(7), datetime.time(16), datetime.time(23, 30)),
]
FALLBACK_ZONES = [
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Africa/Nairobi",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
]


@dataclass
class GenerateReport:
    countries: int = 0
    resources: int = 0
    channels: int = 0
    opening_periods: int = 0
    links: int = 0
    seconds: float = 0.0
    per_country: dict[str, int] = field(default_factory=dict)


def _maker(model: type[models.Model]) -> Callable[..., models.Model]:
    """A fast constructor: the defaults of a normally built instance, then the given values.

    `Model.__init__` (patched by modeltranslation to route every translated field through
    the active language) costs milliseconds per entry; building 100,000 of them that way
    took longer than inserting them. bulk_create only reads the attributes.
    """
    template = model()
    defaults = {f.attname: template.__dict__[f.attname] for f in _written_fields(model)}

    def make(**values) -> models.Model:
        instance = model.__new__(model)
        instance.__dict__.update(defaults)
        instance.__dict__.update(values)
        instance._state = models.base.ModelState()
        return instance

    return make


def _written_fields(model: type[models.Model]) -> list[models.Field]:
    """The columns an insert writes: not the generated ones (the database computes those)."""
    return [f for f in model._meta.concrete_fields if not f.generated]


def _insert(model: type[models.Model], objects: list[models.Model]) -> None:
    """Insert new rows and set their ids: bulk_create, or COPY on PostgreSQL."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=500)
        return
    meta = model._meta
    quote = connection.ops.quote_name
    fields = _written_fields(model)
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for instance, (new_id,) in zip(objects, cursor.fetchall(), strict=True):
            instance.pk = new_id
        columns = ", ".join(quote(f.column) for f in fields)
        names = [f.attname for f in fields]
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for instance in objects:
                values = instance.__dict__
                copy.write_row(
                    [
                        json.dumps(values[name]) if name in json_fields else values[name]
                        for name in names
                    ]
                )


def synthetic_resources():
    """The synthetic entries: those of the synthetic organisation with the synthetic slug."""
    return Resource.objects.filter(
        organization__slug=ORGANIZATION_SLUG, slug__startswith=SLUG_PREFIX
    )


def country_zones() -> dict[str, list[str]]:
    """IANA zones by country code, from the tz database's zone1970.tab (tzdata or the system)."""
    text = ""
    try:
        text = (package_files.files("tzdata.zoneinfo") / "zone1970.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        for folder in zoneinfo.TZPATH:
            try:
                with open(f"{folder}/zone1970.tab", encoding="utf-8") as handle:
                    text = handle.read()
                break
            except OSError:
                continue
    zones: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        codes, _coordinates, zone, *_rest = line.split("\t")
        for code in codes.split(","):
            zones.setdefault(code, []).append(zone)
    return zones


def pick_countries(count: int, rng: random.Random) -> list[str]:
    """`count` real ISO codes: the big ones first, then the others in a seeded order."""
    codes = [code for code, _name in all_countries]
    rest = sorted(set(codes) - set(FIRST_COUNTRIES))
    rng.shuffle(rest)
    return (FIRST_COUNTRIES + rest)[: max(1, min(count, len(codes)))]


def _terms() -> tuple[list[Topic], list[Audience], dict[str, Language]]:
    """The seed's vocabulary (created only when missing, as the seed importer would)."""
    for model, labels in ((Topic, TOPIC_LABELS), (Audience, AUDIENCE_LABELS)):
        have = set(model.objects.values_list("slug", flat=True))
        model.objects.bulk_create(
            model(slug=slug, label=label, label_en=label)
            for slug, label in labels.items()
            if slug not in have
        )
    have = set(Language.objects.values_list("code", flat=True))
    Language.objects.bulk_create(
        Language(code=code, label=label, label_en=label)
        for code, label in LANGUAGE_LABELS.items()
        if code not in have
    )
    languages = {lang.code: lang for lang in Language.objects.filter(code__in=LANGUAGE_LABELS)}
    return list(Topic.objects.all()), list(Audience.objects.all()), languages


def _organization() -> Organization:
    organization, _created = Organization.objects.get_or_create(
        slug=ORGANIZATION_SLUG,
        defaults={"name": ORGANIZATION_NAME, "website": SOURCE},
    )
    return organization


def synthetic_generate(
    *,
    resources: int,
    countries: int,
    seed: int = 7,
    batch_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> GenerateReport:
    """Add `resources` synthetic entries spread over `countries` countries, in bulk."""
    started = timezone.now()
    rng = random.Random(seed)  # noqa: S311 - reproducible fake data, not secrets
    report = GenerateReport()
    with translation.override("en"):
        codes = pick_countries(countries, rng)
        have = set(Country.objects.filter(code__in=codes).values_list("code", flat=True))
        Country.objects.bulk_create(Country(code=code) for code in codes if code not in have)
        report.countries = len(codes)
        topics, audiences, languages = _terms()
        builder = _Builder(
            rng=rng,
            codes=codes,
            zones=country_zones(),
            topics=topics,
            audiences=audiences,
            languages=languages,
            organization=_organization(),
            first_index=synthetic_resources().count(),
        )
        done = 0
        while done < resources:
            size = min(batch_size, resources - done)
            with transaction.atomic():
                builder.write_batch(size, report)
            done += size
            if progress:
                progress(done, resources)
    _directory_changed()
    report.seconds = (timezone.now() - started).total_seconds()
    return report


@dataclass
class _Builder:
    rng: random.Random
    codes: list[str]
    zones: dict[str, list[str]]
    topics: list[Topic]
    audiences: list[Audience]
    languages: dict[str, Language]
    organization: Organization
    first_index: int

    def __post_init__(self) -> None:
        self.weights = [1 / (rank + 1) ** SKEW for rank in range(len(self.codes))]
        self.types = list(TYPE_WEIGHTS)
        self.type_labels = {kind: str(kind.label).lower() for kind in self.types}
        self.type_weights = list(TYPE_WEIGHTS.values())
        self.all_zones = sorted({z for zones in self.zones.values() for z in zones}) or (
            FALLBACK_ZONES
        )
        self.music = [a for a in self.audiences if a.slug in ("music_industry", "artists", "crew")]
        self.language_codes = list(self.languages)
        self.index = self.first_index
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.new_resource, self.new_channel, self.new_period = (
            _maker(Resource),
            _maker(Channel),
            _maker(OpeningPeriod),
        )
        self.new_link = {
            model: _maker(model)
            for model in (
                Resource.topics.through,
                Resource.audiences.through,
                Resource.languages.through,
                Resource.countries_served.through,
                Channel.languages.through,
            )
        }

    def write_batch(self, size: int, report: GenerateReport) -> None:
        entries = [self.resource() for _ in range(size)]
        _insert(Resource, entries)
        report.resources += size
        through = Resource.topics.through, Resource.audiences.through, Resource.languages.through
        topic_rows, audience_rows, language_rows, served_rows = [], [], [], []
        channels: list[Channel] = []
        for entry in entries:
            report.per_country[entry.country_id or "INTL"] = (
                report.per_country.get(entry.country_id or "INTL", 0) + 1
            )
            for topic in self.rng.sample(self.topics, self.rng.randint(1, 3)):
                topic_rows.append(
                    self.new_link[through[0]](resource_id=entry.pk, topic_id=topic.pk)
                )
            for audience in self.audience_sample():
                audience_rows.append(
                    self.new_link[through[1]](resource_id=entry.pk, audience_id=audience.pk)
                )
            for code in entry._languages:
                language_rows.append(
                    self.new_link[through[2]](
                        resource_id=entry.pk, language_id=self.languages[code].pk
                    )
                )
            if entry.is_international and self.rng.random() < 0.3:
                for code in self.rng.sample(self.codes, min(5, len(self.codes))):
                    served_rows.append(
                        self.new_link[Resource.countries_served.through](
                            resource_id=entry.pk, country_id=code
                        )
                    )
            channels.extend(self.channels(entry))
        for model, rows in (
            (through[0], topic_rows),
            (through[1], audience_rows),
            (through[2], language_rows),
            (Resource.countries_served.through, served_rows),
        ):
            _insert(model, rows)
            report.links += len(rows)
        _insert(Channel, channels)
        report.channels += len(channels)
        periods, channel_languages = [], []
        for channel in channels:
            for day in channel._days:
                periods.append(
                    self.new_period(
                        channel_id=channel.pk,
                        weekday=day,
                        opens=channel._opens,
                        closes=channel._closes,
                    )
                )
            for code in channel._languages:
                channel_languages.append(
                    self.new_link[Channel.languages.through](
                        channel_id=channel.pk, language_id=self.languages[code].pk
                    )
                )
        _insert(OpeningPeriod, periods)
        _insert(Channel.languages.through, channel_languages)
        report.opening_periods += len(periods)
        report.links += len(channel_languages)

    def audience_sample(self) -> list[Audience]:
        if self.music and self.rng.random() < 0.25:
            return self.rng.sample(self.music, self.rng.randint(1, len(self.music)))
        return self.rng.sample(self.audiences, self.rng.randint(1, 2))

    def resource(self) -> Resource:
        rng = self.rng
        self.index += 1
        international = rng.random() < INTERNATIONAL_SHARE
        code = None if international else rng.choices(self.codes, self.weights)[0]
        kind = rng.choices(self.types, self.type_weights)[0]
        adjective, district = rng.choice(ADJECTIVES).replace("-", " "), rng.choice(DISTRICTS)
        noun = rng.choice(NOUNS[kind])
        name = f"{adjective} {noun} {district.replace('-', ' ')}"
        slug = f"{SLUG_PREFIX}{(code or 'intl').lower()}-{self.index:07d}"
        topic_text = rng.choice(list(TOPIC_WORDS.values()))
        values = {
            "slug": slug,
            "country_id": code,
            "is_international": international,
            "organization_id": self.organization.pk,
            "type": kind,
            "cost": rng.choice(["free", "free", "free", "sliding_scale", "insurance", ""]),
            "offers_phone": rng.random() < 0.7,
            "offers_online": rng.random() < 0.5,
            "offers_in_person": rng.random() < 0.2,
            "status": rng.choices([s.value for s in Resource.Status], [92, 3, 3, 2])[0],
            "publication": rng.choices(["published", "draft"], [95, 5])[0],
            "timezone": self.zone_for(code),
            "website": f"{SOURCE}{slug}/",
            "source_url": f"{SOURCE}{slug}/source",
            "source_seen": self.today - datetime.timedelta(days=rng.randint(0, 700)),
            "name": name,
            "created_at": self.now,
            "updated_at": self.now,
            "name_en": name,
            "description_en": (
                f"Synthetic benchmark entry, not a real service. {adjective} {noun} is a "
                f"made-up {self.type_labels[kind]} for people in music who want to talk about "
                f"{topic_text}. Volunteers and trained staff listen without judging and can "
                f"point you to other help nearby in {district.replace('-', ' ')}."
            ),
            "eligibility_en": rng.choice(
                ["", "", "Anyone over 16.", "People working in the music industry and families."]
            ),
            "what_to_expect_en": rng.choice(
                ["", "A trained listener answers; you do not have to give your name."]
            ),
            "confidentiality_note_en": rng.choice(
                ["", "Calls are confidential unless someone's life is in immediate danger."]
            ),
            "alert_en": "",
            "cost_note_en": "",
        }
        # modeltranslation keeps the original columns too; they hold the default language.
        for name in translator.get_options_for_model(Resource).fields:
            values[name] = values[f"{name}_en"]
        if rng.random() < 0.3:
            values["verification"] = Resource.Verification.STAFF_VERIFIED
            values["verified_at"] = timezone.now() - datetime.timedelta(days=rng.randint(0, 400))
            values["next_review_due"] = self.today + datetime.timedelta(days=rng.randint(-60, 300))
        for language in rng.sample(list(TRANSLATIONS), rng.randint(1, 4)):
            local_noun, sentence = TRANSLATIONS[language]
            values[build_localized_fieldname("name", language)] = f"{local_noun} {adjective}"
            values[build_localized_fieldname("description", language)] = f"{sentence} {name}."
        entry = self.new_resource(**values)
        entry._languages = ["en", *rng.sample(self.language_codes, rng.randint(0, 2))]
        entry._languages = list(dict.fromkeys(entry._languages))
        return entry

    def zone_for(self, code: str | None) -> str:
        if code is None:
            return ""
        zones = self.zones.get(code) or self.all_zones
        return self.rng.choice(zones)

    def channels(self, entry: Resource) -> list[Channel]:
        rng = self.rng
        kinds = ["voice"]
        for kind, chance in (("sms", 0.2), ("whatsapp", 0.1), ("chat", 0.25), ("email", 0.3)):
            if rng.random() < chance:
                kinds.append(kind)
        if rng.random() < 0.15:
            kinds = kinds[1:] or ["web"]
        made = []
        for order, kind in enumerate(kinds):
            number = f"{rng.randrange(1000):03d}"
            value, e164 = f"07700 900{number}", f"+447700900{number}"
            if kind == "chat":
                value, e164 = f"{SOURCE}{entry.slug}/chat", ""
            elif kind == "email":
                value, e164 = f"help+{entry.slug}@example.org", ""
            elif kind == "web":
                value, e164 = f"{SOURCE}{entry.slug}/", ""
            channel = self.new_channel(
                resource_id=entry.pk, kind=kind, value=value, e164=e164, order=order
            )
            channel._days, channel._languages = (), []
            shape = rng.random()
            if shape < 0.4:
                channel.is_24_7 = True
            elif shape < 0.85:
                days, channel._opens, channel._closes = rng.choice(HOURS)
                channel._days = tuple(days)
                if rng.random() < 0.2:
                    channel.timezone = rng.choice(self.all_zones)
            else:
                channel.hours_text = "Hours change with the season; see the website."
            if rng.random() < 0.4:
                channel._languages = rng.sample(self.language_codes, rng.randint(1, 2))
            made.append(channel)
        return made


def synthetic_delete() -> dict[str, int]:
    """Remove the synthetic entries, their channels and hours, and countries left empty.

    One DELETE per table (`_raw_delete`): no rows are loaded and no signals sent, so the
    change history does not record 100,000 deletions of entries nobody curated. A country
    row goes only when it is not in the seed's emergency numbers and nothing refers to it.
    """
    entries = synthetic_resources()
    ids = entries.values("pk")
    counts: dict[str, int] = {}
    with transaction.atomic():
        channels = Channel.objects.filter(resource__in=ids)
        counts["opening_periods"] = _raw_delete(OpeningPeriod.objects.filter(channel__in=channels))
        _raw_delete(Channel.languages.through.objects.filter(channel__in=channels))
        counts["channels"] = _raw_delete(channels)
        for model in (
            Resource.topics.through,
            Resource.audiences.through,
            Resource.languages.through,
            Resource.countries_served.through,
            ProblemReport,
            TranslationReview,
        ):
            _raw_delete(model.objects.filter(resource__in=ids))
        counts["resources"] = _raw_delete(Resource.objects.filter(pk__in=ids))
        Organization.objects.filter(slug=ORGANIZATION_SLUG).exclude(
            Exists(Resource.objects.filter(organization=OuterRef("pk")))
        ).delete()
        empty = Country.objects.exclude(
            Q(Exists(Resource.objects.filter(country=OuterRef("pk"))))
            | Q(Exists(Resource.countries_served.through.objects.filter(country=OuterRef("pk"))))
            | Q(Exists(EmergencyNumber.objects.filter(country=OuterRef("pk"))))
        ).filter(_no_notes())
        counts["countries"] = _raw_delete(empty)
    _directory_changed()
    return counts


def _no_notes() -> Q:
    condition = Q()
    for code in settings.LANGUAGE_CODES:
        name = build_localized_fieldname("emergency_notes", code)
        condition &= Q(**{name: ""}) | Q(**{f"{name}__isnull": True})
    return condition


def _raw_delete(queryset: models.QuerySet) -> int:
    # Materialise the ids first: SQLite and MySQL cannot delete from a table they subquery.
    ids = list(queryset.values_list("pk", flat=True))
    model = queryset.model
    deleted = 0
    for start in range(0, len(ids), 5000):
        deleted += model.objects.filter(pk__in=ids[start : start + 5000])._raw_delete(queryset.db)
    return deleted


def _directory_changed() -> None:
    from resources.caching import directory_changed

    directory_changed()
