from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from resources.management.commands.import_directory import write_report
from resources.seed import SeedError
from resources.services import directory_load_file, seed_translations_load


class Command(BaseCommand):
    help = (
        "Load the directory fixture (fixtures/directory.json) and its draft translations, "
        "adding only what is missing: entries already in the database are never changed."
    )

    def handle(self, *args, verbosity: int, **options):
        fixtures = settings.BASE_DIR / "fixtures"
        try:
            report = directory_load_file(path=fixtures / "directory.json", overwrite=False)
            report.translations = seed_translations_load(
                folder=fixtures / "seed_translations", overwrite=False
            )
        except SeedError as exc:
            raise CommandError(str(exc)) from exc
        write_report(self, report, verbosity)
