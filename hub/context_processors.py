from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


def site(request: HttpRequest) -> dict:
    """Language alternates for the switcher and hreflang, and site-wide links."""
    current = get_language()
    path = request.path
    query = request.META.get("QUERY_STRING", "")
    alternates = []
    for code in settings.LANGUAGE_CODES:
        url = translate_url(path, code)
        info = get_language_info(code)
        alternates.append(
            {
                "code": code,
                "name_local": info["name_local"],
                "url": url,
                "url_with_query": f"{url}?{query}" if query else url,
                "absolute_url": f"{settings.SITE_URL}{url}",
                "is_current": code == current,
            }
        )
    default = next(alt for alt in alternates if alt["code"] == settings.LANGUAGE_CODE)
    return {
        "language_alternates": alternates,
        "x_default_url": default["absolute_url"],
        "canonical_url": f"{settings.SITE_URL}{path}",
        "quick_exit_url": settings.QUICK_EXIT_URL,
        "concierge_address": settings.CONCIERGE_ADDRESS,
    }
