"""Staff sign-in: lockout after failures, expiring sessions, strong passwords, hidden path."""

import importlib
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import Resolver404, clear_url_caches, resolve, reverse
from django.utils import timezone

PASSWORD = "correct horse battery staple"
LOGIN = f"/{settings.ADMIN_PATH}login/"


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_superuser("curator", "curator@example.org", PASSWORD)


def attempt(client: Client, password: str, ip: str = "203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": "curator", "password": password, "next": f"/{settings.ADMIN_PATH}"},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9",
    )


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_login_locks_after_the_configured_number_of_failures(curator):
    client = Client()
    assert attempt(client, "wrong-1").status_code == 200  # the form again, with an error
    assert attempt(client, "wrong-2").status_code == 200
    locked = attempt(client, "wrong-3")
    assert locked.status_code == 429
    assert '<html lang="de"' in locked.content.decode()
    # Even the right password is refused now, and nobody is signed in.
    assert attempt(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # The count lives in the database, so every web process sees it.
    stored = AccessAttempt.objects.get(username="curator", ip_address="203.0.113.7")
    assert stored.failures_since_start >= 3


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_lockout_of_one_address_does_not_lock_the_user_out_everywhere(curator):
    for n in range(3):
        attempt(Client(), f"wrong-{n}", ip="203.0.113.7")
    assert attempt(Client(), PASSWORD, ip="198.51.100.20").status_code == 302


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=timedelta(minutes=30))
def test_a_lockout_ends_after_the_cool_off_time(curator):
    for n in range(2):
        attempt(Client(), f"wrong-{n}")
    assert attempt(Client(), PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert attempt(Client(), PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_good_login_resets_the_failure_count(curator):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(Client(), f"wrong-{n}")
    assert attempt(Client(), PASSWORD).status_code == 302
    assert attempt(Client(), "wrong-again").status_code == 200


@pytest.mark.django_db
def test_staff_sessions_expire_after_session_cookie_age(curator):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert attempt(client, PASSWORD).status_code == 302
        clock.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
        assert client.get(f"/{settings.ADMIN_PATH}").status_code == 200
        clock.shift(timedelta(seconds=120))
        expired = client.get(f"/{settings.ADMIN_PATH}")
    assert expired.status_code == 302
    assert expired["Location"].startswith(LOGIN)


def test_sessions_are_short_and_end_with_the_browser():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


@pytest.mark.parametrize(
    "password",
    ["short-pw", "password1234", "123456789012345", "curator-example"],
)
def test_weak_passwords_are_rejected(django_user_model, password):
    user = django_user_model(username="curator", email="curator@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_passphrase_is_accepted(django_user_model):
    validate_password(PASSWORD, django_user_model(username="curator"))


def test_the_admin_lives_at_admin_path():
    assert reverse("admin:index") == f"/{settings.ADMIN_PATH}"


def test_admin_path_is_configurable():
    import hub.urls

    try:
        with override_settings(ADMIN_PATH="backstage-7f3a/"):
            importlib.reload(hub.urls)
            clear_url_caches()
            assert reverse("admin:index") == "/backstage-7f3a/"
            with pytest.raises(Resolver404):
                resolve("/admin/")
    finally:
        importlib.reload(hub.urls)
        clear_url_caches()
    assert reverse("admin:index") == f"/{settings.ADMIN_PATH}"


def admin_path_from_env(value: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_DEBUG": "0", "SECRET_KEY": "x" * 60, "ADMIN_PATH": value}
    return subprocess.run(
        [sys.executable, "-c", "from hub import settings; print(settings.ADMIN_PATH)"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(("value", "expected"), [("/backstage/", "backstage/"), ("", "admin/")])
def test_admin_path_setting_is_normalised(value, expected):
    result = admin_path_from_env(value)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_admin_path_cannot_be_the_site_root():
    result = admin_path_from_env("/")
    assert result.returncode != 0
    assert "ADMIN_PATH must name a path" in result.stderr
