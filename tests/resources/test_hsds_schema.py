"""The HSDS table definitions in resources/hsds/tables.py against the official files."""

import copy
import json

from resources.hsds.tables import TABLES, link_field
from tests.resources.hsds_schemas import (
    json_errors,
    load,
    nested_schemas,
    requires_spec,
    strict_service_validator,
    validator,
)

pytestmark = requires_spec


def essentials(field: dict) -> tuple:
    constraints = field.get("constraints", {})
    return (
        field["name"],
        field["type"],
        field.get("format", ""),
        bool(constraints.get("required")),
        bool(constraints.get("unique")),
        tuple(constraints.get("enum", ())),
    )


def test_tables_match_the_official_tabular_data_package():
    official = load("datapackage.json")["resources"]
    assert [t.name for t in TABLES] == [r["name"] for r in official]
    for table, resource in zip(TABLES, official, strict=True):
        ours = table.descriptor()
        assert ours["path"] == resource["path"]
        assert [essentials(f) for f in ours["schema"]["fields"]] == [
            essentials(f) for f in resource["schema"]["fields"]
        ], table.name
        assert ours["schema"].get("primaryKey") == resource["schema"].get("primaryKey")
        assert ours["schema"].get("foreignKeys", []) == resource["schema"].get("foreignKeys", [])


def test_json_fields_and_nesting_match_the_official_json_schemas():
    for table in TABLES:
        properties = load(f"schema/{table.name}.json")["properties"]
        nested = nested_schemas(table.name)
        assert table.field_names == tuple(k for k in properties if k not in nested), table.name
        assert {key: child for key, child, _many in table.nested} == nested, table.name
        for key, child, many in table.nested:
            where, link = link_field(table.name, key, child, many)
            # The link field must exist on the side that holds it.
            holder = child if where == "child" else table.name
            assert link in load(f"schema/{holder}.json")["properties"], (table.name, key, link)


def test_a_service_package_is_an_array_of_compiled_service_documents():
    package = load("schema/compiled/service_package.json")
    assert package["type"] == "array"
    assert package["items"] == load("schema/compiled/service.json")


def test_the_validators_are_not_vacuous():
    example = load("examples/service_full.json")
    assert list(validator("service.json").iter_errors(example)) == []
    broken = copy.deepcopy(example)
    del broken["id"]
    broken["status"] = "nonsense"
    broken["phones"][0]["id"] = "not-a-uuid"
    broken["colour"] = "blue"
    messages = [e.message for e in validator("service.json").iter_errors(broken)]
    assert any("'id' is a required property" in m for m in messages)
    assert any("'nonsense' is not one of" in m for m in messages)
    assert any("is not a 'uuid'" in m for m in messages)
    strict = [e.message for e in strict_service_validator().iter_errors(broken)]
    assert any("'colour' was unexpected" in m for m in strict)
    assert any("'nonsense' is not one of" in m for m in strict)


def test_json_errors_walks_nested_objects(tmp_path):
    example = load("examples/service_full.json")
    example["service_at_locations"][0]["location"]["location_type"] = "spaceship"
    path = tmp_path / "services.json"
    path.write_text(json.dumps([example]), encoding="utf-8")
    errors, counts = json_errors(path)
    assert any("location_type" in e and "spaceship" in e for e in errors)
    assert counts["location"] >= 1 and counts["language"] >= 1
