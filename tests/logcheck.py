"""Helpers for tests that prove private text stays out of the logs (intake, triage, errors).

from tests.logcheck import assert_not_logged
def test_intake_logs_nothing_private(caplog, ...):
    caplog.set_level("DEBUG")
    ...ingest a message...
    assert_not_logged(caplog, "requester@example.org", "the body text")
"""

import logging

from hub.logging import JsonFormatter, RedactFilter


def production_lines(caplog) -> list[str]:
    """The captured records as the production handler writes them (redacted JSON lines)."""
    redact, formatter = RedactFilter(), JsonFormatter()
    lines = []
    for record in caplog.records:
        copy = logging.makeLogRecord(vars(record))
        redact.filter(copy)
        lines.append(formatter.format(copy))
    return lines


def assert_not_logged(caplog, *secrets: str) -> None:
    """No secret in any log line as production writes it.

    Redaction masks addresses and message-text fields, not free text in a log message,
    so a ticket body passed as a format argument is caught here.
    """
    for line in production_lines(caplog):
        for secret in secrets:
            assert secret not in line, f"logged {secret!r}: {line}"
