"""Writes to the directory that span several models."""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import to_language, to_locale
from modeltranslation.utils import build_localized_fieldname

from resources.models import (
    Audience,
    Channel,
    Country,
    EmergencyNumber,
    Language,
    OpeningPeriod,
    Organization,
    Resource,
    Topic,
    TranslationReview,
)
from resources.models.terms import slug_for
from resources.seed import SeedBundle, SeedError

CHANGE_REASON = "Seed import"
TRANSLATED_SEED_FIELDS = ("name", "description", "eligibility")
RESOURCE_FIELDS = (
    "local_name",
    "is_international",
    "type",
    "cost",
    "offers_phone",
    "offers_online",
    "offers_in_person",
    "publication",
    "verification",
    "website",
    "timezone",
    "source_url",
    "additional_sources",
    "source_seen",
    "curator_notes",
)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_existing: int = 0
    translations: int = 0
    rejected: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "countries": Country.objects.count(),
            "emergency_numbers": EmergencyNumber.objects.count(),
            "resources": Resource.objects.count(),
            "published": Resource.objects.filter(publication="published").count(),
            "drafts": Resource.objects.filter(publication="draft").count(),
            "channels": Channel.objects.count(),
            "opening_periods": OpeningPeriod.objects.count(),
        }


def _assign(obj, values: dict) -> bool:
    """Set attributes, returning whether anything changed (so unchanged rows are not saved)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _save(obj, *, exclude=()) -> None:
    # The database enforces uniqueness and Meta.constraints; checking them in Python too
    # costs a query per constraint (over a hundred translated columns each) per row.
    obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    obj._change_reason = CHANGE_REASON
    obj.save()


def language_labels(code: str) -> dict[str, str]:
    """The language's name in every shipped language, from Babel's CLDR data."""
    labels = {}
    for lang in settings.LANGUAGE_CODES:
        try:
            name = Locale.parse(to_locale(lang)).languages.get(code.replace("-", "_"))
            name = name or Locale.parse(to_locale(lang)).languages.get(code.split("-")[0])
        except (UnknownLocaleError, ValueError):
            name = None
        if name:
            labels[build_localized_fieldname("label", lang)] = name
    labels.setdefault("label_en", code)
    return labels


def _terms(model, rows: list[dict], overwrite: bool) -> dict[str, object]:
    existing = {t.slug: t for t in model.objects.all()}
    for row in rows:
        term = existing.get(row["slug"])
        if term is None:
            existing[row["slug"]] = model.objects.create(slug=row["slug"], label_en=row["label"])
        elif overwrite and _assign(term, {"label_en": row["label"]}):
            term.save()
    return existing


def _languages(codes: set[str]) -> dict[str, Language]:
    existing = {lang.code: lang for lang in Language.objects.all()}
    for code in sorted(codes - set(existing)):
        existing[code] = Language.objects.create(code=code, **language_labels(code))
    return existing


def _emergency(countries: list[dict], overwrite: bool) -> None:
    known = {c.code: c for c in Country.objects.all()}
    for row in countries:
        country = known.get(row["code"])
        if country is None:
            country = Country.objects.create(
                code=row["code"], emergency_notes_en=row["emergency_notes"]
            )
        elif overwrite and _assign(country, {"emergency_notes_en": row["emergency_notes"]}):
            country.save()
        current = {(n.kind, n.number): n for n in country.emergency_numbers.all()}
        for item in row["emergency_numbers"]:
            values = {
                "order": item["order"],
                "notes_en": item["notes"],
                "source_url": item["source_url"],
                "additional_sources": item["additional_sources"],
                "phonenumbers_agrees": item["phonenumbers_agrees"],
            }
            number = current.get((item["kind"], item["number"]))
            if number is None:
                number = EmergencyNumber(country=country, kind=item["kind"], number=item["number"])
                _assign(number, values)
                _save(number)
            elif overwrite and _assign(number, values):
                _save(number)


def _sync_channels(resource: Resource, rows: list[dict], languages: dict[str, Language]) -> bool:
    changed = False
    current = {ch.order: ch for ch in resource.channels.all()}
    for row in rows:
        values = {
            "kind": row["kind"],
            "value": row["value"],
            "e164": row["e164"],
            "is_short_code": row["is_short_code"],
            "cost_note_en": row["cost_note"],
            "notes_en": row["notes"],
            "is_24_7": row["is_24_7"],
            "hours_text": row["hours_text"],
        }
        channel = current.pop(row["order"], None) or Channel(resource=resource, order=row["order"])
        if _assign(channel, values) or channel.pk is None:
            _save(channel)
            changed = True
        wanted = {languages[code].pk for code in row["languages"]}
        if set(channel.languages.values_list("pk", flat=True)) != wanted:
            channel.languages.set(wanted)
            changed = True
        periods = {
            (day, datetime.time.fromisoformat(opens), datetime.time.fromisoformat(closes))
            for day, opens, closes in row["periods"]
        }
        have = {(p.weekday, p.opens, p.closes) for p in channel.opening_periods.all()}
        if have != periods:
            channel.opening_periods.all().delete()
            OpeningPeriod.objects.bulk_create(
                OpeningPeriod(channel=channel, weekday=d, opens=o, closes=c) for d, o, c in periods
            )
            changed = True
    for leftover in current.values():
        leftover._change_reason = CHANGE_REASON
        leftover.delete()
        changed = True
    return changed


def _free_org_slug(name: str) -> str:
    base = slug_for(name, prefix="org")
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base[:75]}-{n}"
    return slug


def _save_resource(row: dict, *, overwrite: bool, context: dict) -> str:
    resource = Resource.objects.filter(slug=row["slug"]).first()
    if resource is not None and not overwrite:
        return "skipped"
    organization = None
    if row["organization"]:
        organization = context["organizations"].get(row["organization"])
        if organization is None:
            organization = Organization.objects.create(
                name=row["organization"], slug=_free_org_slug(row["organization"])
            )
            context["organizations"][organization.name] = organization
    values = {name: row[name] for name in RESOURCE_FIELDS}
    values["source_seen"] = (
        datetime.date.fromisoformat(row["source_seen"]) if row["source_seen"] else None
    )
    values.update(
        name_en=row["name"],
        description_en=row["description"],
        eligibility_en=row["eligibility"],
        country_id=row["country"],
        organization_id=organization.pk if organization else None,
    )
    created = resource is None
    resource = resource or Resource(slug=row["slug"])
    changed = _assign(resource, values)
    if changed:
        _save(resource)
    for relation, model_map, keys in (
        ("topics", context["topics"], row["topics"]),
        ("audiences", context["audiences"], row["audiences"]),
        ("languages", context["languages"], row["languages"]),
    ):
        wanted = {model_map[key].pk for key in keys}
        manager = getattr(resource, relation)
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(wanted)
            changed = True
    changed |= _sync_channels(resource, row["channels"], context["languages"])
    return "created" if created else ("updated" if changed else "unchanged")


def directory_load(*, bundle: SeedBundle, overwrite: bool) -> LoadReport:
    """Write a seed bundle to the database, one atomic step per record.

    `overwrite=False` (load_initial_data) only adds what is missing and never touches an
    existing entry, so curators' edits survive every deploy; `overwrite=True`
    (import_directory) updates seeded entries to match the seed. A record that fails
    validation is rolled back alone and reported; the rest still load.
    """
    report = LoadReport(rejected=list(bundle.rejected), warnings=list(bundle.warnings))
    with transaction.atomic():
        _emergency(bundle.countries, overwrite)
        context = {
            "topics": _terms(Topic, bundle.topics, overwrite),
            "audiences": _terms(Audience, bundle.audiences, overwrite),
            "languages": _languages(
                {code for r in bundle.resources for code in r["languages"]}
                | {
                    code
                    for r in bundle.resources
                    for ch in r["channels"]
                    for code in ch["languages"]
                }
            ),
            "organizations": {o.name: o for o in Organization.objects.all()},
        }
        existing = set(Resource.objects.values_list("slug", flat=True))
        for row in bundle.resources:
            if row["slug"] in existing and not overwrite:
                report.skipped_existing += 1
                continue
            try:
                with transaction.atomic():
                    outcome = _save_resource(row, overwrite=overwrite, context=context)
            except (ValidationError, IntegrityError, KeyError) as exc:
                report.rejected.append(f"{row['slug']}: {_reason(exc)}")
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        report.warnings.extend(
            f"{ch.resource.slug} channel {ch.order + 1} ({ch.value}): {warning}"
            for ch in Channel.objects.exclude(validation_warnings=[]).select_related("resource")
            for warning in ch.validation_warnings
        )
    return report


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return str(exc)


def directory_load_file(*, path: Path, overwrite: bool) -> LoadReport:
    """Load the project's own fixture (fixtures/directory.json)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SeedError(f"{path} does not exist") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SeedError(f"{path} is not readable JSON: {exc}") from exc
    return directory_load(bundle=SeedBundle.from_json(data), overwrite=overwrite)


