from django.core.management.base import BaseCommand

from hub.commands import whole_number
from resources.synthetic import synthetic_delete, synthetic_generate

positive = whole_number(minimum=1)


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic directory entries for benchmarks (slugs start "
        "with 'synthetic-', organisation 'Synthetic benchmark data', fake numbers 07700 900xxx). "
        "--delete removes them, and only them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--resources", type=positive, default=100_000, metavar="N")
        parser.add_argument("--countries", type=positive, default=200, metavar="C")
        parser.add_argument(
            "--seed", type=int, default=7, help="Random seed (same seed, same data)."
        )
        parser.add_argument(
            "--delete", action="store_true", help="Remove every synthetic entry instead."
        )

    def handle(self, *args, resources: int, countries: int, seed: int, delete: bool, **options):
        if delete:
            counts = synthetic_delete()
            self.stdout.write(
                "Deleted {resources} synthetic entries, {channels} channels, "
                "{opening_periods} opening periods, {countries} empty countries.".format(**counts)
            )
            return
        verbosity = options["verbosity"]

        def progress(done: int, total: int) -> None:
            if verbosity >= 1:
                self.stdout.write(f"  {done:,} / {total:,} entries", ending="\r")
                self.stdout.flush()

        report = synthetic_generate(
            resources=resources, countries=countries, seed=seed, progress=progress
        )
        largest = sorted(report.per_country.items(), key=lambda item: -item[1])[:3]
        self.stdout.write(
            f"Created {report.resources:,} synthetic entries in {report.countries} countries "
            f"({report.channels:,} channels, {report.opening_periods:,} opening periods, "
            f"{report.links:,} topic/audience/language links) in {report.seconds:.1f} s. "
            "Largest: " + ", ".join(f"{code} {n:,}" for code, n in largest)
        )
