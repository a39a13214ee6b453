from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from resources.hsds.services import WRITERS, hsds_export_files


class Command(BaseCommand):
    help = (
        "Export the published directory as Open Referral HSDS 3.0: one dataset per language "
        "in OUT/<language>/, either services.json (an array of service documents) or a "
        "tabular data package (datapackage.json and one CSV per table)."
    )

    def add_arguments(self, parser):
        parser.add_argument("outdir", nargs="?", type=Path, help="Folder to write into.")
        parser.add_argument("--out", type=Path, help="Folder to write into (same as OUTDIR).")
        parser.add_argument("--format", choices=sorted(WRITERS), default="json")
        parser.add_argument(
            "--language",
            action="append",
            choices=settings.LANGUAGE_CODES,
            help="Only this language (repeatable); default: every shipped language.",
        )

    def handle(self, *args, outdir, out, format, language, **options):
        if (outdir is None) == (out is None):
            raise CommandError("Give the output folder once: as OUTDIR or as --out.")
        folder = outdir or out
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} exists and is not a folder.")

        def progress(code, dataset):
            counts = ", ".join(f"{n} {table}" for table, n in dataset.counts().items() if n)
            self.stdout.write(f"{code}: {counts}")

        try:
            hsds_export_files(
                folder=folder, data_format=format, languages=language, progress=progress
            )
        except OSError as exc:
            raise CommandError(f"Cannot write to {folder}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote HSDS 3.0 {format} to {folder}"))
