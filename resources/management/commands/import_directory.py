import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from resources.seed import SeedError, read_seed
from resources.services import directory_load, seed_translations_load


class Command(BaseCommand):
    help = (
        "Import the sourced seed data (resources.json and emergency_numbers.json) from a "
        "folder, updating entries already imported; optionally save it as the project fixture."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, help="Folder holding the seed files (../shared/data)."
        )
        parser.add_argument(
            "--save-fixture",
            type=Path,
            metavar="FILE",
            help="Also write the checked seed as a fixture, e.g. fixtures/directory.json.",
        )

    def handle(self, *args, path: Path, save_fixture: Path | None, verbosity: int, **options):
        try:
            bundle = read_seed(path)
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        if save_fixture:
            try:
                save_fixture.parent.mkdir(parents=True, exist_ok=True)
                save_fixture.write_text(
                    json.dumps(bundle.as_json(), ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8",
                )
            except OSError as exc:
                raise CommandError(f"Cannot write {save_fixture}: {exc}") from exc
            self.stdout.write(f"Wrote {save_fixture}")
        report = directory_load(bundle=bundle, overwrite=True)
        try:
            report.translations = seed_translations_load(
                folder=settings.BASE_DIR / "fixtures" / "seed_translations", overwrite=True
            )
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        write_report(self, report, verbosity)


def write_report(command: BaseCommand, report, verbosity: int) -> None:
    counts = report.counts()
    command.stdout.write(
        "Countries: {countries}; emergency numbers: {emergency_numbers}; resources: {resources} "
        "({published} published, {drafts} drafts); channels: {channels}; "
        "opening periods: {opening_periods}".format(**counts)
    )
    command.stdout.write(
        f"This run: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.skipped_existing} already present; "
        f"{report.translations} translated fields; "
        f"{len(report.warnings)} warnings; {len(report.rejected)} rejected"
    )
    if verbosity >= 2:
        for warning in report.warnings:
            command.stdout.write(f"warning: {warning}")
    for rejected in report.rejected:
        command.stderr.write(f"rejected: {rejected}")
