"""Read email from bytes without trusting it: every accessor tolerates broken input.

Nothing here touches the database; `parse_email()` turns raw bytes into plain data that
the intake service stores. The stdlib parser is lazy, so header and body access raise
ValueError, LookupError and friends long after `parsebytes()` succeeded; they are caught
here, next to where they happen.
"""

import email.header
import email.utils
import hashlib
import html
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_ID_LENGTH = 900
MAX_HEADER_VALUE = 4000
MAX_HEADERS = 200
MAX_BODY_CHARS = 500_000
MAX_PARTS = 200
MAX_DEPTH = 20

_ANGLE_ID = re.compile(r"<([^<>\s]+)>")
_ALLOWED_HTML_TAGS = nh3.ALLOWED_TAGS - {"img"}  # remote images would tell senders we looked


class UnusableMessage(Exception):
    """The bytes cannot become a ticket message (quarantine with this reason)."""


def clean_text(value: str) -> str:
    """Text safe for any database column: no NUL, no lone surrogates."""
    if not value:
        return ""
    value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value.replace("\x00", "")


def normalise_message_id(value: str) -> str:
    """`<Local@Domain>` → `Local@domain`; '' when the value is not a usable Message-ID."""
    value = clean_text(value or "").strip()
    match = _ANGLE_ID.search(value)
    ident = match.group(1) if match else value.strip("<> \t\r\n")
    if (
        not ident
        or len(ident) > MAX_ID_LENGTH
        or not ident.isascii()
        or any(ch.isspace() or ord(ch) < 33 for ch in ident)
    ):
        return ""
    local, at, domain = ident.rpartition("@")
    return f"{local}@{domain.lower()}" if at and local else ident


def message_ids(value: str) -> list[str]:
    """Every Message-ID in an In-Reply-To or References value, in order, without repeats."""
    value = clean_text(value or "")
    candidates = _ANGLE_ID.findall(value) or value.split()
    seen: dict[str, None] = {}
    for candidate in candidates:
        ident = normalise_message_id(candidate)
        if ident:
            seen.setdefault(ident, None)
    return list(seen)


def sniff_message_id(raw: bytes) -> str:
    """The normalised Message-ID read from the header block alone, or ''."""
    try:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw[:1_000_000])
        value = headers.get("Message-ID")
        return normalise_message_id(str(value)) if value is not None else ""
    except Exception:  # any failure just means we dedupe by the bytes instead
        return ""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def header_text(message: Message, name: str) -> str:
    """The decoded value of a header, or its raw text when decoding fails; '' if absent."""
    try:
        value = message.get(name)
        return clean_text(str(value)) if value is not None else ""
    except Exception:  # header parsing in the stdlib raises many types on bad input
        raw = raw_header(message, name)
        try:
            return clean_text(str(email.header.make_header(email.header.decode_header(raw))))
        except Exception:  # keep the undecoded text rather than nothing
            return clean_text(raw)


def raw_header(message: Message, name: str) -> str:
    wanted = name.lower()
    for key, value in message.raw_items():
        if key.lower() == wanted:
            return clean_text(str(value))
    return ""


def header_addresses(message: Message, name: str) -> list[tuple[str, str]]:
    """(display name, address) pairs from an address header, tolerating bad syntax."""
    try:
        value = message.get(name)
        if value is None:
            return []
        pairs = [
            (clean_text(addr.display_name), clean_text(addr.addr_spec))
            for addr in getattr(value, "addresses", ())
        ]
    except Exception:  # fall back to the forgiving legacy parser below
        pairs = []
    if pairs:
        return pairs
    return [
        (clean_text(name_), clean_text(addr))
        for name_, addr in email.utils.getaddresses([header_text(message, name)])
        if addr
    ]


def usable_address(address: str) -> str:
    """The address lower-cased if it is a deliverable-looking email address, else ''."""
    address = (address or "").strip().strip("<>").lower()
    if len(address) > 254:
        return ""
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def sanitise_html(value: str) -> str:
    return nh3.clean(clean_text(value), tags=_ALLOWED_HTML_TAGS)


