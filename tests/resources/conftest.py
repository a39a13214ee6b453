import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from tests.resources.directory_data import build_directory


@pytest.fixture
def directory(db) -> dict:
    """A small directory built with factories (see directory_data.build_directory)."""
    cache.clear()
    return build_directory()


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