def seed_translations_load(*, folder: Path, overwrite: bool) -> int:
    """Apply draft translations from `<folder>/<locale>.json`; returns fields written.

    File format: `{"<seed id>": {"name": …, "description": …, "eligibility": …}}`, plus
    optional `"topic:<slug>"` / `"audience:<slug>"` / `"language:<code>"` keys with a
    `"label"`. Every language touched gets a draft TranslationReview (not yet reviewed).
    Without `overwrite` only empty fields are filled; a language a curator has marked
    reviewed is never overwritten.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    written = 0
    resources = {r.slug: r for r in Resource.objects.all()}
    terms = {
        "topic": {t.slug: t for t in Topic.objects.all()},
        "audience": {a.slug: a for a in Audience.objects.all()},
        "language": {lang.code: lang for lang in Language.objects.all()},
    }
    with transaction.atomic():
        for path in sorted(folder.glob("*.json")):
            lang = to_language(path.stem)
            if lang not in settings.LANGUAGE_CODES or lang == settings.LANGUAGE_CODE:
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise SeedError(f"{path} is not readable JSON: {exc}") from exc
            if not isinstance(data, dict):
                raise SeedError(f"{path} must hold a JSON object keyed by seed id")
            reviewed = set(
                TranslationReview.objects.filter(language=lang, state="reviewed").values_list(
                    "resource__slug", flat=True
                )
            )
            for key, texts in data.items():
                if not isinstance(texts, dict):
                    continue
                kind, _sep, slug = key.partition(":")
                if slug and kind in terms:
                    term = terms[kind].get(slug)
                    if term is not None:
                        written += _translate(term, {"label": texts.get("label")}, lang, overwrite)
                    continue
                resource = resources.get(key)
                if resource is None or key in reviewed:
                    continue
                fields = {name: texts.get(name) for name in TRANSLATED_SEED_FIELDS}
                count = _translate(resource, fields, lang, overwrite)
                if count:
                    TranslationReview.objects.get_or_create(resource=resource, language=lang)
                written += count
    return written


def _translate(obj, fields: dict, lang: str, overwrite: bool) -> int:
    changed = {}
    for name, text in fields.items():
        if not isinstance(text, str) or not text.strip():
            continue
        attr = build_localized_fieldname(name, lang)
        current = getattr(obj, attr) or ""
        if current != text.strip() and (overwrite or not current):
            changed[attr] = text.strip()
    if changed:
        _assign(obj, changed)
        obj._change_reason = f"Seed translation ({lang})"
        obj.save(update_fields=list(changed))
    return len(changed)


@transaction.atomic
def resource_mark_verified(
    *,
    resource: Resource,
    user,
    when: datetime.datetime | None = None,
    source_url: str = "",
    review_in_days: int = 180,
) -> Resource:
    """Record that a curator verified an entry now; schedules the next review."""
    when = when or timezone.now()
    resource.verification = Resource.Verification.STAFF_VERIFIED
    resource.verified_at = when
    resource.verified_by = user
    if source_url:
        resource.source_url = source_url
    resource.next_review_due = timezone.localdate(when) + datetime.timedelta(days=review_in_days)
    resource.full_clean()
    resource._change_reason = "Verified by staff"
    resource.save()
    return resource


CURATORS = "curators"
CURATOR_MODELS = {
    "resource": ("add", "change", "delete", "view"),
    "channel": ("add", "change", "delete", "view"),
    "openingperiod": ("add", "change", "delete", "view"),
    "emergencynumber": ("add", "change", "delete", "view"),
    "country": ("add", "change", "view"),
    "organization": ("add", "change", "view"),
    "topic": ("add", "change", "view"),
    "audience": ("add", "change", "view"),
    "language": ("add", "change", "view"),
    "translationreview": ("add", "change", "view"),
    "problemreport": ("change", "view"),
    "historicalresource": ("view",),
    "historicalchannel": ("view",),
    "historicalopeningperiod": ("view",),
    "historicalemergencynumber": ("view",),
}


def curators_group_setup():
    """The `curators` group: directory permissions only (no users, no concierge tickets)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=CURATORS)
    codenames = [
        f"{action}_{model}" for model, actions in CURATOR_MODELS.items() for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="resources", codename__in=codenames
    )
    group.permissions.set(permissions)
    return group
