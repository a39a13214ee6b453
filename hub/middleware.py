from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from hub.errors import error_response


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class ErrorPageMiddleware:
    """Clear 4xx pages: refuse requests Django would crash on, and fill bare error responses.

    A non-numeric Content-Length makes Django raise ValueError (a 500) when the body is
    read; an empty 405 from `require_safe` tells the visitor nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        content_length = request.META.get("CONTENT_LENGTH", "")
        if content_length and not content_length.isdigit():
            return error_response(request, 400)
        response = self.get_response(request)
        if response.status_code < 400 or response.streaming or response.content:
            return response
        page = error_response(request, response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                page[header] = response[header]
        return page


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies add to it."""
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.TRUSTED_PROXY_COUNT <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < settings.TRUSTED_PROXY_COUNT:
        return remote
    return forwarded[-settings.TRUSTED_PROXY_COUNT]
