"""Seed fixtures in the shapes hub/emergency.py reads, built from ../shared/data (tests only)."""

import json
from pathlib import Path

from django.conf import settings

SHARED_NUMBERS = Path(settings.BASE_DIR).parent / "shared" / "data" / "emergency_numbers.json"
KINDS = ("general", "police", "ambulance", "fire")


def shared_numbers() -> list[dict]:
    return json.loads(SHARED_NUMBERS.read_text(encoding="utf-8"))


def fixture_with_integer_keys() -> list[dict]:
    """Country rows keyed by id with a `code` field; numbers point at the id."""
    objects, pk = [], 0
    for country_pk, record in enumerate(shared_numbers(), start=1):
        objects.append(
            {"model": "resources.country", "pk": country_pk, "fields": {"code": record["country"]}}
        )
        for kind in KINDS:
            for dial in record[kind]:
                pk += 1
                objects.append(
                    {
                        "model": "resources.emergencynumber",
                        "pk": pk,
                        "fields": {"country": country_pk, "kind": kind, "number": dial},
                    }
                )
    return objects


def fixture_with_natural_keys() -> list[dict]:
    """Countries keyed by ISO code; numbers use a natural key and other field names."""
    objects = []
    for record in shared_numbers():
        objects.append({"model": "resources.country", "pk": record["country"], "fields": {}})
        for kind in KINDS:
            for dial in record[kind]:
                objects.append(
                    {
                        "model": "resources.emergencynumber",
                        "fields": {
                            "country": [record["country"]],
                            "service": kind,
                            "dial_string": dial,
                        },
                    }
                )
    return objects


def fixture_with_embedded_numbers() -> list[dict]:
    return [
        {
            "model": "resources.country",
            "pk": record["country"],
            "fields": {"emergency_numbers": {kind: record[kind] for kind in KINDS}},
        }
        for record in shared_numbers()
    ]


def write_fixture(path: Path, objects: list[dict]) -> Path:
    path.write_text(json.dumps(objects), encoding="utf-8")
    return path


def directory_bundle() -> dict:
    """The shape `import_directory --save-fixture` writes (fixtures/directory.json)."""
    return {
        "format": "hub-directory/1",
        "countries": [
            {
                "code": record["country"],
                "emergency_numbers": [
                    {"kind": kind, "number": dial, "order": n}
                    for n, (kind, dial) in enumerate(
                        (kind, dial) for kind in KINDS for dial in record[kind]
                    )
                ],
            }
            for record in shared_numbers()
        ],
    }
