from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from resources.hsds.dataset import HsdsError
from resources.hsds.services import hsds_import_path


class Command(BaseCommand):
    help = (
        "Import Open Referral HSDS 3.0 data written by export_hsds: a services.json, a "
        "datapackage.json (or the folder holding either), or an export folder with one "
        "subfolder per language. Matches entries by their ids; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--language",
            choices=settings.LANGUAGE_CODES,
            help="Language of the text (default: declared by the package or its folder name, "
            "else English). Non-English data only adds translations.",
        )

    def handle(self, *args, path: Path, language: str | None, verbosity: int, **options):
        try:
            report = hsds_import_path(path=path, language=language)
        except HsdsError as exc:
            raise CommandError(f"Nothing was imported. {exc}") from exc
        lines = report.lines()
        if not lines:
            # An empty export (e.g. of an empty directory) is valid; say so rather than nothing.
            self.stdout.write("Nothing to import: the data holds no entries.")
        for line in lines:
            self.stdout.write(line)
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
