"""Emergency numbers for pages that must work when nothing else does (the error pages).

Read order: the cache, then (only where the caller allows it) the database, then the
committed seed fixture `fixtures/directory.json`. Every number comes from the seed data
with its source; nothing here is typed in. The readers do not import the models and
accept the directory bundle as well as Django's fixture shape, so an error page never
fails because the directory app changed or the database is down.
"""

import functools
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

logger = logging.getLogger(__name__)

CACHE_KEY = "hub:emergency-numbers:v1"
# When the database could not be read, try it again after this long.
RETRY_DATABASE_SECONDS = 60
KINDS = ("general", "ambulance", "police", "fire")

_COUNTRY_CODE_FIELDS = ("code", "iso_code", "iso", "alpha2", "country_code", "cc", "country")
_NUMBER_FIELDS = ("dial_string", "number", "dial", "value", "digits", "phone", "phone_number")
_KIND_FIELDS = ("kind", "service", "type", "category", "purpose")
_EMBEDDED_FIELDS = ("emergency_numbers", "emergency")


@dataclass(frozen=True)
class EmergencyNumber:
    kind: str
    dial: str

    @property
    def tel(self) -> str:
        """The `tel:` target: digits (and a leading +) only; short codes stay unprefixed.

        Empty for anything that is not a plain number (letters, "ext."), which then gets no link.
        """
        dial = self.dial.strip()
        if re.search(r"[^\d\s().+-]", dial):
            return ""
        return re.sub(r"(?!^\+)\D", "", dial)


@dataclass(frozen=True)
class CountryNumbers:
    country: str
    numbers: tuple[EmergencyNumber, ...]


def emergency_numbers(*, use_database: bool = True) -> dict[str, CountryNumbers]:
    """Every country's emergency numbers by ISO code, without ever raising."""
    rows = _cache_get()
    if rows is None and use_database:
        rows = _from_database() or None  # an empty directory: the seed beats nothing
        if rows:
            _cache_set(rows, settings.EMERGENCY_CACHE_SECONDS)
    if rows is None:
        rows = _from_fixture(settings.EMERGENCY_FIXTURE)
        if use_database:
            # The database did not answer (or had none): use the seed a while, then ask again.
            _cache_set(rows, RETRY_DATABASE_SECONDS)
    return _build(rows)


def refresh_emergency_numbers() -> int:
    """Reload the cache from the database (call after importing or editing numbers)."""
    rows = _from_database()
    if rows is None:
        return 0
    _cache_set(rows, settings.EMERGENCY_CACHE_SECONDS)
    return len(rows)


def _build(rows: list[tuple[str, str, str]]) -> dict[str, CountryNumbers]:
    by_country: dict[str, list[EmergencyNumber]] = {}
    for country, kind, dial in rows:
        numbers = by_country.setdefault(country, [])
        number = EmergencyNumber(kind=kind, dial=dial)
        if number.tel and number not in numbers:
            numbers.append(number)
    order = {kind: index for index, kind in enumerate(KINDS)}
    return {
        country: CountryNumbers(
            country=country,
            numbers=tuple(sorted(numbers, key=lambda n: order.get(n.kind, len(order)))),
        )
        for country, numbers in sorted(by_country.items())
        if numbers
    }


def _cache_get() -> list[tuple[str, str, str]] | None:
    try:
        rows = cache.get(CACHE_KEY)
    except Exception:  # A cache server outage must not take the error page down with it.
        logger.warning("emergency numbers: cache unavailable", exc_info=True)
        return None
    return [tuple(row) for row in rows] if isinstance(rows, list) else None


def _cache_set(rows: list[tuple[str, str, str]], timeout: int) -> None:
    try:
        cache.set(CACHE_KEY, [list(row) for row in rows], timeout)
    except Exception:
        logger.warning("emergency numbers: cache unavailable", exc_info=True)


def _from_database() -> list[tuple[str, str, str]] | None:
    try:
        country_model = apps.get_model("resources", "Country")
        number_model = apps.get_model("resources", "EmergencyNumber")
    except LookupError:
        return None
    try:
        objects = [
            {"model": "resources.country", "pk": row.pop("pk"), "fields": row}
            for row in country_model.objects.values("pk", *_field_names(country_model))
        ]
        objects += [
            {"model": "resources.emergencynumber", "pk": row.pop("pk"), "fields": row}
            for row in number_model.objects.values("pk", *_field_names(number_model))
        ]
    except DatabaseError:
        logger.warning("emergency numbers: database unavailable, using the seed fixture")
        return None
    return rows_from_fixture_objects(objects)


