"""Fixtures shared by every test package."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def seed(django_db_setup, django_db_blocker):
    """The real seed (fixtures/directory.json), loaded once per module and rolled back after.

    Loading runs the importer with its validation and history, which takes seconds, so it is
    shared by a module's tests; each test still runs in its own savepoint.
    """
    from resources.services import directory_load_file

    with django_db_blocker.unblock(), transaction.atomic():
        directory_load_file(path=settings.BASE_DIR / "fixtures" / "directory.json", overwrite=False)
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def seeded_db(django_db_setup, django_db_blocker):
    """The database as `load_initial_data` leaves it, loaded once per test module.

    The seed (fixtures/directory.json and its draft translations) is written in a transaction
    that is rolled back after the module's last test; each test still runs in its own
    transaction inside it (mark it `django_db` as usual, not `transaction=True`), so what one
    test writes is undone before the next. Every test of a module that uses it sees the seed,
    so use it for a whole module (`pytestmark = pytest.mark.usefixtures("seeded_db")`) or in a
    module of its own.

    Not loaded into the test database for every test: tests build their own data with
    factories, and a transactional test (`django_db(transaction=True)`, `live_server`) empties
    every table when it ends, which would take the seed away from the tests that follow.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_initial_data", stdout=StringIO(), stderr=StringIO())
        yield
        transaction.set_rollback(True)
