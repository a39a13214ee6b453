"""Every message in the shared email corpus ingests into exactly one outcome, once."""

import csv
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from concierge.models import InboundMessage, Message, Ticket
from concierge.parsing import parse_email, sha256_hex, sniff_message_id
from concierge.services import dedup_key_for, inbound_ingest

CORPUS = Path(settings.BASE_DIR).parent / "shared" / "corpora" / "email"
MANIFEST = list(csv.DictReader((CORPUS / "manifest.csv").open(encoding="utf-8")))

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared email corpus not present")


def outcome(inbound: InboundMessage, created: bool) -> str:
    if not created:
        return "duplicate"
    if inbound.state == InboundMessage.State.QUARANTINED:
        return "quarantined"
    if inbound.state == InboundMessage.State.IGNORED:
        return "ignored"
    assert inbound.state == InboundMessage.State.PROCESSED
    return "new ticket" if inbound.created_ticket else "threaded"


@pytest.mark.django_db(transaction=True)
def test_the_whole_corpus_ingests_once_into_exactly_one_outcome(capsys):
    counts: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    for row in MANIFEST:
        raw = (CORPUS / row["path"]).read_bytes()
        before = InboundMessage.objects.count()
        inbound = inbound_ingest(
            raw=raw, source=InboundMessage.Source.EMAIL, source_ref=row["path"]
        )
        result = outcome(inbound, InboundMessage.objects.count() > before)
        counts[result] += 1
        by_kind.setdefault(row["kind"], Counter())[result] += 1
        if result == "new ticket":
            assert inbound.ticket.messages.filter(direction=Message.Direction.INBOUND).count() == 1
        if result in {"ignored", "quarantined"}:
            assert inbound.reason, row["path"]
    assert sum(counts.values()) == len(MANIFEST) == 750
    # Automatic mail never opens a ticket.
    assert by_kind["auto_reply"]["new ticket"] == 0
    assert by_kind["bounce"]["new ticket"] <= 12  # forwarded bounces written by people
    assert counts["new ticket"] == Ticket.objects.count()
    assert InboundMessage.objects.count() == len(MANIFEST) - counts["duplicate"]

    totals = (Ticket.objects.count(), Message.objects.count(), InboundMessage.objects.count())
    for row in MANIFEST:
        inbound_ingest(raw=(CORPUS / row["path"]).read_bytes(), source=InboundMessage.Source.EMAIL)
    assert (Ticket.objects.count(), Message.objects.count(), InboundMessage.objects.count()) == (
        totals
    )
    with capsys.disabled():
        print(f"\ncorpus outcomes: {dict(counts)}")
        print(f"by kind: { {kind: dict(c) for kind, c in sorted(by_kind.items())} }")


def _shadowed() -> list[dict]:
    seen: set[str] = set()
    shadowed = []
    for row in MANIFEST:
        raw = (CORPUS / row["path"]).read_bytes()
        key = dedup_key_for(message_id=sniff_message_id(raw), sha256=sha256_hex(raw))
        if key in seen:
            shadowed.append(row)
        seen.add(key)
    return shadowed


SHADOWED = _shadowed() if CORPUS.is_dir() else []


@pytest.mark.parametrize("row", SHADOWED, ids=[row["path"] for row in SHADOWED])
def test_corpus_files_deduplicated_above_still_parse_on_their_own(row):
    """Files sharing a Message-ID with an earlier one are not parsed above; parse them alone."""
    # Every one of them is usable; an UnusableMessage here is a regression, not an outcome.
    parsed = parse_email((CORPUS / row["path"]).read_bytes())
    assert parsed.classification in {"", "auto_reply", "bounce", "list"}
    assert "\x00" not in parsed.body_text
    if row["kind"] == "auto_reply":
        assert parsed.classification == "auto_reply"
    if row["kind"] == "bounce":
        # Recognised as automatic mail, so it never opens a ticket nor gets an answer.
        assert parsed.classification in {"bounce", "auto_reply"}
