"""Reading and writing HSDS datasets as JSON service documents or a tabular CSV package.

Layout of one dataset (one language):
- JSON: `services.json`, an array of full service documents (HSDS `service_package`);
- CSV: `datapackage.json` (a Frictionless tabular data package) and one CSV file per HSDS
  table, every table written even when empty so the package is complete.
"""

import csv
import io
import json
from pathlib import Path

from django.conf import settings

from resources.hsds.dataset import Dataset, HsdsError
from resources.hsds.tables import BY_NAME, TABLES
from resources.hsds.vocabulary import bcp47, hsds_id

SERVICES_FILE = "services.json"
PACKAGE_FILE = "datapackage.json"


def write_json(dataset: Dataset, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SERVICES_FILE
    path.write_text(dumps(dataset.documents()), encoding="utf-8")
    return path


def dumps(documents) -> str:
    return json.dumps(documents, ensure_ascii=False, indent=2) + "\n"


def write_csv(dataset: Dataset, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    language = bcp47(dataset.language)
    for table in TABLES:
        dataset.add(
            "meta_table_description",
            {
                "id": hsds_id("meta_table_description", table.name),
                "name": table.name,
                "language": language,
                "character_set": "UTF-8",
            },
        )
    for table in TABLES:
        with (folder / table.path).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(table.field_names)
            for row in dataset.rows(table.name):
                writer.writerow([_cell(row.get(name)) for name in table.field_names])
    package = {
        "profile": "tabular-data-package",
        "name": f"global-mental-health-resource-hub-{dataset.language}",
        "title": "Global Mental Health Resource Hub: directory (HSDS 3.0)",
        "description": (
            "Crisis lines, helplines and music-industry support programmes, as Open Referral "
            f"HSDS 3.0 tables. Text language: {language}, with English where no translation "
            "exists yet."
        ),
        "language": language,
        "resources": [table.descriptor() for table in TABLES],
    }
    path = folder / PACKAGE_FILE
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read(path: Path, *, language: str | None = None) -> Dataset:
    """Read one dataset: a services.json file, or a folder holding one or a datapackage.json.

    Its language is `language` if given, else the one the CSV package declares, else the
    folder's name when that is a shipped language (`OUTDIR/de/services.json`), else English.
    """
    if path.is_dir():
        if (path / PACKAGE_FILE).is_file():
            path = path / PACKAGE_FILE
        elif (path / SERVICES_FILE).is_file():
            path = path / SERVICES_FILE
        else:
            raise HsdsError(f"{path}: no {SERVICES_FILE} or {PACKAGE_FILE} in this folder.")
    if path.name == PACKAGE_FILE:
        dataset, declared = read_csv(path)
    else:
        dataset, declared = read_json(path), None
    shipped = {code.lower(): code for code in settings.LANGUAGE_CODES}
    if language is None:
        candidates = [declared, path.parent.name, "en"]
        language = next(c.lower() for c in candidates if c and c.lower() in shipped)
    elif declared and declared.lower() != language:
        raise HsdsError(f"{path}: the package is in {declared}, not in {language}.")
    if language not in shipped:
        raise HsdsError(f"{language!r} is not a shipped language ({', '.join(shipped)}).")
    dataset.language = shipped[language]
    return dataset


def _load_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise HsdsError(f"{path}: no such file.") from exc
    except UnicodeDecodeError as exc:
        raise HsdsError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}).") from exc
    except json.JSONDecodeError as exc:
        raise HsdsError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from exc
    except OSError as exc:
        raise HsdsError(f"{path}: cannot be read ({exc.strerror}).") from exc


def read_json(path: Path) -> Dataset:
    documents = _load_json(path)
    if isinstance(documents, dict):
        documents = [documents]
    if not isinstance(documents, list):
        raise HsdsError(f"{path}: expected an array of HSDS service documents.")
    dataset = Dataset("")
    for i, document in enumerate(documents):
        dataset.add_document("service", document, where=f"{path.name}[{i}]")
    dataset.check()
    return dataset


def read_csv(path: Path) -> tuple[Dataset, str | None]:
    """The dataset, and the language its package declares (if it declares one)."""
    package = _load_json(path)
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        raise HsdsError(f"{path}: not a data package (no “resources” array).")
    folder = path.parent.resolve()
    dataset = Dataset("")
    for i, resource in enumerate(resources):
        name = resource.get("name") if isinstance(resource, dict) else None
        table = BY_NAME.get(name)
        if table is None:
            raise HsdsError(f"{path}: resources[{i}] “{name}” is not an HSDS 3.0 table.")
        relative = resource.get("path") or table.path
        csv_path = (folder / str(relative)).resolve()
        if not csv_path.is_relative_to(folder):
            raise HsdsError(f"{path}: the {name} table must be a file inside the package folder.")
        if csv_path.is_file():
            _read_table(dataset, table, csv_path)
    dataset.check()
    declared = {row.get("language") for row in dataset.rows("meta_table_description")}
    if isinstance(package.get("language"), str):
        declared.add(package["language"])
    declared.discard(None)
    if len(declared) > 1:
        raise HsdsError(f"{path}: the tables declare several languages: {sorted(declared)}.")
    return dataset, declared.pop() if declared else None


def _read_table(dataset: Dataset, table, path: Path) -> None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HsdsError(f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start}).") from exc
    except OSError as exc:
        raise HsdsError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return
        unknown = [name for name in header if name not in table.by_name]
        if unknown:
            raise HsdsError(f"{path.name}: “{unknown[0]}” is not an HSDS 3.0 {table.name} field.")
        if len(set(header)) != len(header):
            raise HsdsError(f"{path.name}: a column appears twice in the header.")
        if "id" not in header:
            raise HsdsError(f"{path.name}: the header has no “id” column.")
        for line, cells in enumerate(reader, start=2):
            if not any(cells):
                continue
            if len(cells) != len(header):
                raise HsdsError(
                    f"{path.name}, line {line}: {len(cells)} cells for {len(header)} columns."
                )
            row = {
                name: _typed(table.by_name[name], cell, f"{path.name}, line {line}")
                for name, cell in zip(header, cells, strict=True)
                if cell != ""
            }
            dataset.add(table.name, row, where=f"{path.name}, line {line}")
    except csv.Error as exc:
        raise HsdsError(f"{path.name}, line {reader.line_num}: {exc}.") from exc


def _typed(spec, cell: str, where: str):
    if spec.type != "number":
        return cell
    try:
        number = float(cell)
    except ValueError as exc:
        raise HsdsError(f"{where}: “{spec.name}” must be a number, not {cell!r}.") from exc
    return int(number) if number.is_integer() and "." not in cell else number
