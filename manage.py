#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import secrets
import sys

# Build steps that sign, send and serve nothing: they may run where no SECRET_KEY exists (a
# fresh checkout, CI, an image build) with a throwaway key. Everything else (runserver,
# migrate, check, the mail commands, the WSGI app) still refuses to start without one.
BUILD_COMMANDS = {
    "makemigrations",
    "makemessages",
    "compilemessages",
    "collectstatic",
    "help",
    "version",
    "--help",
    "-h",
    "--version",
}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command in BUILD_COMMANDS and not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = "build-only-" + secrets.token_urlsafe(48)
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - load the settings so their errors read clearly
    except ImproperlyConfigured as exc:
        # Django would otherwise go on and fail later with "Models aren't loaded yet".
        sys.exit(f"Configuration error: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
