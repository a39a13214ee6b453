"""Argument types shared by management commands."""

import argparse
from collections.abc import Callable


def whole_number(*, minimum: int = 1, maximum: int | None = None) -> Callable[[str], int]:
    """An argparse type: a whole number in [minimum, maximum], else a usage error (no traceback).

    argparse turns ArgumentTypeError into "error: argument --x: …" and exit status 2; a
    CommandError raised here would escape parse_args as a traceback.
    """

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"{value!r} must be at least {minimum}")
        if maximum is not None and number > maximum:
            raise argparse.ArgumentTypeError(f"{value!r} must be at most {maximum}")
        return number

    return parse
