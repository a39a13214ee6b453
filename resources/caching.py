"""Rendered public pages in the shared cache (Redis), and HTTP caching headers for them.

A page is kept under a key made of the full URL with its query string, the active language
and the current time bucket (and Accept-Language for the home page, which suggests countries
from it), together with the directory's version number it was rendered under.

- Version: any save or delete of an entry, a channel, its hours, an emergency number or a
  country bumps the version (signals in `resources.apps`); a page stored under an older
  version is not served, so the next request renders anew.
- Time bucket: "open now" changes on the minute; pages are bucketed by `PAGE_CACHE_SECONDS`
  (60 by default) aligned to the clock, so a badge is never stale past the bucket's end.
  `max-age`/`s-maxage` run to the end of the bucket, so browsers and a CDN agree.
- Only anonymous GET/HEAD requests (no session cookie) for 200 responses without cookies
  are stored or served; pages with forms that carry a CSRF token are never decorated.

Without `REDIS_URL` there is no shared cache and pages are rendered every time (the local
memory cache of each worker could not be invalidated by a save in another process).
"""

import hashlib
import logging
import time
from collections.abc import Callable
from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, set_response_etag
from django.utils.translation import get_language

VERSION_KEY = "directory:version"
logger = logging.getLogger(__name__)


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
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # not set yet (or evicted): any new value differs from the old
            cache.set(VERSION_KEY, int(time.time() * 1000), timeout=None)
    except Exception:  # the cache server is down: a curator's save must still succeed
        logger.exception("page cache: could not mark pages stale")


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


def _page_key(request: HttpRequest, bucket: int, accept_language: bool) -> str:
    parts = [get_language() or "", request.build_absolute_uri()]  # the full query string too
    if accept_language:
        parts.append(request.headers.get("Accept-Language", ""))
    digest = hashlib.md5("\n".join(parts).encode(), usedforsecurity=False).hexdigest()
    return f"page.b{bucket}.{digest}"


def public_page(
    view: Callable[..., HttpResponse] | None = None, *, vary_on_accept_language: bool = False
):
    """Cache a public, anonymous page in the shared cache and say how long others may keep it.

    A hit costs one round trip: the version and the page are read together (get_many), and
    the page is stored with the version it was rendered under.
    """
    if view is None:
        return partial(public_page, vary_on_accept_language=vary_on_accept_language)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        cacheable = request.method in ("GET", "HEAD") and _anonymous(request)
        bucket, remaining = _bucket(time.time())
        use_cache = cacheable and page_cache_enabled()
        if use_cache:
            key = _page_key(request, bucket, vary_on_accept_language)
            try:
                found = cache.get_many([VERSION_KEY, key])
                version = found.get(VERSION_KEY) or directory_version()
            except Exception:  # the cache server is down: render, as without a cache
                logger.exception("page cache: unavailable")
                use_cache, found, version = False, {}, None
            stored = found.get(key)
            if stored is not None and stored[0] == version:
                response = stored[1]
                response["X-Page-Cache"] = "hit"
                return response
        response = view(request, *args, **kwargs)
        if not cacheable or not _storable(request, response):
            patch_cache_control(response, private=True, no_cache=True)
            return response
        patch_cache_control(response, public=True, max_age=remaining, s_maxage=remaining)
        varies = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
        if use_cache and varies <= ({"accept-language"} if vary_on_accept_language else set()):
            if hasattr(response, "render") and callable(response.render):
                response.render()
            set_response_etag(response)  # once, stored with the page
            response["X-Page-Cache"] = "miss"
            try:
                cache.set(key, (version, response), remaining)
            except Exception:
                logger.exception("page cache: could not store a page")
        return response

    return wrapper
