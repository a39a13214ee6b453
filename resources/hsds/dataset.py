"""An HSDS dataset in memory: one list of rows per table, as the tabular form has it.

Export builds a dataset from the database and writes it as CSV tables or nests it into JSON
service documents; import reads either form back into a dataset before touching the
database, so both formats share one set of checks and one mapping.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from resources.hsds.tables import BY_NAME, TABLES, link_field

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
FORMATS = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "time": re.compile(r"^\d{2}:\d{2}(:\d{2})?$"),
    "datetime": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$"),
}


class HsdsError(Exception):
    """Input that cannot be read as HSDS 3.0, or cannot be stored; the message says where."""


@dataclass
class Dataset:
    language: str
    tables: dict[str, dict[str, dict]] = field(default_factory=dict)

    def __post_init__(self):
        self._indexes: dict[tuple[str, str], dict[str, list[dict]]] = {}

    def add(self, table: str, row: dict, *, where: str = "") -> str:
        """Add a row, merging it with an earlier row of the same id (nested JSON repeats them)."""
        row = {key: value for key, value in row.items() if value not in (None, "")}
        row_id = row.get("id")
        if not isinstance(row_id, str) or not UUID.match(row_id):
            raise HsdsError(f"{where or table}: “id” must be a UUID, not {row_id!r}.")
        self._indexes.clear()
        rows = self.tables.setdefault(table, {})
        existing = rows.get(row_id)
        if existing is None:
            rows[row_id] = row
            return row_id
        for key, value in row.items():
            if key in existing and existing[key] != value:
                raise HsdsError(
                    f"{where or table}: {table} {row_id} appears twice with different "
                    f"“{key}”: {existing[key]!r} and {value!r}."
                )
            existing[key] = value
        return row_id

    def rows(self, table: str) -> list[dict]:
        return list(self.tables.get(table, {}).values())

    def get(self, table: str, row_id: str | None) -> dict | None:
        return self.tables.get(table, {}).get(row_id) if row_id else None

    def counts(self) -> dict[str, int]:
        return {table.name: len(self.tables.get(table.name, {})) for table in TABLES}

    def children(self, table: str, link: str, parent_id: str) -> list[dict]:
        index = self._indexes.get((table, link))
        if index is None:
            index = defaultdict(list)
            for row in self.rows(table):
                if link in row:
                    index[row[link]].append(row)
            self._indexes[(table, link)] = index
        return index.get(parent_id, [])

    def check(self) -> None:
        """Check every row against the HSDS field types, formats and enumerations."""
        self._indexes.clear()
        for name, rows in self.tables.items():
            table = BY_NAME[name]
            for row in rows.values():
                where = f"{name} {row['id']}"
                for key, value in row.items():
                    spec = table.by_name.get(key)
                    if spec is None:
                        raise HsdsError(f"{where}: “{key}” is not an HSDS 3.0 {name} field.")
                    _check_value(where, spec, value)
                for spec in table.fields:
                    if spec.required and spec.name not in row and not spec.name.endswith("_id"):
                        raise HsdsError(f"{where}: the required field “{spec.name}” is missing.")
                for link, target in table.foreign_keys:
                    if link in row and row[link] not in self.tables.get(target, {}):
                        raise HsdsError(
                            f"{where}: “{link}” {row[link]} points at no {target} in the data."
                        )

    # JSON: nesting and flattening service documents ---------------------------------------

    def documents(self, table: str = "service") -> list[dict]:
        """The rows of `table` as nested HSDS JSON documents (children inline, no *_id links)."""
        self._indexes.clear()
        return [self._nest(table, row, top=True) for row in self.rows(table)]

    def _nest(self, name: str, row: dict, *, top: bool = False) -> dict:
        table = BY_NAME[name]
        document = {
            key: row[key]
            for key in table.field_names
            if key in row and (key == "id" or not key.endswith("_id") or top)
        }
        for key, child, many in table.nested:
            where, link = link_field(name, key, child, many)
            if where == "child":
                rows = self.children(child, link, row["id"])
                if child == "attribute":
                    rows = [r for r in rows if r.get("link_entity") == name]
                if rows:
                    document[key] = [self._nest(child, r) for r in rows]
            elif (nested := self.get(child, row.get(link))) is not None:
                document[key] = self._nest(child, nested)
        return document

    def add_document(self, name: str, document, *, where: str, parent=None) -> str:
        """Flatten one nested JSON object (and everything inside it) into the tables."""
        table = BY_NAME[name]
        if not isinstance(document, dict):
            raise HsdsError(f"{where}: expected an HSDS {name} object, not {_kind(document)}.")
        row = {}
        for key, value in document.items():
            if key in table.by_name:
                row[key] = value
            elif key not in table.nested_keys:
                raise HsdsError(f"{where}: “{key}” is not an HSDS 3.0 {name} field.")
        if parent is not None:
            parent_name, parent_id, link = parent
            _set_link(row, link, parent_id, where)
            if name == "attribute":
                _set_link(row, "link_entity", parent_name, where)
            if name == "metadata":
                _set_link(row, "resource_type", parent_name, where)
        arrays = []
        for key, (child, many) in table.nested_keys.items():
            if key not in document or document[key] is None:
                continue
            _side, link = link_field(name, key, child, many)
            if many:
                if not isinstance(document[key], list):
                    raise HsdsError(f"{where}.{key}: expected an array of {child} objects.")
                arrays.append((key, child, link))
            else:
                child_id = self.add_document(child, document[key], where=f"{where}.{key}")
                _set_link(row, link, child_id, where)
        row_id = self.add(name, row, where=where)
        for key, child, link in arrays:
            for i, item in enumerate(document[key]):
                self.add_document(
                    child, item, where=f"{where}.{key}[{i}]", parent=(name, row_id, link)
                )
        return row_id


def _set_link(row: dict, key: str, value: str, where: str) -> None:
    if row.get(key) not in (None, "", value):
        raise HsdsError(f"{where}: “{key}” is {row[key]!r} but the object sits in {value!r}.")
    row[key] = value


def _kind(value) -> str:
    return {dict: "an object", list: "an array", str: "a string"}.get(type(value), repr(value))


def _check_value(where: str, spec, value) -> None:
    if spec.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise HsdsError(f"{where}: “{spec.name}” must be a number, not {value!r}.")
        return
    if not isinstance(value, str):
        raise HsdsError(f"{where}: “{spec.name}” must be a string, not {_kind(value)}.")
    if spec.format == "uuid" and not UUID.match(value):
        raise HsdsError(f"{where}: “{spec.name}” must be a UUID, not {value!r}.")
    pattern = FORMATS.get(spec.type)
    if pattern and not pattern.match(value):
        raise HsdsError(f"{where}: “{spec.name}” must be a {spec.type}, not {value!r}.")
    if spec.enum and value not in spec.enum:
        allowed = ", ".join(spec.enum)
        raise HsdsError(f"{where}: “{spec.name}” must be one of {allowed}, not {value!r}.")
