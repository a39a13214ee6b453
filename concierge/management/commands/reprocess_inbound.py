from django.core.management.base import BaseCommand, CommandError

from concierge.models import InboundMessage
from concierge.services import inbound_reprocess


class Command(BaseCommand):
    help = "File stored inbound messages again: by id, or every quarantined (and pending) one."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--id", type=int, nargs="+", dest="ids", help="inbound message ids")
        group.add_argument(
            "--quarantined", action="store_true", help="every quarantined or still new message"
        )

    def handle(self, *args, ids: list[int] | None, quarantined: bool, **options):
        queryset = InboundMessage.objects.all()
        if ids:
            queryset = queryset.filter(pk__in=ids)
            missing = set(ids) - set(queryset.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No inbound message with id {sorted(missing)}.")
        outcomes = inbound_reprocess(queryset=queryset)
        for inbound in outcomes:
            self.stdout.write(f"inbound {inbound.pk}: {inbound.state}")
        self.stdout.write(f"{len(outcomes)} message(s) reprocessed.")
