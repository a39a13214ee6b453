from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
def language_redirect(request: HttpRequest) -> HttpResponse:
    """Send `/` to the home page in the visitor's best language from Accept-Language."""
    language = translation.get_language_from_request(request, check_path=False)
    with translation.override(language):
        response = HttpResponseRedirect(reverse("resources:home"))
    response["Vary"] = "Accept-Language"
    return response


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@require_safe
def bench_floor(request: HttpRequest) -> HttpResponse:
    """The benchmark's floor: no database, no template, the whole middleware stack."""
    return HttpResponse(b"ok\n", content_type="text/plain; charset=utf-8")
