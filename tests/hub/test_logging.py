"""JSON logs on stdout with email addresses and message text redacted."""

import io
import json
import logging

import pytest
from django.test import Client

from hub.logging import JsonFormatter, RedactFilter
from tests.logcheck import assert_not_logged, production_lines

ADDRESS = "requester@example.org"


@pytest.fixture
def redacted_caplog(caplog):
    """caplog whose handler is set up like the production one."""
    formatter = caplog.handler.formatter
    caplog.handler.addFilter(RedactFilter())
    caplog.handler.setFormatter(JsonFormatter())
    caplog.set_level(logging.INFO)
    yield caplog
    caplog.handler.filters.clear()
    caplog.handler.setFormatter(formatter)


def lines(caplog) -> list[dict]:
    return [json.loads(line) for line in caplog.text.splitlines() if line.strip()]


def test_lines_are_json_with_level_logger_and_message(redacted_caplog):
    logging.getLogger("hub.test").warning("ticket %s opened", "BL-000123", extra={"ticket": 123})
    [entry] = lines(redacted_caplog)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "hub.test"
    assert entry["message"] == "ticket BL-000123 opened"
    assert entry["ticket"] == 123
    assert entry["time"].endswith("+00:00")


def test_email_addresses_are_masked_everywhere(redacted_caplog):
    log = logging.getLogger("hub.test")
    log.info("mail from %s", ADDRESS, extra={"sender": f"Jo <{ADDRESS}>", "to": [ADDRESS]})
    log.info("GET /en/?email=requester%40example.org")
    log.info("Not Found: /en/jo.bloggs+hub@mail.example.co.uk/")
    text = redacted_caplog.text
    assert ADDRESS not in text and "requester%40example.org" not in text
    assert "jo.bloggs" not in text and "mail.example" not in text
    assert text.count("[email]") == 5
    assert "GET /en/?email=[email]" in text and "Not Found: /en/[email]/" in text


@pytest.mark.parametrize("field", ["body", "message", "subject", "Subject"])
def test_message_text_fields_are_blanked(redacted_caplog, field):
    log = logging.getLogger("hub.test")
    log.info("stored", extra={"details": {field: "I feel unsafe tonight", "size": 42}})
    if field.islower() and field != "message":
        log.info("stored", extra={field: "I feel unsafe tonight"})
    assert "unsafe" not in redacted_caplog.text
    assert all(entry["message"] == "stored" for entry in lines(redacted_caplog))
    assert lines(redacted_caplog)[0]["details"] == {field: "[redacted]", "size": 42}


def test_tracebacks_are_redacted_too(redacted_caplog):
    try:
        raise ValueError(f"duplicate requester {ADDRESS}")
    except ValueError:
        logging.getLogger("hub.test").exception("import failed")
    [entry] = lines(redacted_caplog)
    assert "ValueError: duplicate requester [email]" in entry["exception"]
    assert ADDRESS not in redacted_caplog.text


def test_a_badly_formatted_call_is_still_logged_not_raised(redacted_caplog):
    logging.getLogger("hub.test").info("%s and %s", "only one")
    assert "arguments could not be formatted" in lines(redacted_caplog)[0]["message"]


@pytest.mark.django_db
@pytest.mark.urls("tests.hub.error_urls")
def test_request_errors_log_the_path_but_no_query_address_or_traceback_address(redacted_caplog):
    client = Client(raise_request_exception=False)
    client.get(f"/en/no-such-page/?email={ADDRESS}")
    client.get("/en/test-errors/crash/?q=private+words")
    text = redacted_caplog.text
    assert ADDRESS not in text and "private words" not in text and "private+words" not in text
    entries = lines(redacted_caplog)
    not_found = next(e for e in entries if e["message"].startswith("Not Found"))
    assert not_found["request"] == {"method": "GET", "path": "/en/no-such-page/"}
    assert not_found["status_code"] == 404
    crash = next(e for e in entries if e["level"] == "ERROR")
    assert "RuntimeError: secret detail: [email] wrote" in crash["exception"]


def test_settings_send_every_logger_through_the_redacting_json_handler_on_stdout():
    root_handlers = logging.getLogger().handlers
    ours = [h for h in root_handlers if type(h) is logging.StreamHandler]
    assert len(ours) == 1
    handler = ours[0]
    assert isinstance(handler.formatter, JsonFormatter)
    assert any(isinstance(f, RedactFilter) for f in handler.filters)
    assert handler in logging.getLogger("django").handlers
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("django.request").error("failed for %s", ADDRESS, extra={"body": "x"})
    finally:
        handler.setStream(previous)
    entry = json.loads(stream.getvalue())
    assert entry == {**entry, "message": "failed for [email]", "body": "[redacted]"}


def test_log_check_helper_catches_free_text_that_redaction_cannot(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("hub.test").info("reply to %s: %s", ADDRESS, "I feel unsafe tonight")
    assert_not_logged(caplog, ADDRESS)  # masked
    with pytest.raises(AssertionError, match="unsafe"):
        assert_not_logged(caplog, "I feel unsafe tonight")
    assert "[email]" in "".join(production_lines(caplog))
