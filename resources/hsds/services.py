"""HSDS export and import as whole operations on files (what the management commands run)."""

from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings

from resources.hsds import formats
from resources.hsds.dataset import Dataset, HsdsError
from resources.hsds.export import export_dataset
from resources.hsds.importer import ImportReport, hsds_import

WRITERS = {"json": formats.write_json, "csv": formats.write_csv}


def hsds_export_files(
    *,
    folder: Path,
    data_format: str,
    languages: Iterable[str] | None = None,
    progress: Callable[[str, Dataset], None] | None = None,
) -> dict[str, Dataset]:
    """Write one dataset per language to `folder/<language>/` (all shipped languages by default)."""
    writer = WRITERS[data_format]
    datasets = {}
    for language in languages or settings.LANGUAGE_CODES:
        dataset = export_dataset(language=language)
        writer(dataset, folder / language)
        datasets[language] = dataset
        if progress:
            progress(language, dataset)
    return datasets


def hsds_read_path(path: Path, *, language: str | None = None) -> list[Dataset]:
    """The datasets at `path`: one file or dataset folder, or an export's folder of languages."""
    if not path.exists():
        raise HsdsError(f"{path}: no such file or folder.")
    is_dataset = path.is_file() or any(
        (path / name).is_file() for name in (formats.SERVICES_FILE, formats.PACKAGE_FILE)
    )
    if is_dataset:
        return [formats.read(path, language=language)]
    folders = [path / code for code in settings.LANGUAGE_CODES if (path / code).is_dir()]
    if language:
        folders = [folder for folder in folders if folder.name == language]
    if not folders:
        raise HsdsError(
            f"{path}: holds no {formats.SERVICES_FILE}, no {formats.PACKAGE_FILE} and no "
            "language folders (en/, de/, …) of an export."
        )
    return [formats.read(folder, language=folder.name) for folder in folders]


def hsds_import_path(*, path: Path, language: str | None = None) -> ImportReport:
    """Read everything at `path` first, then store it in one transaction."""
    return hsds_import(datasets=hsds_read_path(path, language=language))
