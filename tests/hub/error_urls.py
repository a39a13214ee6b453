"""The site's URLconf plus views that fail in each way an error page must handle (tests only)."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from hub.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail: requester@example.org wrote something private")


def database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def body_cut_short(request: HttpRequest) -> HttpResponse:
    raise UnreadablePostError("client went away")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("tampered")


@csrf_exempt
def echo_form(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"{len(request.POST)} fields", content_type="text/plain")


urlpatterns = [
    *urlpatterns,
    *i18n_patterns(
        path("test-errors/crash/", crash),
        path("test-errors/database-down/", database_down),
        path("test-errors/forbidden/", forbidden),
        path("test-errors/body-cut-short/", body_cut_short),
        path("test-errors/suspicious/", suspicious),
        path("test-errors/echo/", echo_form),
        prefix_default_language=True,
    ),
]
