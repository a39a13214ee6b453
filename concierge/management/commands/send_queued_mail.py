from django.core.management.base import BaseCommand

from concierge.emails import outbound_send_due
from hub.commands import whole_number


class Command(BaseCommand):
    help = "Send queued concierge email whose time has come, retrying failures with backoff."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=whole_number(minimum=1), default=200)

    def handle(self, *args, limit: int, **options):
        result = outbound_send_due(limit=limit)
        self.stdout.write(
            f"{result.sent} sent, {result.retrying} to retry later, {result.failed} failed for good"
        )
