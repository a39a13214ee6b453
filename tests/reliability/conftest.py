import os
import shutil

import pytest

from tests.reliability.harness import Gunicorn, PostgresCluster, manage, production_env

STAFF_PASSWORD = "reliability-check-passphrase-7"


class Site:
    def __init__(self, cluster: PostgresCluster, gunicorn: Gunicorn, env: dict) -> None:
        self.cluster, self.gunicorn, self.env = cluster, gunicorn, env


@pytest.fixture(scope="session")
def site():
    """PostgreSQL 15 on a free loopback port, migrated, and gunicorn serving the site on it."""
    if shutil.which("runuser") is None and os.geteuid() == 0:
        pytest.fail("runuser is needed to run initdb as the postgres user")
    cluster = PostgresCluster()
    gunicorn = None
    try:
        cluster.init()
        cluster.start()
        env = production_env(cluster.create_database("hub"), cluster.root / "static")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        # The real seed directory, so the pages under load and during the outage are the
        # real ones (a country with its entries), not "not found" pages.
        manage(env, "load_initial_data", "-v0")
        manage(
            {**env, "DJANGO_SUPERUSER_PASSWORD": STAFF_PASSWORD},
            *("createsuperuser", "--noinput", "--username", "curator"),
            "--email=curator@example.org",
        )
        gunicorn = Gunicorn(env, cluster.root / "gunicorn.log")
        gunicorn.start()
        yield Site(cluster, gunicorn, env)
    finally:
        if gunicorn:
            gunicorn.stop()
        cluster.destroy()
