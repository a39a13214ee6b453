"""Validation against the official Open Referral HSDS 3.0 schemas, read from ../shared/specs.

JSON: jsonschema (draft 2020-12) with a local `referencing` registry, so the schemas' bare
sibling refs ("organization.json") resolve without the network, as the spec folder's README
recommends. CSV: Frictionless, with the official datapackage.json applied to our folder.
"""

import copy
import functools
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

SPEC = Path(
    os.environ.get("HSDS_SPEC_DIR") or settings.BASE_DIR.parent / "shared" / "specs" / "hsds-3.0"
)
SCHEMAS = SPEC / "schema"
BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

# Without ../shared (a developer's laptop) the schema tests are skipped; CI always has it.
requires_spec = pytest.mark.skipif(
    not SCHEMAS.is_dir() and not os.environ.get("CI"),
    reason=f"HSDS 3.0 schemas not found at {SPEC}",
)


def load(relative: str):
    return json.loads((SPEC / relative).read_text(encoding="utf-8"))


@functools.cache
def registry() -> Registry:
    """Schema files are loaded when first referenced (the compiled ones are megabytes)."""

    def retrieve(uri: str):
        if not uri.startswith(BASE):
            raise NoSuchResource(ref=uri)
        path = SCHEMAS / uri.removeprefix(BASE)
        return DRAFT202012.create_resource(json.loads(path.read_text(encoding="utf-8")))

    return Registry(retrieve=retrieve)


@functools.cache
def validator(entry: str) -> Draft202012Validator:
    """A validator for a schema file under schema/, e.g. "phone.json" or "compiled/service.json"."""
    return Draft202012Validator(
        {"$ref": BASE + entry}, registry=registry(), format_checker=FormatChecker()
    )


@functools.cache
def strict_service_validator() -> Draft202012Validator:
    """compiled/service.json with additionalProperties false everywhere (upstream CI's mode)."""
    schema = copy.deepcopy(load("schema/compiled/service.json"))

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                node.setdefault("additionalProperties", False)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@functools.cache
def nested_schemas(name: str) -> dict[str, str]:
    """For a modular schema, each property holding other objects → that object's schema name."""
    nested = {}
    for key, prop in load(f"schema/{name}.json")["properties"].items():
        ref = prop.get("items", {}).get("$ref") if prop.get("type") == "array" else prop.get("$ref")
        if ref:
            nested[key] = ref.removesuffix(".json")
    return nested


def _errors(validator_, instance, where: str) -> list[str]:
    return [f"{where}{e.json_path[1:]}: {e.message}" for e in validator_.iter_errors(instance)]


def validate_object(name: str, obj: dict, where: str, counts: Counter, seen=None) -> list[str]:
    """Check one object against schema/<name>.json, then everything nested inside it."""
    counts[name] += 1
    # Nested objects are checked against their own schema below, not twice; an object
    # repeated verbatim (the same taxonomy under every attribute) is checked once.
    nested = nested_schemas(name)
    shallow = {key: value for key, value in obj.items() if key not in nested}
    seen = set() if seen is None else seen
    key = (name, json.dumps(shallow, sort_keys=True))
    errors = [] if key in seen else _errors(validator(f"{name}.json"), shallow, where)
    seen.add(key)
    for key, child in nested.items():
        value = obj.get(key)
        items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        for i, item in enumerate(items):
            errors += validate_object(child, item, f"{where}.{key}[{i}]", counts, seen)
    return errors


def json_errors(path: Path) -> tuple[list[str], Counter]:
    """Every error of a services.json: as a service package, i.e. an array of documents valid
    against compiled/service.json (checked in strict mode, which also rejects fields HSDS does
    not define; test_hsds_schema.py shows the package schema is exactly that array), and each
    nested object against its own modular schema file."""
    documents = json.loads(path.read_text(encoding="utf-8"))
    counts: Counter = Counter()
    seen: set = set()
    errors = [] if isinstance(documents, list) else ["$: a service package is an array"]
    for i, document in enumerate(documents):
        errors += _errors(strict_service_validator(), document, f"$[{i}]")
        errors += validate_object("service", document, f"$[{i}]", counts, seen)
    return errors, counts


def csv_errors(folder: Path) -> list[str]:
    """Frictionless errors of the CSV tables in `folder` read with the official package."""
    from frictionless import Package

    report = Package(load("datapackage.json"), basepath=str(folder)).validate()
    return [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
