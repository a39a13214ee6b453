from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from concierge.privacy import tickets_purge
from hub.commands import whole_number


class Command(BaseCommand):
    help = (
        "Erase closed tickets not touched for DAYS days: messages, attachments and raw mail. "
        "The access log keeps a row per purged ticket."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            # A century is plenty; beyond that the cutoff date would fall before year 1.
            type=whole_number(minimum=1, maximum=36_500),
            metavar="DAYS",
            default=settings.CONCIERGE_RETENTION_DAYS,
            help="Retention period in days (default: CONCIERGE_RETENTION_DAYS, %(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be erased."
        )

    def handle(self, *args, **options):
        days = options["older_than"]
        if days is None or days < 1:
            raise CommandError("--older-than must be a whole number of days, at least 1.")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done}/{total} tickets")

        totals = tickets_purge(older_than_days=days, dry_run=options["dry_run"], progress=progress)
        verb = "Would erase" if options["dry_run"] else "Erased"
        self.stdout.write(
            f"{verb} {totals.tickets} closed tickets older than {days} days: "
            f"{totals.messages} messages, {totals.attachments} attachments, "
            f"{totals.raw_messages} raw messages, {totals.requesters} requesters."
        )
