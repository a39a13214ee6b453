"""Who else has a ticket open right now, kept in the shared cache with a short expiry.

One cache key per (ticket, staff member) rather than one list per ticket: two workers
updating at once then never overwrite each other, and a closed tab simply expires.
With Redis as the cache this works across processes and servers.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

PRESENCE_SECONDS = getattr(settings, "CONCIERGE_PRESENCE_SECONDS", 90)


def _key(ticket_id: int, user_id: int) -> str:
    return f"concierge:presence:{ticket_id}:{user_id}"


def touch(*, ticket_id: int, user) -> None:
    """Note that `user` has the ticket open now."""
    cache.set(
        _key(ticket_id, user.pk),
        {"name": user.get_full_name() or user.get_username(), "at": timezone.now().isoformat()},
        PRESENCE_SECONDS,
    )


def leave(*, ticket_id: int, user) -> None:
    cache.delete(_key(ticket_id, user.pk))


def others(*, ticket_id: int, user, candidates) -> list[str]:
    """Names of the other `candidates` (staff users) who have the ticket open."""
    keys = {_key(ticket_id, other.pk): other for other in candidates if other.pk != user.pk}
    if not keys:
        return []
    found = cache.get_many(list(keys))
    return sorted(entry["name"] for entry in found.values())
