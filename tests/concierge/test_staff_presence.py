"""Who else has the ticket open: shared cache entries with a short expiry, across workers."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from concierge import presence, triage
from tests.concierge.staff_factories import TicketFactory, concierge_user, login, staff_url

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/9"


@pytest.fixture(autouse=True)
def empty_cache():
    """Ids repeat between tests, so presence left by an earlier test would show up here."""
    caches["default"].clear()


def test_a_colleague_with_the_ticket_open_is_named_on_the_page(client):
    ticket = TicketFactory()
    ana = concierge_user("ana", first_name="Ana", last_name="Silva")
    ben = concierge_user("ben", first_name="Ben", last_name="Okoro")
    login(client, ana)
    html = client.get(staff_url("ticket", ticket.reference)).content.decode()
    assert "Also viewing this ticket" not in html
    login(client, ben)
    html = client.get(staff_url("ticket", ticket.reference)).content.decode()
    assert "Also viewing this ticket: Ana Silva." in html
    login(client, ana)
    beat = client.get(staff_url("ticket_presence", ticket.reference)).json()
    assert beat["others"] == ["Ben Okoro"]
    assert "Ben Okoro" in beat["text"]


def test_presence_expires_when_the_page_is_closed(client):
    ticket = TicketFactory()
    ana, ben = concierge_user("ana"), concierge_user("ben")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        presence.touch(ticket_id=ticket.pk, user=ana)
        assert presence.others(ticket_id=ticket.pk, user=ben, candidates=[ana, ben]) == [
            "Staff" + ana.first_name.removeprefix("Staff")
        ]
    with time_machine.travel(start + timedelta(seconds=presence.PRESENCE_SECONDS + 5), tick=False):
        assert presence.others(ticket_id=ticket.pk, user=ben, candidates=[ana, ben]) == []


def test_heartbeat_reports_messages_added_since_the_page_was_loaded(client):
    ticket = TicketFactory()
    ana, ben = concierge_user("ana"), concierge_user("ben")
    login(client, ana)
    url = staff_url("ticket_presence", ticket.reference)
    assert client.get(url + "?since=0").json()["newer"] == 0
    triage.ticket_add_note(ticket=ticket, author=ben, body="on it")
    beat = client.get(url + "?since=0").json()
    assert beat["newer"] == 1 and "1 new message" in beat["text"]
    assert client.get(url + "?since=nonsense").status_code == 200


@pytest.fixture
def redis_cache(settings):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test-presence-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    caches["default"].clear()


def test_presence_is_shared_between_workers_through_redis(client, redis_cache, monkeypatch):
    ticket = TicketFactory()
    ana = concierge_user("ana", first_name="Ana", last_name="Silva")
    ben = concierge_user("ben")
    login(client, ana)
    assert client.get(staff_url("ticket", ticket.reference)).status_code == 200
    # Another worker process has its own connection to the same Redis.
    other_worker = RedisCache(REDIS, {"KEY_PREFIX": redis_cache})
    monkeypatch.setattr(presence, "cache", other_worker)
    assert presence.others(ticket_id=ticket.pk, user=ben, candidates=[ana, ben]) == ["Ana Silva"]
    ttl = other_worker._cache.get_client().ttl(
        other_worker.make_and_validate_key(f"concierge:presence:{ticket.pk}:{ana.pk}")
    )
    assert 0 < ttl <= presence.PRESENCE_SECONDS
