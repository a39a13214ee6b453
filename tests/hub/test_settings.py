import os
import subprocess
import sys

from django.conf import settings


def run_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_DEBUG"}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "hub.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_to_start_without_secret_key_outside_debug():
    result = run_settings(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "started" not in result.stdout


def run_manage(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**env, "DJANGO_DEBUG": "0"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_build_commands_run_without_a_secret_key():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_every_other_command_refuses_without_a_secret_key_and_says_why():
    for args in (["check"], ["migrate", "--plan"], ["send_queued_mail"]):
        result = run_manage(*args)
        assert result.returncode == 1, args
        assert result.stderr.startswith("Configuration error: SECRET_KEY is not set"), args
        assert "Traceback" not in result.stderr


def test_settings_start_without_secret_key_in_debug():
    result = run_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_settings_start_with_secret_key():
    result = run_settings(DJANGO_DEBUG="0", SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr


def test_debug_is_off_by_default_and_health_checks_are_on():
    assert settings.DEBUG is False
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