def html_to_text(value: str) -> str:
    text = html.unescape(nh3.clean(clean_text(value), tags=set()))
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def sniff_content_type(data: bytes) -> str:
    """The content type the bytes really are; the sender's declared type is not trusted."""
    head = data[:512]
    signatures = [
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"BZh", "application/x-bzip2"),
        (b"\x1f\x8b", "application/gzip"),
        (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
        (b"Rar!\x1a\x07", "application/vnd.rar"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
        (b"\x78\x9f\x3e\x22", "application/vnd.ms-tnef"),
        (b"MZ", "application/x-msdownload"),
        (b"\x7fELF", "application/x-executable"),
        (b"%!PS", "application/postscript"),
        (b"{\\rtf", "application/rtf"),
        (b"-----BEGIN PGP", "application/pgp"),
    ]
    for magic, content_type in signatures:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if not data:
        return "application/x-empty"
    if b"\x00" not in head:
        try:
            text = data[:4096].decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multibyte character cut at the 4 KB boundary is still text.
            text = data[: exc.start].decode("utf-8") if exc.start > 4090 else None
        if text is not None:
            lowered = text.lstrip().lower()
            if lowered.startswith(("<!doctype html", "<html")):
                return "text/html"
            return "text/plain"
    return "application/octet-stream"


def _sniff_zip(data: bytes) -> str:
    window = data[:2000]
    for marker, content_type in [
        (
            b"word/",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (b"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            b"ppt/",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
    ]:
        if marker in window:
            return content_type
    return "application/zip"


def safe_filename(name: str, content_type: str, index: int) -> str:
    name = clean_text(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip(" .")[:200]
    if not name:
        extension = mimetypes.guess_extension(content_type) or ".bin"
        name = f"attachment-{index}{extension}"
    return name


@dataclass
class ParsedAttachment:
    filename: str
    declared_content_type: str
    data: bytes
    is_inline: bool


@dataclass
class ParsedEmail:
    from_address: str
    from_name: str
    to: list[str]
    cc: list[str]
    subject: str
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    body_text: str
    body_html: str
    headers: list[list[str]]
    content_language: str
    classification: str  # "" for a normal message, else InboundMessage.Classification
    reason: str
    attachments: list[ParsedAttachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    enclosed_ids: list[str] = field(default_factory=list)
    failed_recipients: list[str] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """Ids this message replies to, most recent first, then those of a bounced original."""
        ordered = [*self.in_reply_to, *reversed(self.references), *self.enclosed_ids]
        return list(dict.fromkeys(ordered))

    @property
    def recipients(self) -> list[str]:
        return [*self.to, *self.cc]


def parse_bytes(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse raw bytes with `email.policy.default` into plain data; UnusableMessage if hopeless."""
    message = parse_bytes(raw)
    if not list(message.raw_items()):
        raise UnusableMessage("no header fields: not an RFC 822 message")
    senders = [
        *header_addresses(message, "From"),
        *header_addresses(message, "Sender"),
        *header_addresses(message, "Reply-To"),
    ]
    from_name, from_address = "", ""
    for name, address in senders:
        if usable_address(address):
            from_name, from_address = name, usable_address(address)
            break
    classification, reason = classify(message, from_address)
    if not from_address and not classification:
        raise UnusableMessage("no usable sender address in From, Sender or Reply-To")
    parsed = ParsedEmail(
        from_address=from_address,
        from_name=from_name[:200],
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        subject=" ".join(header_text(message, "Subject").split())[:300],
        message_id=normalise_message_id(header_text(message, "Message-ID")),
        in_reply_to=message_ids(header_text(message, "In-Reply-To")),
        references=message_ids(header_text(message, "References")),
        body_text="",
        body_html="",
        headers=[
            [clean_text(name)[:200], clean_text(str(value))[:MAX_HEADER_VALUE]]
            for name, value in list(message.raw_items())[:MAX_HEADERS]
        ],
        content_language=header_text(message, "Content-Language").split(",")[0].strip(),
        classification=classification,
        reason=reason,
    )
    _read_parts(message, parsed)
    parsed.defects = collect_defects(message)
    return parsed


def _addresses(message: Message, name: str) -> list[str]:
    return [addr for _name, addr in header_addresses(message, name) if usable_address(addr)]


def collect_defects(message: Message) -> list[str]:
    names: list[str] = []
    for part in _walk(message):
        names.extend(type(defect).__name__ for defect in getattr(part, "defects", ()))
    return names[:50]


def _walk(part: Message, depth: int = 0):
    yield part
    if depth >= MAX_DEPTH or not part.is_multipart():
        return
    payload = part.get_payload()
    if isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, Message):
                yield from _walk(sub, depth + 1)


def _leaves(part: Message, depth: int = 0):
    """Non-container parts in order; an enclosed message counts as one leaf."""
    content_type = _content_type(part)
    if (
        depth < MAX_DEPTH
        and part.is_multipart()
        and not content_type.startswith("message/")
        and isinstance(part.get_payload(), list)
    ):
        for sub in part.get_payload():
            if isinstance(sub, Message):
                yield from _leaves(sub, depth + 1)
    else:
        yield part


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # a broken Content-Type reads as plain text, as RFC 2045 says
        return "text/plain"


def _disposition(part: Message) -> str:
    try:
        return part.get_content_disposition() or ""
    except Exception:  # treat an unreadable disposition as absent
        return ""


def _filename(part: Message) -> str:
    try:
        return part.get_filename() or ""
    except Exception:  # an undecodable file name is replaced by a generated one
        return ""


def part_text(part: Message) -> str:
    """A text part's content; unknown or lying charsets fall back to UTF-8, then Latin-1."""
    try:
        content = part.get_content()
    except Exception:  # e.g. LookupError for `charset=us-askey`; decode by hand below
        content = None
    if isinstance(content, str):
        return clean_text(content)
    data = part_bytes(part)
    try:
        charset = part.get_content_charset() or "utf-8"
    except Exception:  # an unreadable charset parameter
        charset = "utf-8"
    for candidate in (charset, "utf-8"):
        try:
            return clean_text(data.decode(candidate))
        except (LookupError, UnicodeDecodeError, TypeError):
            continue
    return clean_text(data.decode("latin-1"))


def part_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # broken transfer encoding: keep what is there undecoded
        payload = None
    if isinstance(payload, bytes):
        return payload
    try:
        if part.is_multipart():
            inner = part.get_payload()
            if isinstance(inner, list) and len(inner) == 1 and isinstance(inner[0], Message):
                return inner[0].as_bytes(policy=policy.default.clone(linesep="\r\n"))
        return part.as_bytes()
    except Exception:  # an enclosed message too broken to serialise again
        raw = part.get_payload()
        return clean_text(str(raw)).encode("utf-8") if isinstance(raw, str) else b""


def _read_parts(message: Message, parsed: ParsedEmail) -> None:
    texts: list[str] = []
    for index, part in enumerate(_leaves(message), start=1):
        if index > MAX_PARTS:
            parsed.defects.append("TooManyParts")
            break
        content_type = _content_type(part)
        disposition = _disposition(part)
        filename = _filename(part)
        is_body = disposition != "attachment" and not filename
        if content_type == "text/plain" and is_body:
            texts.append(part_text(part))
        elif content_type == "text/html" and is_body and not parsed.body_html:
            parsed.body_html = sanitise_html(part_text(part))
        else:
            if content_type == "message/delivery-status":
                parsed.failed_recipients.extend(_failed_recipients(part))
            elif content_type in {"message/rfc822", "text/rfc822-headers", "message/global"}:
                parsed.enclosed_ids.extend(_enclosed_ids(part, content_type))
            parsed.attachments.append(
                ParsedAttachment(
                    filename=filename,
                    declared_content_type=content_type,
                    data=part_bytes(part),
                    is_inline=disposition == "inline",
                )
            )
    parsed.body_text = "\n\n".join(text.strip() for text in texts if text.strip())
    if not parsed.body_text and parsed.body_html:
        parsed.body_text = html_to_text(parsed.body_html)
    parsed.body_text = parsed.body_text[:MAX_BODY_CHARS]
    parsed.body_html = parsed.body_html[:MAX_BODY_CHARS]
    parsed.enclosed_ids = list(dict.fromkeys(parsed.enclosed_ids))


def _failed_recipients(part: Message) -> list[str]:
    text = part_text(part) if not part.is_multipart() else ""
    if not text:
        blocks = part.get_payload() if part.is_multipart() else []
        text = "\n".join(str(block) for block in blocks if isinstance(block, Message))
    found = re.findall(r"(?im)^(?:final|original)-recipient:\s*rfc822;\s*<?([^\s>]+)>?", text)
    return list(dict.fromkeys(addr for addr in map(usable_address, found) if addr))


def _enclosed_ids(part: Message, content_type: str) -> list[str]:
    try:
        if content_type == "text/rfc822-headers":
            enclosed = BytesHeaderParser(policy=policy.compat32).parsebytes(part_bytes(part))
        else:
            inner = part.get_payload()
            enclosed = inner[0] if isinstance(inner, list) and inner else None
        if enclosed is None:
            return []
        ident = normalise_message_id(str(enclosed.get("Message-ID", "")))
    except Exception:  # the enclosed copy of a bounced message is often mangled
        return []
    return [ident] if ident else []


# Classification ----------------------------------------------------------------

_BOUNCE_SENDERS = {"mailer-daemon", "mail-daemon", "mailerdaemon"}
_NO_REPLY_SENDER = re.compile(r"^(no|do[-_.]?not)[-_.]?reply\b", re.IGNORECASE)
_LIST_SENDER = re.compile(r"(^owner-|-(owner|request|bounces?)$)", re.IGNORECASE)
_LIST_HEADERS = ("List-Id", "Mailing-List", "List-Unsubscribe", "List-Subscribe", "List-Post")
_REPORT_TYPES = {
    "message/delivery-status": "bounce",
    "message/global-delivery-status": "bounce",
    "message/feedback-report": "auto_reply",
    "message/disposition-notification": "auto_reply",
}
_BOUNCE_SUBJECTS = re.compile(
    r"^\s*(undeliver(ed|able)|undelivered mail returned to sender|returned mail|"
    r"delivery status notification|delivery (failure|failed|has failed)|"
    r"mail delivery (failed|failure|subsystem)|failure notice|non[- ]?delivery|"
    r"message not delivered|delivery status|warning: could not send)",
    re.IGNORECASE,
)
_POSTMASTER_SUBJECTS = re.compile(
    r"error|return|undeliver|fail|bounce|not deliver|配信", re.IGNORECASE
)
_AUTO_SUBJECTS = re.compile(
    r"^\s*(auto(matic)?[- ]?(reply|response)|out of (the )?office|abwesenheitsnotiz|"
    r"r[ée]ponse automatique|respuesta autom[áa]tica)\b",
    re.IGNORECASE,
)


def classify(message: Message, from_address: str) -> tuple[str, str]:
    """("bounce"|"auto_reply"|"list"|"", reason) from headers and structure, never the body."""
    content_type = _content_type(message)
    report_type = ""
    if content_type == "multipart/report":
        try:
            report_type = (message.get_param("report-type") or "").lower()
        except Exception:  # a report without a readable type is still a report
            report_type = ""
        report_type = str(report_type).lower()
        if report_type in {"delivery-status", "", "delivery-status-notification"}:
            return "bounce", f"delivery status notification (multipart/report; {report_type})"
        return "auto_reply", f"automated report (multipart/report; report-type={report_type})"
    for part in _leaves(message):
        kind = _REPORT_TYPES.get(_content_type(part))
        if kind:
            return kind, f"automated report ({_content_type(part)} part)"
    local_part = from_address.partition("@")[0]
    if local_part in _BOUNCE_SENDERS:
        return "bounce", f"sent by a mail system ({local_part})"
    if not from_address:
        sender = header_text(message, "From").lower()
        if any(name in sender for name in _BOUNCE_SENDERS):
            return "bounce", "sent by a mail system"
    subject = header_text(message, "Subject")
    if _BOUNCE_SUBJECTS.match(subject):
        return "bounce", "subject of a delivery failure notice"
    if local_part in {"postmaster", "post_master"} and _POSTMASTER_SUBJECTS.search(subject):
        return "bounce", "error notice from a postmaster"
    auto_submitted = header_text(message, "Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return "auto_reply", f"Auto-Submitted: {auto_submitted[:60]}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Response-Suppress"):
        value = header_text(message, name).strip()
        if value and value.lower() not in {"no", "false", "0"}:
            return "auto_reply", f"{name}: {value[:60]}"
    precedence = header_text(message, "Precedence").strip().lower()
    if precedence in {"bulk", "list", "junk", "auto_reply"}:
        return ("auto_reply" if precedence == "auto_reply" else "list"), (
            f"Precedence: {precedence}"
        )
    for name in _LIST_HEADERS:
        if raw_header(message, name).strip():
            return "list", f"{name} header (mailing list or bulk mail)"
    if _LIST_SENDER.search(local_part):
        return "list", "sent by mailing-list software"
    if _NO_REPLY_SENDER.match(local_part):
        return "auto_reply", "sent from a no-reply address"
    if _AUTO_SUBJECTS.match(subject):
        return "auto_reply", "subject of an automatic reply"
    if raw_header(message, "Return-Path").strip() == "<>":
        return "auto_reply", "null return path (sent by an automated system)"
    return "", ""
