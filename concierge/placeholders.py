"""Fill `{{ name }}`-style placeholders in staff-written text.

Deliberately not the Django template engine: saved replies are written by staff and the
values come from requesters, so neither may run template code ({% … %}, filters,
attribute lookups). Only the listed names are replaced, by plain string substitution;
everything else is left exactly as written.
"""

import re

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
KNOWN = ("name", "reference", "staff_name")


def placeholders_in(text: str) -> list[str]:
    return list(dict.fromkeys(match[1] for match in PLACEHOLDER.finditer(text or "")))


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in placeholders_in(text) if name not in KNOWN]


def fill(text: str, values: dict[str, str]) -> str:
    """Replace known placeholders with their values in one pass (values are never re-read)."""

    def replace(match: re.Match) -> str:
        name = match[1]
        if name in values:
            return str(values[name])
        return match[0]

    return PLACEHOLDER.sub(replace, text or "")


def values_for(*, ticket, staff) -> dict[str, str]:
    from django.utils.translation import pgettext

    requester = ticket.requester
    name = requester.name.strip() if requester.name else ""
    staff_name = (staff.get_full_name() or staff.get_username()) if staff is not None else ""
    return {
        # Without a name the greeting still reads naturally in the reply's language.
        "name": name or pgettext("greeting for a requester who gave no name", "there"),
        "reference": ticket.reference or "",
        "staff_name": staff_name,
    }
