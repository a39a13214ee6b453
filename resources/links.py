"""Links people tap: tel:, sms:, WhatsApp, chat, email — built from the numbers as published.

A dial string is never given a country prefix: `116 123` becomes `tel:116123`, not
`tel:+44116123` (which does not connect). When curators recorded the full E.164 form it is
used, because it also works from a foreign SIM; otherwise the leading dialable part of the
published string is used (`988 then press 1` → `tel:988`), with vanity letters turned into
their keypad digits (`1-855-BLINE99` → `tel:18552546399`).
"""

import re

from phonenumbers import convert_alpha_characters_in_number

# The dialable head of a published string: digits and separators ("116 123", "988 then
# press 1" → 988, "*4141"), then vanity letters only when glued to it ("1-855-BLINE99").
# A capitalised word after a space ("0508 MUSICHELP") may be a vanity number whose length we
# cannot know, so it gets no link at all rather than a wrong one.
DIGITS_HEAD = re.compile(r"\s*([+*]?[0-9][0-9 \-.()/]*)")
VANITY_TAIL = re.compile(r"[A-Z][A-Z0-9-]*")
SPACED_VANITY = re.compile(r"\s*[A-Z]{2}")
WEB = re.compile(r"^https?://", re.IGNORECASE)


def dialable_head(value: str) -> str:
    match = DIGITS_HEAD.match(value or "")
    if not match:
        return ""
    head = match[1]
    vanity = VANITY_TAIL.match(value, match.end())
    if vanity and head[-1] in "0123456789-":
        head += convert_alpha_characters_in_number(vanity[0])
    elif SPACED_VANITY.match(value, match.end()):
        return ""
    if head.startswith("+"):
        head = head.replace("(0)", "")  # "+44 (0)20 …": the trunk 0 is not dialled from abroad
    return head


def dial_digits(value: str, e164: str = "") -> str:
    """What goes after `tel:`: the E.164 form if known, else the published digits."""
    if e164:
        return e164
    head = dialable_head(value)
    digits = re.sub(r"[^0-9*]", "", head)
    if not digits.strip("*"):
        return ""
    return f"+{digits}" if head.startswith("+") else digits


def tel_uri(value: str, e164: str = "") -> str:
    digits = dial_digits(value, e164)
    return f"tel:{digits}" if digits else ""


def whatsapp_uri(value: str, e164: str = "") -> str:
    """https://wa.me/<international number without +>; only possible with the full number."""
    if WEB.match(value or ""):
        return value
    digits = dial_digits(value, e164)
    if not digits.startswith("+"):
        return ""
    return f"https://wa.me/{digits[1:]}"


def channel_uri(channel) -> str:
    """The link for one channel, or "" when there is nothing safe to link to."""
    kind, value, e164 = channel.kind, channel.value, channel.e164
    if kind == "voice":
        return tel_uri(value, e164)
    if kind == "sms":
        digits = dial_digits(value, e164)
        return f"sms:{digits}" if digits else ""
    if kind == "whatsapp":
        return whatsapp_uri(value, e164)
    if kind == "email":
        return f"mailto:{value.strip()}" if "@" in value else ""
    if kind in ("chat", "web", "video_relay", "in_person") and WEB.match(value or ""):
        return value
    if kind == "video_relay":
        return tel_uri(value, e164)
    return ""
