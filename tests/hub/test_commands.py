"""Bad option values are usage errors on the command line, never tracebacks."""

import argparse

import pytest
from django.core.management import ManagementUtility

from hub.commands import whole_number


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["send_queued_mail", "--limit", "-1"], "argument --limit: '-1' must be at least 1"),
        (["fetch_inbox", "--limit", "0"], "argument --limit: '0' must be at least 1"),
        (
            ["purge_tickets", "--older-than", "99999999999"],
            "argument --older-than: '99999999999' must be at most 36500",
        ),
        (["purge_tickets", "--older-than", "-3"], "'-3' must be at least 1"),
        (["generate_bench_data", "--resources", "many"], "'many' is not a whole number"),
        (["generate_bench_data", "--countries", "0"], "'0' must be at least 1"),
    ],
)
def test_a_bad_number_is_a_usage_error_with_exit_status_2(capsys, argv, message):
    # The command's own command-line entry (ManagementUtility.execute() would also run
    # django.setup() again and point the logging handler at this test's captured stdout).
    command = ManagementUtility(["manage.py", *argv]).fetch_command(argv[0])
    with pytest.raises(SystemExit) as exit_:
        command.run_from_argv(["manage.py", *argv])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_whole_number_accepts_the_bounds_and_nothing_outside():
    parse = whole_number(minimum=1, maximum=10)
    assert (parse("1"), parse("10")) == (1, 10)
    for bad in ("0", "11", "1.5", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            parse(bad)
