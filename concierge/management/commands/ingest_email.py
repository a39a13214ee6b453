import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from concierge.models import InboundMessage
from concierge.services import inbound_ingest


class Command(BaseCommand):
    help = (
        "Ingest RFC 822 messages from files, or one message from standard input with '-' "
        "(for a mail server pipe). Each message is stored raw first, then filed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="FILE", help="message files, or -")

    def handle(self, *args, paths: list[str], **options):
        unreadable = 0
        for path in paths:
            try:
                raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
            except OSError as exc:
                unreadable += 1
                self.stderr.write(f"{path}: cannot read ({exc.strerror or exc})")
                continue
            try:
                inbound = inbound_ingest(
                    raw=raw,
                    source=InboundMessage.Source.EMAIL,
                    source_ref="stdin" if path == "-" else Path(path).name,
                )
            except DatabaseError as exc:
                # 75 is EX_TEMPFAIL: a mail server pipe keeps the message and retries later.
                raise CommandError(
                    f"{path}: database unavailable, message not stored; try again later.",
                    returncode=75,
                ) from exc
            ticket = inbound.ticket.reference if inbound.ticket_id else "-"
            self.stdout.write(f"{path}: inbound {inbound.pk} {inbound.state} ticket {ticket}")
        if unreadable:
            raise CommandError(f"{unreadable} file(s) could not be read; the rest were ingested.")
