"""Split what a message says from the earlier messages it quotes."""

import re

# The line mail programs put above quoted text, in the languages we serve, or a quote mark.
QUOTE_STARTS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^>",
        r"^-{2,}\s*(original message|forwarded message|mensaje original|message d'origine|"
        r"ursprüngliche nachricht|messaggio originale|oorspronkelijk bericht|"
        r"ursprungligt meddelande|wiadomość oryginalna|orijinal ileti|الرسالة الأصلية)",
        r"^_{10,}\s*$",
        r"^on .{4,200} wrote:\s*$",
        r"^el .{4,200} escribió:\s*$",
        r"^em .{4,200} escreveu:\s*$",
        r"^le .{4,200} a écrit\s*:\s*$",
        r"^am .{4,200} schrieb .{0,200}:\s*$",
        r"^il giorno .{4,200} ha scritto:\s*$",
        r"^op .{4,200} schreef .{0,200}:\s*$",
        r"^den .{4,200} skrev .{0,200}:\s*$",
        r"^.{4,200} napisał\(a\):\s*$",
        r"^.{4,200} tarihinde .{0,200} şunu yazdı:\s*$",
        r"^.{4,200} ?(写道|wrote|schrieb|escribió|escreveu|a écrit|skrev|yazdı|كتب)\s*[:：]\s*$",
        r"^.{4,200}님이 작성\s*[:：]\s*$",
        r"^.{4,200}<[^<>\s]+@[^<>\s]+>\s*[:：]\s*$",
    )
]


def split_quoted(text: str) -> tuple[str, str]:
    """(new text, quoted text): everything from the first quote marker on is "quoted".

    If the whole message would be quoted, nothing is hidden.
    """
    lines = (text or "").splitlines(keepends=True)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if index and any(pattern.search(stripped) for pattern in QUOTE_STARTS):
            visible = "".join(lines[:index]).rstrip()
            if visible:
                return visible, "".join(lines[index:]).strip("\n")
            break
    return (text or "").rstrip(), ""
