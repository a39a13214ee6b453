"""Error pages in the visitor's language that always show emergency help.

They render without the database and without template context processors (which may
query it): the template gets a plain dict, and emergency numbers come from
`hub.emergency` (cache, else the seed fixture). If even the template fails, a minimal
page built here is returned, so an error page never becomes a second error.
"""

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from hub.emergency import emergency_numbers

logger = logging.getLogger(__name__)

PAGES = {
    400: (
        _("Bad request"),
        _("We could not understand that request. Check the address, or go back and try again."),
    ),
    403: (
        _("Access denied"),
        _("You do not have permission to see this page."),
    ),
    404: (
        _("Page not found"),
        _("We could not find that page. It may have moved, or the address may be mistyped."),
    ),
    405: (
        _("Not allowed"),
        _("This address does not accept that kind of request. Go back and try again."),
    ),
    413: (
        _("Too much data"),
        _("What you sent is too large for us to accept. Please shorten it and try again."),
    ),
    429: (
        _("Too many attempts"),
        _("There were too many attempts in a short time. Please wait a while and try again."),
    ),
    500: (
        _("Something went wrong"),
        _("Something went wrong on our side. Please try again in a few minutes."),
    ),
    503: (
        _("Temporarily unavailable"),
        _(
            "We cannot show or save this right now. If you were sending us a message, it has "
            "not reached us: please send it again in a few minutes, or write to "
            "%(concierge_address)s."
        ),
    ),
}
CSRF_MESSAGE = _(
    "Your form could not be sent because its security check failed. This happens when the "
    "page was open for a long time or your browser blocks cookies. Reload the page and try "
    "again."
)
KIND_LABELS = {"ambulance": _("ambulance"), "police": _("police"), "fire": _("fire")}


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return error_response(request, 413)
    return error_response(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The database is probably fine here, so this is where the cache gets refilled.
    return error_response(request, 404, use_database=True)


def server_error(request: HttpRequest) -> HttpResponse:
    """500; 503 with Retry-After when the database is unreachable; 400 for a body cut short."""
    exception = sys.exc_info()[1]
    if isinstance(exception, UnreadablePostError):
        return error_response(request, 400)
    return error_response(request, 503 if database_unavailable(exception) else 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_response(request, 403, message=CSRF_MESSAGE)


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """django-axes lockout page: 429 in the visitor's language."""
    return error_response(request, 429)


def database_unavailable(exception: BaseException | None) -> bool:
    """Whether the exception (or one it was raised from) means the database did not answer."""
    seen = set()
    while exception is not None and id(exception) not in seen:
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return False


def error_response(
    request: HttpRequest, status: int, *, message: str | None = None, use_database: bool = False
) -> HttpResponse:
    language = error_language(request)
    with translation.override(language):
        context = error_context(request, status, message=message, use_database=use_database)
        try:
            html = loader.render_to_string("errors/error.html", context)
        except Exception:
            logger.exception("error page template failed; serving the plain version")
            html = plain_error_page(context)
    response = HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    return response


def error_language(request: HttpRequest) -> str:
    """The language of the URL prefix, else the one LocaleMiddleware chose, else the default."""
    language = translation.get_language_from_path(request.path_info) or translation.get_language()
    try:
        # Django matches prefixes case-insensitively (/HI/ is Hindi); use our spelling.
        language = translation.get_supported_language_variant(language or "").lower()
    except LookupError:
        return settings.LANGUAGE_CODE
    return language if language in settings.LANGUAGE_CODES else settings.LANGUAGE_CODE


def _with_address(text: str) -> str:
    # Only the messages that name the address are formatted: others may hold a literal "%".
    placeholder = "%(concierge_address)s"
    return text.replace(placeholder, settings.CONCIERGE_ADDRESS) if placeholder in text else text


def error_context(
    request: HttpRequest, status: int, *, message: str | None, use_database: bool
) -> dict:
    title, default_message = PAGES.get(status, PAGES[400 if status < 500 else 500])
    try:
        home_url = reverse("resources:home")
    except NoReverseMatch:
        home_url = "/"
    numbers = emergency_numbers(use_database=use_database)
    country_list = sorted(
        (
            {"code": code, "name": countries.name(code) or code, "numbers": _numbers(entry)}
            for code, entry in numbers.items()
        ),
        key=lambda item: str(item["name"]),
    )
    visitor_country = visitor_country_code(request)
    local = next((c for c in country_list if c["code"] == visitor_country), None)
    return {
        "status": status,
        "title": title,
        "message": message or _with_address(str(default_message)),
        "concierge_address": settings.CONCIERGE_ADDRESS,
        "home_url": home_url,
        "country_picker_url": f"{home_url}#countries",
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "local": local,
        "countries": country_list,
    }


def visitor_country_code(request: HttpRequest) -> str | None:
    """The country in the URL (`/<lang>/countries/<cc>/…`), else the region of Accept-Language."""
    parts = request.path_info.strip("/").split("/")
    if len(parts) >= 3 and parts[1] == "countries" and len(parts[2]) == 2:
        return parts[2].upper()
    for item in request.META.get("HTTP_ACCEPT_LANGUAGE", "").split(","):
        tag = item.split(";")[0].strip().replace("_", "-").split("-")
        if len(tag) >= 2 and len(tag[-1]) == 2 and tag[-1].isalpha():
            return tag[-1].upper()
    return None


def _numbers(entry) -> list[dict]:
    return [
        {"dial": n.dial, "tel": n.tel, "label": KIND_LABELS.get(n.kind, "")} for n in entry.numbers
    ]


def plain_error_page(context: dict) -> str:
    """The error page without templates or static files."""
    numbers = format_html_join(
        "",
        '<li>{}: <a href="tel:{}"><bdi dir="ltr">{}</bdi></a></li>',
        (
            (country["name"], number["tel"], number["dial"])
            for country in ([context["local"]] if context["local"] else context["countries"])
            for number in country["numbers"]
        ),
    )
    return format_html(
        '<!doctype html><html lang="{}" dir="{}"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>{}</title><h1>{}</h1><p>{}</p><p>{}</p><ul>{}</ul>"
        '<p><a href="{}">{}</a></p></html>',
        translation.get_language(),
        "rtl" if translation.get_language_bidi() else "ltr",
        context["title"],
        context["title"],
        context["message"],
        gettext("In danger right now? Call your local emergency number."),
        numbers,
        context["country_picker_url"],
        gettext("Find the number for your country"),
    )
