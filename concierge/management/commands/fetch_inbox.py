from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from concierge.imap import InboxBusy, InboxError, fetch_inbox
from hub.commands import whole_number


class Command(BaseCommand):
    help = (
        "Copy new mail from the concierge IMAP mailbox into the raw store, then move, delete "
        "or mark it on the server (CONCIERGE_IMAP_*). Safe to run every minute and to kill."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=whole_number(minimum=1), default=None, help="at most this many"
        )

    def handle(self, *args, limit: int | None, verbosity: int, **options):
        progress = self.stdout.write if verbosity > 1 else None
        try:
            result = fetch_inbox(limit=limit, progress=progress)
        except InboxBusy as exc:
            self.stdout.write(f"{exc}; nothing to do.")
            return
        except (InboxError, OSError) as exc:
            raise CommandError(f"Could not read the mailbox: {exc}") from exc
        except DatabaseError as exc:
            raise CommandError(
                "Database unavailable; nothing was removed from the mailbox. Try again later."
            ) from exc
        self.stdout.write(
            f"{result.seen} fetched, {result.stored} stored, {result.already_stored} already "
            f"stored, {result.oversized} over the size limit; outcomes {result.outcomes}"
        )
