"""Structured logs: one JSON object per line on stdout, with private text redacted.

`RedactFilter` goes on every handler (see LOGGING in settings and gunicorn.conf.py): it
replaces email addresses anywhere in a record (message, extra fields, traceback) and the
whole value of any field named like message text (`body`, `message`, `subject`, ...), so a
careless `logger.info("...", extra={"subject": ...})` cannot leak an inquiry.
"""

import json
import logging
import re
from datetime import UTC, datetime

# An address, also when percent-encoded in a logged URL (`%40`). The local part leaves out
# the rarely used characters that also delimit URLs (/ ? = &), so a path stays readable.
EMAIL = re.compile(r"[\w.+%'-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
EMAIL_MASK = "[email]"
REDACTED = "[redacted]"
PRIVATE_FIELDS = frozenset({"body", "message", "subject", "text", "html", "body_text"})
STANDARD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def redact_text(text: str) -> str:
    return EMAIL.sub(EMAIL_MASK, text)


def redact_value(key: str, value: object) -> object:
    """A value safe to log: private fields blanked, addresses masked, requests summarised."""
    if key.lower() in PRIVATE_FIELDS:
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [redact_value(key, v) for v in value]
    if isinstance(value, int | float | bool) or value is None:
        return value
    if hasattr(value, "method") and hasattr(value, "path"):  # an HttpRequest: no query, no body
        return {"method": value.method, "path": redact_text(str(value.path))}
    return redact_text(str(value))


class RedactFilter(logging.Filter):
    """Mask email addresses and blank message-text fields in every record (never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            message = f"{record.msg!s} [arguments could not be formatted]"
        record.msg, record.args = redact_text(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in STANDARD_ATTRIBUTES and not key.startswith("_"):
                setattr(record, key, redact_value(key, value))
        return True


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, extra fields and the exception, as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES and not key.startswith("_") and key not in entry:
                entry[key] = _plain(value)
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


def _plain(value: object) -> object:
    if hasattr(value, "method") and hasattr(value, "path"):
        return {"method": value.method, "path": str(value.path)}
    return value


def logging_config(*, level: str = "INFO", json_lines: bool = True) -> dict:
    """The LOGGING dict: everything (Django's own loggers too) through one redacting handler."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": "hub.logging.RedactFilter"}},
        "formatters": {
            "json": {"()": "hub.logging.JsonFormatter"},
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json" if json_lines else "plain",
                "filters": ["redact"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Replace Django's default handlers (console in DEBUG, mail_admins) with ours.
            "django": {"handlers": ["stdout"], "level": level, "propagate": False},
            "django.server": {"handlers": ["stdout"], "level": level, "propagate": False},
            "django.db.backends": {"level": "WARNING"},
        },
    }
