"""Rendered public pages in the shared cache (Redis), and HTTP caching headers for them.

A page is kept under a key made of: the directory's version number, the full URL with its
query string, the active language (Django's cache-key helpers) and the current time bucket.

- Version: any save or delete of an entry, a channel, its hours, an emergency number or a
  country bumps the version (signals in `resources.apps`), so the next request renders anew.
- Time bucket: "open now" changes on the minute; pages are bucketed by `PAGE_CACHE_SECONDS`
  (60 by default) aligned to the clock, so a badge is never stale past the bucket's end.
  `max-age`/`s-maxage` run to the end of the bucket, so browsers and a CDN agree.
- Only anonymous GET/HEAD requests (no session cookie) for 200 responses without cookies
  are stored or served; pages with forms that carry a CSRF token are never decorated.

Without `REDIS_URL` there is no shared cache and pages are rendered every time (the local
memory cache of each worker could not be invalidated by a save in another process).
"""

import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_cache_key, learn_cache_key, patch_cache_control

VERSION_KEY = "directory:version"


def page_cache_enabled() -> bool:
    return settings.PAGE_CACHE_ENABLED and settings.PAGE_CACHE_SECONDS > 0


def directory_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def directory_changed(**_kwargs) -> None:
    """Make every cached page stale: the next request renders with the saved change."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value differs from the old keys'
        cache.set(VERSION_KEY, int(time.time() * 1000), timeout=None)


def directory_saved(**kwargs) -> None:
    """Signal receiver: stale now, and again at commit.

    The second bump covers a request that rendered the old rows between the save and the
    commit and stored them under the new version.
    """
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed: only after the change
    directory_changed()
    transaction.on_commit(directory_changed, robust=True)


def _bucket(now: float) -> tuple[int, int]:
    """The time bucket `now` falls in, and the seconds left until it ends."""
    size = settings.PAGE_CACHE_SECONDS
    bucket = int(now // size)
    return bucket, max(1, int((bucket + 1) * size - now))


def _anonymous(request: HttpRequest) -> bool:
    # Reading request.user would touch the session and add `Vary: Cookie`; a session
    # cookie is what any signed-in (or form-posting) visitor has.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.META.get("CSRF_COOKIE_USED")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Cache a public, anonymous page in the shared cache and say how long others may keep it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        cacheable = request.method in ("GET", "HEAD") and _anonymous(request)
        now = time.time()
        bucket, remaining = _bucket(now)
        use_cache = cacheable and page_cache_enabled()
        prefix = ""
        if use_cache:
            prefix = f"page.v{directory_version()}.b{bucket}"
            key = get_cache_key(request, prefix, "GET", cache)
            if key is not None:
                response = cache.get(key)
                if response is not None:
                    response["X-Page-Cache"] = "hit"
                    return response
        response = view(request, *args, **kwargs)
        if not cacheable or not _storable(request, response):
            patch_cache_control(response, private=True, no_cache=True)
            return response
        patch_cache_control(response, public=True, max_age=remaining, s_maxage=remaining)
        if use_cache:
            if hasattr(response, "render") and callable(response.render):
                response.render()
            key = learn_cache_key(request, response, remaining, prefix, cache)
            response["X-Page-Cache"] = "miss"
            cache.set(key, response, remaining)
        return response

    return wrapper
