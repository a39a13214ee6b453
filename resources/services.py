"""Writes to the directory that span several models."""

import datetime
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import to_language, to_locale
from modeltranslation.fields import TranslationField
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


def assign(obj, values: dict) -> bool:
    """Set attributes, returning whether anything changed (so unchanged rows are not saved)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _check(obj, *, validate: bool, exclude=()) -> None:
    """Validate a row before it is written.

    Seed data read from ../shared/data is checked field by field (`validate`). The committed
    fixture was checked that way when `import_directory --save-fixture` wrote it (and a test
    keeps it equal to the seed), so loading it runs only the model's `clean()`, which is also
    what computes the stored warnings (Channel.validation_warnings).
    """
    if validate:
        # The database enforces uniqueness and Meta.constraints; checking them in Python too
        # costs a query per constraint (over a hundred translated columns each) per row.
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    else:
        obj.clean()


def _save(obj, *, exclude=()) -> None:
    _check(obj, validate=True, exclude=exclude)
    obj._change_reason = CHANGE_REASON
    obj.save()


@cache
def _blank_translations(model) -> dict:
    """The translated columns' defaults, to pass when building many new objects.

    modeltranslation computes each one under a language override, which costs more than the
    rest of building the object (a resource has over a hundred); they are constants.
    """
    return {
        # The field's own default, without modeltranslation's override (whose first use per
        # language loads that language's message catalogues).
        field.attname: super(TranslationField, field).get_default()
        for field in model._meta.concrete_fields
        if isinstance(field, TranslationField)
        and not (field.has_default() and callable(field.default))
    }


def _bulk_create(model, objs: list) -> None:
    """Insert new rows, setting their ids; models with history get one "+" record each."""
    if connection.features.can_return_rows_from_bulk_insert:
        model.objects.bulk_create(objs)
        if objs and hasattr(model, "history"):
            model.history.bulk_history_create(objs, default_change_reason=CHANGE_REASON)
        return
    # Only PostgreSQL and SQLite 3.35+ return the new ids from a bulk insert.
    for obj in objs:
        obj._change_reason = CHANGE_REASON
        obj.save(force_insert=True)


def _link(model, relation: str, pairs) -> None:
    """Insert many-to-many rows (source pk, target pk) in bulk, as `.set()` per row would."""
    field = model._meta.get_field(relation)
    through = field.remote_field.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    through.objects.bulk_create([through(**{source: a, target: b}) for a, b in pairs])


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
    new = []
    for row in rows:
        term = existing.get(row["slug"])
        if term is None:
            existing[row["slug"]] = model(
                slug=row["slug"], **{**_blank_translations(model), "label_en": row["label"]}
            )
            new.append(existing[row["slug"]])
        elif overwrite and assign(term, {"label_en": row["label"]}):
            term.save()
    _bulk_create(model, new)
    return existing


def _languages(codes: set[str]) -> dict[str, Language]:
    existing = {lang.code: lang for lang in Language.objects.all()}
    new = [
        Language(code=code, **{**_blank_translations(Language), **language_labels(code)})
        for code in sorted(codes - set(existing))
    ]
    _bulk_create(Language, new)
    existing.update((lang.code, lang) for lang in new)
    return existing


def _emergency(countries: list[dict], overwrite: bool, validate: bool) -> None:
    known = {c.code: c for c in Country.objects.all()}
    Country.objects.bulk_create(
        Country(
            code=row["code"],
            **{**_blank_translations(Country), "emergency_notes_en": row["emergency_notes"]},
        )
        for row in countries
        if row["code"] not in known
    )
    current = {(n.country_id, n.kind, n.number): n for n in EmergencyNumber.objects.all()}
    new = []
    for row in countries:
        country = known.get(row["code"])
        if (
            country is not None
            and overwrite
            and assign(country, {"emergency_notes_en": row["emergency_notes"]})
        ):
            country.save()
        for item in row["emergency_numbers"]:
            values = {
                "order": item["order"],
                "notes_en": item["notes"],
                "source_url": item["source_url"],
                "additional_sources": item["additional_sources"],
                "phonenumbers_agrees": item["phonenumbers_agrees"],
            }
            number = current.get((row["code"], item["kind"], item["number"]))
            if number is None:
                number = EmergencyNumber(
                    country_id=row["code"],
                    kind=item["kind"],
                    number=item["number"],
                    **_blank_translations(EmergencyNumber),
                )
                assign(number, values)
                _check(number, validate=validate)
                new.append(number)
            elif overwrite and assign(number, values):
                _save(number)
    _bulk_create(EmergencyNumber, new)


def _channel_values(row: dict) -> dict:
    return {
        "kind": row["kind"],
        "value": row["value"],
        "e164": row["e164"],
        "is_short_code": row["is_short_code"],
        "cost_note_en": row["cost_note"],
        "notes_en": row["notes"],
        "is_24_7": row["is_24_7"],
        "hours_text": row["hours_text"],
    }


def _periods(row: dict) -> set[tuple[int, datetime.time, datetime.time]]:
    return {
        (day, datetime.time.fromisoformat(opens), datetime.time.fromisoformat(closes))
        for day, opens, closes in row["periods"]
    }


def _sync_channels(resource: Resource, rows: list[dict], languages: dict[str, Language]) -> bool:
    changed = False
    current = {ch.order: ch for ch in resource.channels.all()}
    for row in rows:
        channel = current.pop(row["order"], None) or Channel(resource=resource, order=row["order"])
        if assign(channel, _channel_values(row)) or channel.pk is None:
            _save(channel)
            changed = True
        wanted = {languages[code].pk for code in row["languages"]}
        if {language.pk for language in channel.languages.all()} != wanted:
            channel.languages.set(wanted)
            changed = True
        periods = _periods(row)
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


def _free_org_slug(name: str, taken) -> str:
    """A slug for a new organization; `taken(slug)` says whether one is in use."""
    base = slug_for(name, prefix="org")
    slug, n = base, 1
    while taken(slug):
        n += 1
        slug = f"{base[:75]}-{n}"
    return slug


def _resource_values(row: dict, organization: Organization | None) -> dict:
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
    return values


def _save_resource(row: dict, *, resource: Resource | None, overwrite: bool, context: dict) -> str:
    """Create or update one entry; `resource` is the stored one (see `_EXISTING`), if any."""
    if resource is not None and not overwrite:
        return "skipped"
    organization = None
    if row["organization"]:
        organization = context["organizations"].get(row["organization"])
        if organization is None:
            organization = Organization.objects.create(
                name=row["organization"],
                slug=_free_org_slug(
                    row["organization"],
                    lambda slug: Organization.objects.filter(slug=slug).exists(),
                ),
            )
            context["organizations"][organization.name] = organization
    created = resource is None
    resource = resource or Resource(slug=row["slug"])
    changed = assign(resource, _resource_values(row, organization))
    if changed:
        _save(resource)
    for relation, model_map, keys in (
        ("topics", context["topics"], row["topics"]),
        ("audiences", context["audiences"], row["audiences"]),
        ("languages", context["languages"], row["languages"]),
    ):
        wanted = {model_map[key].pk for key in keys}
        manager = getattr(resource, relation)
        if {obj.pk for obj in manager.all()} != wanted:
            manager.set(wanted)
            changed = True
    changed |= _sync_channels(resource, row["channels"], context["languages"])
    return "created" if created else ("updated" if changed else "unchanged")


# What updating a stored entry compares with the seed, fetched for all entries at once.
_EXISTING = ("topics", "audiences", "languages", "channels__languages", "channels__opening_periods")


def _create_resources(rows: list[dict], *, context: dict, validate: bool) -> None:
    """Add new entries with their organizations, channels, hours and relations in bulk.

    Writes the same rows as `_save_resource` would one by one, in a few queries: each entry
    and channel gets one "+" history record ("Seed import"); hours get none, as before.
    Raises on the first bad record (the caller then loads them one at a time).
    """
    organizations, slugs = context["organizations"], set()
    new_organizations = []
    for name in dict.fromkeys(row["organization"] for row in rows):
        if name and name not in organizations:
            if not slugs:
                slugs = set(Organization.objects.values_list("slug", flat=True))
            organization = Organization(name=name, slug=_free_org_slug(name, slugs.__contains__))
            slugs.add(organization.slug)
            organizations[name] = organization
            new_organizations.append(organization)
    _bulk_create(Organization, new_organizations)

    entries = []
    for row in rows:
        resource = Resource(slug=row["slug"], **_blank_translations(Resource))
        assign(resource, _resource_values(row, organizations.get(row["organization"])))
        _check(resource, validate=validate)
        entries.append((resource, row))
    _bulk_create(Resource, [resource for resource, _row in entries])
    for relation in ("topics", "audiences", "languages"):
        targets = context[relation]
        _link(
            Resource,
            relation,
            {(r.pk, targets[key].pk) for r, row in entries for key in row[relation]},
        )

    channels = []
    for resource, row in entries:
        for item in row["channels"]:
            channel = Channel(
                resource=resource, order=item["order"], **_blank_translations(Channel)
            )
            assign(channel, _channel_values(item))
            # The entry was inserted just above: no need to look it up again per channel.
            _check(channel, validate=validate, exclude=["resource"])
            channels.append((channel, item))
    _bulk_create(Channel, [channel for channel, _item in channels])
    languages = context["languages"]
    _link(
        Channel,
        "languages",
        {(ch.pk, languages[code].pk) for ch, item in channels for code in item["languages"]},
    )
    OpeningPeriod.objects.bulk_create(
        OpeningPeriod(channel=channel, weekday=d, opens=o, closes=c)
        for channel, item in channels
        for d, o, c in _periods(item)
    )


def _load_one(
    row: dict, *, resource: Resource | None, overwrite: bool, context: dict, report: LoadReport
) -> None:
    try:
        with transaction.atomic():
            outcome = _save_resource(row, resource=resource, overwrite=overwrite, context=context)
    except (ValidationError, IntegrityError, KeyError) as exc:
        report.rejected.append(f"{row['slug']}: {_reason(exc)}")
        return
    setattr(report, outcome, getattr(report, outcome) + 1)


def directory_load(*, bundle: SeedBundle, overwrite: bool, validate: bool = True) -> LoadReport:
    """Write a seed bundle to the database in one transaction.

    `overwrite=False` (load_initial_data) only adds what is missing and never touches an
    existing entry, so curators' edits survive every deploy; `overwrite=True`
    (import_directory) updates seeded entries to match the seed. A record that fails
    validation is rolled back alone and reported; the rest still load. `validate=False` is
    for the committed fixture only (see `_check`).

    New entries are inserted in bulk; if any of them fails, that attempt is rolled back and
    they are added one by one instead, so the outcome is the same as one by one.
    """
    report = LoadReport(rejected=list(bundle.rejected), warnings=list(bundle.warnings))
    with transaction.atomic():
        _emergency(bundle.countries, overwrite, validate)
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
        if overwrite:
            stored = Resource.objects.prefetch_related(*_EXISTING)
            existing = {resource.slug: resource for resource in stored}
        else:
            existing = dict.fromkeys(Resource.objects.values_list("slug", flat=True))
        new = []
        for row in bundle.resources:
            if row["slug"] not in existing:
                new.append(row)
            elif overwrite:
                _load_one(
                    row,
                    resource=existing[row["slug"]],
                    overwrite=overwrite,
                    context=context,
                    report=report,
                )
            else:
                report.skipped_existing += 1
        try:
            with transaction.atomic():
                _create_resources(new, context=context, validate=validate)
            report.created += len(new)
        except (ValidationError, IntegrityError, KeyError):
            context["organizations"] = {o.name: o for o in Organization.objects.all()}
            for row in new:
                _load_one(row, resource=None, overwrite=overwrite, context=context, report=report)
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
    # The fixture was validated when it was generated from ../shared/data (see `_check`).
    return directory_load(bundle=SeedBundle.from_json(data), overwrite=overwrite, validate=False)


def seed_translations_load(*, folder: Path, overwrite: bool) -> int:
    """Apply draft translations from `<folder>/<locale>.json`; returns fields written.

    File format: `{"<seed id>": {"name": …, "description": …, "eligibility": …}}`, plus
    optional `"topic:<slug>"` / `"audience:<slug>"` / `"language:<code>"` keys with a
    `"label"`. Every language touched gets a draft TranslationReview (not yet reviewed).
    Without `overwrite` only empty fields are filled; a language a curator has marked
    reviewed is never overwritten. Each entry changed gets one history record naming the
    languages written ("Seed translation (de, ja)").
    """
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    files = []
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
        files.append((lang, data))
    written = 0
    resources = {r.slug: r for r in Resource.objects.all()}
    terms = {
        "topic": {t.slug: t for t in Topic.objects.all()},
        "audience": {a.slug: a for a in Audience.objects.all()},
        "language": {lang.code: lang for lang in Language.objects.all()},
    }
    reviewed = set(
        TranslationReview.objects.filter(state="reviewed").values_list("language", "resource__slug")
    )
    changes: dict[tuple[type, int], tuple[object, set[str], list[str]]] = {}
    reviews: list[tuple[Resource, str]] = []
    for lang, data in files:
        for key, texts in data.items():
            if not isinstance(texts, dict):
                continue
            kind, _sep, slug = key.partition(":")
            if slug and kind in terms:
                term = terms[kind].get(slug)
                if term is not None:
                    written += _translate(
                        term, {"label": texts.get("label")}, lang, overwrite, changes
                    )
                continue
            resource = resources.get(key)
            if resource is None or (lang, key) in reviewed:
                continue
            fields = {name: texts.get(name) for name in TRANSLATED_SEED_FIELDS}
            count = _translate(resource, fields, lang, overwrite, changes)
            if count:
                reviews.append((resource, lang))
            written += count
    with transaction.atomic():
        for obj, fields, _langs in changes.values():
            type(obj).objects.filter(pk=obj.pk).update(
                **{name: getattr(obj, name) for name in fields}
            )
        changed = [obj for obj, _fields, _langs in changes.values() if isinstance(obj, Resource)]
        for obj, _fields, langs in changes.values():
            obj._change_reason = _translation_reason(langs)
        Resource.history.bulk_history_create(changed, update=True)
        have = set(TranslationReview.objects.values_list("resource_id", "language"))
        TranslationReview.objects.bulk_create(
            TranslationReview(resource=resource, language=lang)
            for resource, lang in dict.fromkeys(reviews)
            if (resource.pk, lang) not in have
        )
    return written


def _translate(obj, fields: dict, lang: str, overwrite: bool, changes: dict) -> int:
    """Set the texts of one language on `obj` in memory, noting the changes to write."""
    changed = {}
    for name, text in fields.items():
        if not isinstance(text, str) or not text.strip():
            continue
        attr = build_localized_fieldname(name, lang)
        current = getattr(obj, attr) or ""
        if current != text.strip() and (overwrite or not current):
            changed[attr] = text.strip()
    if changed:
        assign(obj, changed)
        _obj, names, langs = changes.setdefault((type(obj), obj.pk), (obj, set(), []))
        names.update(changed)
        if lang not in langs:
            langs.append(lang)
    return len(changed)


def _translation_reason(langs: list[str]) -> str:
    # History's change reason holds at most 100 characters.
    reason = f"Seed translation ({', '.join(langs)})"
    return reason if len(reason) <= 100 else f"Seed translation ({len(langs)} languages)"


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
    resource._history_user = user
    resource.save()
    return resource


CURATORS = "curators"
# Curators retire entries by status (inactive, defunct) so nothing a visitor may have saved
# silently disappears and the history stays attached: no `delete_resource`. Channels, hours and
# emergency numbers can be deleted (a withdrawn number), their history keeps the deleted row.
# Problem reports come from visitors (no add) and are resolved, never deleted.
CURATOR_MODELS = {
    "resource": ("add", "change", "view"),
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
    from hub.permissions import group_with_exact_permissions

    return group_with_exact_permissions(CURATORS, "resources", CURATOR_MODELS)


def _save_with_history(resource: Resource, *, user, reason: str, fields: list[str]) -> Resource:
    resource._change_reason = reason
    resource._history_user = user
    resource.save(update_fields=[*fields, "updated_at"])
    return resource


@transaction.atomic
def resource_set_status(*, resource: Resource, status: str, user) -> Resource:
    """Change an entry's status (active, temporarily closed, inactive, defunct); never deletes."""
    resource.status = Resource.Status(status)
    return _save_with_history(
        resource, user=user, reason=f"Status set to {status}", fields=["status"]
    )


