import importlib
import os
import sys
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.conf import settings as django_settings
from django.utils import timezone


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    """Attachments go to a throwaway private storage for each test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "concierge.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    return tmp_path / "private"


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Tasks enqueued on commit run in-process, so tests see their effect."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def make_email(
    *,
    sender: str = "Ana Lima <ana@example.org>",
    to: str = "global@backline.care",
    subject: str = "I need someone to talk to",
    body: str = "Hello, I am on tour and struggling.",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    html: str | None = None,
) -> bytes:
    """A well-formed RFC 5322 message as bytes, for tests that build their own mail."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="example.org")
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    # After set_content(), which drops any Content-* header set before it.
    for name, value in (headers or {}).items():
        message[name] = value
    return message.as_bytes()


@pytest.fixture
def ingest(django_capture_on_commit_callbacks):
    """inbound_ingest() with on-commit work (queueing and sending mail) run at once."""
    from concierge.services import inbound_ingest

    def _ingest(raw: bytes, source: str = "email"):
        with django_capture_on_commit_callbacks(execute=True):
            return inbound_ingest(raw=raw, source=source)

    return _ingest


@pytest.fixture(autouse=True)
def shipped_crisis_rules(request):
    """Transactional tests (live_server, the corpus run) flush every table, including the crisis
    rules that migration 0003 ships; put them back for the tests that follow on the same worker."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        return
    if "transactional_db" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("db")
    from django.apps import apps

    from concierge.models import CrisisRule

    if not CrisisRule.objects.exists():
        migration = importlib.import_module("concierge.migrations.0003_initial_crisis_rules")
        migration.add_rules(apps, None)


MANAGE = [sys.executable, str(django_settings.BASE_DIR / "manage.py")]


def command_env(database, tmp_path, **extra: str) -> dict[str, str]:
    """Environment for a real `manage.py` subprocess on its own SQLite file (the kill tests)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hub.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "LOG_LEVEL": "WARNING",
        **extra,
    }
