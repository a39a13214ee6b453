"""Crisis language: match curated phrases in any script and lift the ticket to urgent.

Matching works on a normalised form of both the phrase and the text: Unicode
compatibility-folded (full-width and half-width forms agree), case-folded, accents on
Latin letters and Arabic vowel marks removed, Arabic letter variants unified and runs of
whitespace collapsed. Phrases in scripts written with spaces must start (and, unless they
end in `*`, also end) at a word boundary; in Chinese, Japanese, Korean, Thai and Arabic a
phrase may sit inside a longer word, because those scripts attach particles and prefixes
to words (死にたいです, الانتحار, 자살하고).

The matching never decides anything on its own: it raises the priority and shows the
crisis panel; a human reads the message and decides what to do.
"""

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
FOLD = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "’": "'", "‘": "'", "ʼ": "'"}
)
DEVANAGARI_NUKTA = "\u093c"
WHITESPACE = re.compile(r"\s+")


def _is_unspaced(char: str) -> bool:
    """Characters of scripts where a phrase can sit inside a longer word."""
    code = ord(char)
    return (
        0x0600 <= code <= 0x06FF  # Arabic
        or 0x0750 <= code <= 0x077F  # Arabic supplement
        or 0x0E00 <= code <= 0x0E7F  # Thai
        or 0x1100 <= code <= 0x11FF  # Hangul jamo
        or 0x3040 <= code <= 0x30FF  # Hiragana, Katakana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
    )


def _is_word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char) in {"Mn", "Mc"}


def normalise(text: str) -> str:
    """The form both phrases and messages are compared in."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    kept = []
    previous_base = ""
    for char in decomposed:
        if unicodedata.category(char) == "Mn":
            # Accents on Latin, Greek and Cyrillic letters are dropped (suicídio = suicidio);
            # marks that carry meaning in other scripts (Devanagari vowels) are kept.
            if previous_base and ord(previous_base) < 0x0530:
                continue
            if char == DEVANAGARI_NUKTA:
                continue
        else:
            previous_base = char
        kept.append(char)
    text = unicodedata.normalize("NFKC", "".join(kept)).casefold()
    text = ARABIC_MARKS.sub("", text).translate(FOLD)
    return WHITESPACE.sub(" ", text)


@dataclass(frozen=True)
class CompiledRule:
    rule_id: int
    language: str
    phrase: str
    pattern: re.Pattern
    whole_word_start: bool
    whole_word_end: bool


def compile_rule(rule_id: int, language: str, phrase: str) -> CompiledRule | None:
    prefix = phrase.strip().endswith("*")
    text = normalise(phrase.strip().rstrip("*")).strip()
    if not text:
        return None
    words = text.split(" ")
    source = re.escape(words[0])
    for before, word in itertools.pairwise(words):
        # Korean, Chinese and Japanese writers often drop the space ("죽고 싶" / "죽고싶").
        joiner = r"\s*" if _is_unspaced(before[-1]) and _is_unspaced(word[0]) else r"\s+"
        source += joiner + re.escape(word)
    pattern = re.compile(source)
    spaced_start = not _is_unspaced(text[0])
    spaced_end = not _is_unspaced(text[-1])
    return CompiledRule(
        rule_id=rule_id,
        language=language,
        phrase=phrase,
        pattern=pattern,
        whole_word_start=spaced_start,
        whole_word_end=spaced_end and not prefix,
    )


def _matches(rule: CompiledRule, text: str) -> re.Match | None:
    for match in rule.pattern.finditer(text):
        start, end = match.span()
        if rule.whole_word_start and start > 0 and _is_word_char(text[start - 1]):
            continue
        if rule.whole_word_end and end < len(text) and _is_word_char(text[end]):
            continue
        return match
    return None


@dataclass(frozen=True)
class CrisisMatch:
    rule_id: int
    language: str
    phrase: str


def match_text(
    text: str, rules: list[CompiledRule], *, prefer_language: str = ""
) -> CrisisMatch | None:
    """The first rule whose phrase occurs in the text (rules in `prefer_language` first)."""
    normalised = normalise(text)
    ordered = sorted(rules, key=lambda rule: rule.language != prefer_language)
    for rule in ordered:
        if _matches(rule, normalised):
            return CrisisMatch(rule_id=rule.rule_id, language=rule.language, phrase=rule.phrase)
    return None


@lru_cache(maxsize=4)
def _compiled(signature: tuple) -> list[CompiledRule]:
    rules = [compile_rule(*row) for row in signature]
    return [rule for rule in rules if rule is not None]


def active_rules() -> list[CompiledRule]:
    """Compiled active rules; recompiled whenever a rule changes (the rows are the cache key)."""
    from concierge.models import CrisisRule

    rows = tuple(CrisisRule.objects.active().values_list("pk", "language", "phrase"))
    return _compiled(rows)


def message_crisis_text(message) -> str:
    """What a message is checked on: subject and the text it adds (quoted text is skipped,
    so a reply quoting our own crisis-line list does not look like a crisis)."""
    from concierge.quoting import split_quoted

    visible, _quoted = split_quoted(message.body_text or "")
    return f"{message.subject or ''}\n{visible}"


def ticket_check_crisis(*, ticket, message) -> CrisisMatch | None:
    """Check one inbound message against the crisis rules; on a match, escalate the ticket.

    The intake service calls this after it stores each new inbound message. Automatic
    replies and bounces are not checked. Returns the match, or None.
    """
    from concierge.models import Message

    if message.direction != Message.Direction.INBOUND or message.is_automatic:
        return None
    language = ticket.requester.preferred_language if ticket.requester_id else ""
    match = match_text(message_crisis_text(message), active_rules(), prefer_language=language)
    if match is None:
        return None
    ticket_escalate_for_crisis(ticket=ticket, match=match, message=message)
    return match


def ticket_escalate_for_crisis(*, ticket, match: CrisisMatch, message=None) -> None:
    """Lift the ticket to urgent, record the rule that matched, and alert the team (link only)."""
    from concierge import audit, sla, staff_emails
    from concierge.models import AccessLog, Ticket, TicketEvent

    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        already = ticket.is_crisis
        old_priority = ticket.priority
        now = timezone.now()
        record = {
            "rule_id": match.rule_id,
            "language": match.language,
            "phrase": match.phrase,
            "message_id": message.pk if message is not None else None,
        }
        if not already:
            ticket.is_crisis = True
            ticket.crisis_matched_at = now
            ticket.crisis_match = record
        ticket.priority = Ticket.Priority.URGENT
        sla.refresh_due(ticket)
        ticket.save(
            update_fields=[
                "is_crisis",
                "crisis_matched_at",
                "crisis_match",
                "priority",
                "first_response_due",
                "updated_at",
            ]
        )
        TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEvent.Kind.CRISIS_FLAGGED,
            data={**record, "from": old_priority, "to": ticket.priority},
        )
        audit.record(action=AccessLog.Action.CRISIS_FLAGGED, ticket=ticket, data=record)
        if not already:
            transaction.on_commit(lambda: staff_emails.notify_crisis(ticket_id=ticket.pk))