def _field_names(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not f.primary_key]


def _from_fixture(path: Path) -> list[tuple[str, str, str]]:
    try:
        modified = Path(path).stat().st_mtime_ns
    except OSError:
        logger.warning("emergency numbers: no seed fixture at %s", path)
        return []
    return list(_parse_fixture(str(path), modified))


@functools.lru_cache(maxsize=4)
def _parse_fixture(path: str, modified: int) -> tuple[tuple[str, str, str], ...]:
    """The fixture's rows, parsed once per file version (it is large; error pages are not)."""
    try:
        objects = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning("emergency numbers: unreadable seed fixture at %s", path)
        return ()
    return tuple(rows_from_fixture_objects(objects))


def rows_from_fixture_objects(objects: object) -> list[tuple[str, str, str]]:
    """(country, kind, dial string) rows from the seed; skips whatever it cannot read.

    Reads the directory bundle (`{"countries": [{"code", "emergency_numbers": [...]}]}`,
    what `import_directory --save-fixture` writes) and Django's fixture format.
    """
    if isinstance(objects, dict) and isinstance(objects.get("countries"), list):
        return [
            row
            for country in objects["countries"]
            if isinstance(country, dict) and _country_code(None, country)
            for row in _embedded_numbers(_country_code(None, country), country)
        ]
    if not isinstance(objects, list):
        return []
    countries: dict[object, str] = {}
    rows: list[tuple[str, str, str]] = []
    numbers = []
    for obj in objects:
        if not isinstance(obj, dict) or not isinstance(obj.get("fields"), dict):
            continue
        model = str(obj.get("model", "")).lower()
        fields = obj["fields"]
        if model == "resources.country":
            code = _country_code(obj.get("pk"), fields)
            if code:
                countries[_hashable(obj.get("pk"))] = code
                rows += _embedded_numbers(code, fields)
        elif model == "resources.emergencynumber":
            numbers.append(fields)
    for fields in numbers:
        country = _first(fields, ("country", "country_id"))
        if isinstance(country, list) and country:  # natural key, e.g. ["GB"]
            country = country[0]
        code = countries.get(_hashable(country)) or _as_code(country)
        dial = _first(fields, _NUMBER_FIELDS)
        if not code or not isinstance(dial, str) or not dial.strip():
            continue
        kind = _kind(_first(fields, _KIND_FIELDS))
        if kind:
            rows.append((code, kind, dial.strip()))
    return rows


def _embedded_numbers(code: str, fields: dict) -> list[tuple[str, str, str]]:
    """Numbers kept on the country: `[{"kind": "police", "number": "110"}, ...]` or
    `{"general": ["112"], "police": [...]}`."""
    embedded = _first(fields, _EMBEDDED_FIELDS)
    if isinstance(embedded, list):
        rows = []
        for entry in embedded:
            if not isinstance(entry, dict):
                continue
            kind, dial = _kind(_first(entry, _KIND_FIELDS)), _first(entry, _NUMBER_FIELDS)
            if kind and isinstance(dial, str) and dial.strip():
                rows.append((code, kind, dial.strip()))
        return rows
    if not isinstance(embedded, dict):
        return []
    return [
        (code, _kind(kind), dial.strip())
        for kind, dials in embedded.items()
        if _kind(kind) and isinstance(dials, list)
        for dial in dials
        if isinstance(dial, str) and dial.strip()
    ]


def _country_code(pk: object, fields: dict) -> str | None:
    for name in _COUNTRY_CODE_FIELDS:
        code = _as_code(fields.get(name))
        if code:
            return code
    return _as_code(pk)


def _as_code(value: object) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z]{2}", value.strip()):
        return value.strip().upper()
    return None


def _kind(value: object) -> str | None:
    """One of KINDS (a missing kind means general); None for kinds we cannot label."""
    value = str(value or "general").strip().lower()
    return value if value in KINDS else None


def _first(fields: dict, names: tuple[str, ...]) -> object:
    for name in names:
        if fields.get(name) not in (None, "", []):
            return fields[name]
    return None


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value
