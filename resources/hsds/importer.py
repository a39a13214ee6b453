"""Storing an HSDS dataset in the directory: the inverse of `export.py`.

Services are matched by id (the UUID derived from the Hub slug that a "field:slug" attribute
carries), created when new and updated field by field otherwise; a service's channels are
made to match its service_at_locations (channels missing from the document are removed, as
the document describes the whole service; simple-history keeps them). Services absent from
the data are never touched. Nothing is written unless the whole import succeeds.

A non-English dataset adds translations to what the English one created: a text equal to
the English text is English fallback, not a translation, and is not stored as one.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import translation
from django_countries import countries
from modeltranslation.utils import build_localized_fieldname

from resources.hsds import vocabulary as v
from resources.hsds.channels import CHANGE_REASON, ChannelImport
from resources.hsds.dataset import Dataset, HsdsError
from resources.models import (
    Audience,
    Channel,
    Country,
    Language,
    Organization,
    Resource,
    Topic,
)
from resources.models.terms import slug_for
from resources.services import assign

# Fields the import reads (or knows to be derived from what it reads); others are reported.
READ = {
    "service": {
        "id", "organization_id", "name", "alternate_name", "description", "url", "email",
        "status", "application_process", "fees_description", "eligibility_description",
        "assured_date", "assurer_email", "alert", "last_modified",
    },
    "organization": {"id", "name", "description", "website"},
    "service_area": {"id", "service_id", "name", "uri"},
    "service_at_location": {"id", "service_id", "location_id", "description"},
    "location": {"id", "location_type", "url", "name", "description"},
    "phone": {"id", "service_id", "service_at_location_id", "number", "type", "description"},
    "contact": {"id", "service_id", "service_at_location_id", "email"},
    "language": {"id", "service_id", "location_id", "phone_id", "name", "code"},
    "schedule": {
        "id", "service_at_location_id", "freq", "wkst", "interval", "byday", "opens_at",
        "closes_at", "description",
    },
    "cost_option": {"id", "service_id", "option", "amount"},
    "attribute": {"id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"},
    "taxonomy_term": {"id", "code", "name", "description", "taxonomy", "language", "taxonomy_id"},
    "taxonomy": {"id", "name", "description", "uri", "version"},
    "meta_table_description": {"id", "name", "language", "character_set"},
}  # fmt: skip


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str, *, created: bool, changed: bool) -> None:
        (self.created if created else self.updated if changed else self.unchanged)[kind] += 1

    def lines(self) -> list[str]:
        kinds = sorted({*self.created, *self.updated, *self.unchanged, *self.removed})
        return [
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged, {self.removed[kind]} removed"
            for kind in kinds
        ]


def hsds_import(*, datasets: list[Dataset]) -> ImportReport:
    """Store HSDS datasets (the English one first), all or nothing."""
    report = ImportReport()
    ordered = sorted(datasets, key=lambda dataset: dataset.language != "en")
    # English active: modeltranslation fills the untranslated columns with the English text.
    with translation.override("en"), transaction.atomic():
        for dataset in ordered:
            _Import(dataset, report).run()
    return report


def _date(value: str | None, where: str, name: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise HsdsError(f"{where}: “{name}” {value!r} is not a date (YYYY-MM-DD).") from exc


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{name}: {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        )
    return "; ".join(exc.messages)


class _Import(ChannelImport):
    def __init__(self, dataset: Dataset, report: ImportReport):
        self.data = dataset
        self.language = dataset.language
        self.report = report
        self.where = "import"
        self.terms = {row["id"]: row for row in dataset.rows("taxonomy_term")}
        self.cache: dict[tuple, object] = {}

    def run(self) -> None:
        self.report_unread()
        rows = []
        for row in self.data.rows("service"):
            self.where = f"{self.language} service {row['id']} ({row.get('name', '')})"
            attributes = self.attributes("service", row["id"])
            rows.append((row, attributes, self.slug(row, attributes)))
        self.preload([slug for _row, _attributes, slug in rows])
        try:
            for row, attributes, slug in rows:
                self.where = f"{self.language} service {row['id']} ({row.get('name', '')})"
                self.service(row, attributes, slug)
        except IntegrityError as exc:
            raise HsdsError(f"{self.where}: the database refused it ({exc}).") from exc

    def preload(self, slugs: list[str]) -> None:
        """Fetch what the services refer to in a fixed number of queries."""
        channels = Channel.objects.order_by("order", "pk").prefetch_related(
            "languages", "opening_periods"
        )
        self.resources = {
            resource.slug: resource
            for resource in Resource.objects.filter(slug__in=slugs).prefetch_related(
                "topics",
                "audiences",
                "languages",
                "countries_served",
                Prefetch("channels", queryset=channels),
            )
        }
        self.known = {
            Topic: {topic.slug: topic for topic in Topic.objects.all()},
            Audience: {audience.slug: audience for audience in Audience.objects.all()},
            Language: {language.code: language for language in Language.objects.all()},
            Country: {str(country.code): country for country in Country.objects.all()},
        }

    def report_unread(self) -> None:
        unread: Counter = Counter()
        for table, rows in self.data.tables.items():
            known = READ.get(table)
            for row in rows.values():
                if known is None:
                    unread[f"{table} rows"] += 1
                unread.update(f"{table}.{key}" for key in row if known and key not in known)
        for what, count in sorted(unread.items()):
            self.report.warnings.append(f"{self.language}: not stored by the Hub: {what} ×{count}")

    # Helpers ------------------------------------------------------------------------------

    def attributes(self, entity: str, link_id: str) -> dict[str, list[tuple[str, str, dict]]]:
        """The Hub-taxonomy attributes of a row: taxonomy → [(code, value, term row)]."""
        found = defaultdict(list)
        for row in self.data.children("attribute", "link_id", link_id):
            if row.get("link_entity", entity) != entity:
                continue
            term = self.terms.get(row.get("taxonomy_term_id"))
            if term is None:
                raise HsdsError(f"{self.where}: attribute {row['id']} has no taxonomy term.")
            taxonomy, sep, code = term.get("code", "").partition(":")
            if not sep or taxonomy not in v.BY_CODE:
                self.report.warnings.append(
                    f"{self.language}: attribute term {term.get('code') or term['name']!r} is "
                    "not one of the Hub's and was not stored"
                )
                continue
            found[taxonomy].append((code, row.get("value", ""), term))
        return found

    def one(self, attributes, taxonomy: str, choices, *, default=None) -> str:
        codes = [code for code, _value, _term in attributes.get(taxonomy, [])]
        if not codes and default is not None:
            return default
        if len(codes) != 1 or codes[0] not in choices:
            raise HsdsError(
                f"{self.where}: needs exactly one “{taxonomy}” attribute "
                f"({', '.join(choices)}), found {codes or 'none'}."
            )
        return codes[0]

    @staticmethod
    def values(attributes, name: str) -> list[str]:
        return [value for code, value, _term in attributes.get("field", []) if code == name]

    def set_texts(self, obj, texts: dict[str, str | None]) -> bool:
        """Store texts in the dataset's language; English fallback is not a translation."""
        changed = False
        for name, value in texts.items():
            value = value or ""
            english = build_localized_fieldname(name, "en")
            if self.language == "en":
                if (getattr(obj, english) or "") != value:
                    setattr(obj, english, value)
                    changed = True
                continue
            own = build_localized_fieldname(name, self.language)
            current = getattr(obj, own) or ""
            fallback = getattr(obj, english) or ""
            if value == (current or fallback):
                continue
            setattr(obj, own, "" if value == fallback else value)
            changed = True
        return changed

    def save(self, obj, kind: str, *, created: bool) -> None:
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise HsdsError(f"{self.where}: {kind} cannot be stored: {_errors(exc)}") from exc
        obj._change_reason = CHANGE_REASON
        obj.save()

    def must_exist(self, what: str) -> None:
        if self.language != "en":
            raise HsdsError(
                f"{self.where}: {what} is not in the directory yet; import the English "
                "dataset first (translations only add to it)."
            )

    # Lookups --------------------------------------------------------------------------------

    def term_object(self, model, code: str, name: str):
        key = (model, code)
        if key in self.cache:
            return self.cache[key]
        obj = self.known[model].get(code)
        created = obj is None
        if created:
            self.must_exist(f"{model._meta.verbose_name} “{code}”")
            obj = model(slug=code)
        changed = self.set_texts(obj, {"label": name})
        if created or changed:
            self.save(obj, str(model._meta.verbose_name), created=created)
        self.report.count(str(model._meta.verbose_name_plural), created=created, changed=changed)
        self.cache[key] = obj
        return obj

    def language_object(self, row: dict) -> Language:
        code = row.get("code")
        if not code:
            raise HsdsError(f"{self.where}: language {row['id']} has no “code”.")
        key = (Language, code)
        if key in self.cache:
            return self.cache[key]
        language = self.known[Language].get(code)
        created = language is None
        if created:
            self.must_exist(f"language “{code}”")
            language = Language(code=code)
        changed = self.set_texts(language, {"label": row.get("name") or code})
        if created or changed:
            self.save(language, "language", created=created)
        self.report.count("languages", created=created, changed=changed)
        self.cache[key] = language
        return language

    def country(self, code: str) -> Country:
        key = (Country, code)
        if key not in self.cache:
            country = self.known[Country].get(code)
            created = country is None
            if created:
                country = self.known[Country][code] = Country.objects.create(code=code)
            self.report.count("countries", created=created, changed=False)
            self.cache[key] = country
        return self.cache[key]

    def organization(self, row: dict, service_slug: str) -> Organization | None:
        org_id = row.get("organization_id")
        if not org_id or org_id == v.own_organization_id(service_slug):
            return None
        key = (Organization, org_id)
        if key in self.cache:
            return self.cache[key]
        org_row = self.data.get("organization", org_id)
        if org_row is None:
            raise HsdsError(f"{self.where}: its organization {org_id} is not in the data.")
        slugs = self.values(self.attributes("organization", org_id), "slug")
        name = org_row["name"]
        if slugs and v.organization_id(slugs[0]) != org_id:
            raise HsdsError(f"{self.where}: organization {org_id} does not match “{slugs[0]}”.")
        organization = (
            Organization.objects.filter(slug=slugs[0]).first()
            if slugs
            else Organization.objects.filter(name=name).first()
        )
        created = organization is None
        if created:
            self.must_exist(f"organization “{name}”")
            organization = Organization(slug=slugs[0] if slugs else slug_for(name, prefix="org"))
        if Organization.objects.filter(name=name).exclude(pk=organization.pk).exists():
            raise HsdsError(f"{self.where}: another organization is already called “{name}”.")
        changed = assign(organization, {"name": name, "website": org_row.get("website", "")})
        if created or changed:
            self.save(organization, "organization", created=created)
        self.report.count("organizations", created=created, changed=changed)
        self.cache[key] = organization
        return organization

    # Services -------------------------------------------------------------------------------

    def slug(self, row: dict, attributes) -> str:
        slugs = self.values(attributes, "slug")
        if len(slugs) > 1:
            raise HsdsError(f"{self.where}: has {len(slugs)} Hub identifiers (field:slug).")
        if slugs:
            if v.service_id(slugs[0]) != row["id"]:
                raise HsdsError(f"{self.where}: its id does not match its slug “{slugs[0]}”.")
            return slugs[0]
        for slug in Resource.objects.values_list("slug", flat=True):
            if v.service_id(slug) == row["id"]:
                return slug
        if "name" not in row:
            raise HsdsError(f"{self.where}: has neither a name nor a Hub identifier.")
        return slug_for(row["name"], prefix="service")

    def coverage(self, service_id: str) -> tuple[str | None, bool, list[str]]:
        home, international, served = None, False, []
        for area in self.data.children("service_area", "service_id", service_id):
            coverage = self.one(
                self.attributes("service_area", area["id"]), "coverage", list(v.COVERAGE)
            )
            if coverage == "international":
                international = True
                continue
            uri = area.get("uri", "")
            code = uri.rpartition(":")[2] if uri.startswith(v.ISO_3166_URI[:-6]) else ""
            if code not in countries:
                raise HsdsError(
                    f"{self.where}: service area {area['id']} names no ISO 3166 country "
                    f"(its uri must be {v.ISO_3166_URI.format(code='XX')})."
                )
            if coverage == "served":
                served.append(code)
            elif home not in (None, code):
                raise HsdsError(f"{self.where}: has two home countries, {home} and {code}.")
            else:
                home = code
        if home is None and not international:
            raise HsdsError(f"{self.where}: needs a home country or international coverage.")
        return home, international, served

    def service(self, row: dict, attributes, slug: str) -> None:
        resource = self.resources.get(slug)
        created = resource is None
        if created:
            self.must_exist("this service")
        status = v.STATUS_FROM_HSDS.get(row.get("status"))
        if status is None:
            raise HsdsError(f"{self.where}: unknown status {row.get('status')!r}.")
        sources = self.values(attributes, "source")
        if not sources:
            raise HsdsError(f"{self.where}: has no source (field:source attribute).")
        home, international, served = self.coverage(row["id"])
        assured = _date(row.get("assured_date"), self.where, "assured_date")
        verified_at = resource.verified_at if resource else None
        if assured is None:
            verified_at = None
        elif verified_at is None or verified_at.astimezone(datetime.UTC).date() != assured:
            verified_at = datetime.datetime.combine(assured, datetime.time(), datetime.UTC)
        costs = [
            self.one(self.attributes("cost_option", cost["id"]), "cost", Resource.Cost.values)
            for cost in self.data.children("cost_option", "service_id", row["id"])
        ]
        delivery = {code for code, _value, _term in attributes.get("delivery", [])}
        timezones = self.values(attributes, "timezone")
        values = {
            "local_name": row.get("alternate_name", ""),
            "website": row.get("url", ""),
            "status": status,
            "type": self.one(attributes, "type", Resource.Type.values),
            "cost": costs[0] if costs else "",
            "verification": self.one(
                attributes,
                "verification",
                Resource.Verification.values,
                default=Resource.Verification.SOURCED,
            ),
            "verified_at": verified_at,
            "source_url": sources[0],
            "additional_sources": sources[1:],
            "source_seen": _date(
                (self.values(attributes, "source_seen") or [""])[0], self.where, "source_seen"
            ),
            "timezone": timezones[0] if timezones else "",
            "country_id": self.country(home).pk if home else None,
            "is_international": international,
            "organization_id": getattr(self.organization(row, slug), "pk", None),
            **{f"offers_{mode}": mode in delivery for mode in v.DELIVERY},
        }
        confidentiality = self.values(attributes, "confidentiality")
        texts = {
            "name": row.get("name"),
            "description": row.get("description"),
            "eligibility": row.get("eligibility_description"),
            "what_to_expect": row.get("application_process"),
            "alert": row.get("alert"),
            "cost_note": row.get("fees_description"),
            "confidentiality_note": confidentiality[0] if confidentiality else "",
        }
        if created:
            resource = Resource(slug=slug, publication=Resource.Publication.PUBLISHED)
        changed = assign(resource, values)
        changed |= self.set_texts(resource, texts)
        if created or changed:
            self.save(resource, "the service", created=created)
        relations = {
            "topics": [
                self.term_object(Topic, code, term["name"])
                for code, _value, term in attributes.get("topic", [])
            ],
            "audiences": [
                self.term_object(Audience, code, term["name"])
                for code, _value, term in attributes.get("audience", [])
            ],
            "languages": [
                self.language_object(language)
                for language in self.data.children("language", "service_id", row["id"])
            ],
            "countries_served": [self.country(code) for code in served],
        }
        for name, objects in relations.items():
            manager = getattr(resource, name)
            if {obj.pk for obj in objects} != {obj.pk for obj in manager.all()}:
                manager.set(objects)
                changed = True
        changed |= self.channels(resource, row)
        if row.get("last_modified"):
            modified = datetime.datetime.fromisoformat(row["last_modified"])
            # Exports give whole seconds; a sub-second difference is no change.
            if changed or resource.updated_at.replace(microsecond=0) != modified:
                # save() stamps "now"; the dataset's own date is what it last changed.
                Resource.objects.filter(pk=resource.pk).update(updated_at=modified)
                changed = True
        self.report.count("services", created=created, changed=changed)