@transaction.atomic
def resource_set_publication(*, resource: Resource, publication: str, user) -> Resource:
    """Publish an entry or take it back to draft; publishing needs a source (full_clean)."""
    resource.publication = Resource.Publication(publication)
    resource.full_clean()
    return _save_with_history(
        resource, user=user, reason=f"Publication set to {publication}", fields=["publication"]
    )


@transaction.atomic
def resource_schedule_review(*, resource: Resource, due: datetime.date, user) -> Resource:
    """Set the date by which a curator must re-verify the entry."""
    resource.next_review_due = due
    return _save_with_history(
        resource, user=user, reason=f"Review scheduled for {due}", fields=["next_review_due"]
    )


@transaction.atomic
def translation_review_approve(
    *, resource: Resource, language: str, user, when: datetime.datetime | None = None
) -> TranslationReview:
    """Record that a curator reviewed the entry's text in `language`."""
    review, _created = TranslationReview.objects.update_or_create(
        resource=resource,
        language=language,
        defaults={
            "state": TranslationReview.State.REVIEWED,
            "reviewed_by": user,
            "reviewed_at": when or timezone.now(),
        },
    )
    return review


@transaction.atomic
def problem_report_resolve(
    *, report: ProblemReport, user, when: datetime.datetime | None = None
) -> ProblemReport:
    """Close a visitor's problem report, recording who resolved it and when."""
    report.status = ProblemReport.Status.RESOLVED
    report.resolved_by = user
    report.resolved_at = when or timezone.now()
    report.save(update_fields=["status", "resolved_by", "resolved_at"])
    return report
