"""Every public URL of the site, built from the URLconf so new pages are covered when they land.

Routes with parameters (`countries/<cc>/`) need sample values: add them to SAMPLE_KWARGS.
`test_every_parameterised_public_route_has_samples` fails for a route that has none, so
a new page cannot silently escape the header, cookie and bad-input tests.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation

# Not pages a visitor reads: the admin, staff pages, and POST-only endpoints.
# - admin, staff: every page needs a signed-in staff user; anonymous visitors are redirected to
#   the admin login (tests/concierge triage tests cover the redirect and the 403 for non-members).
#   The login pages themselves are checked by test_sign_in_pages_send_strict_headers.
# - anymail: the email provider's inbound webhook (basic auth + provider signature, 503 with
#   Retry-After while unconfigured); covered by tests/concierge/test_webhook.py.
NON_PUBLIC_NAMESPACES = {"admin", "staff", "anymail"}
NON_PUBLIC_NAMES = {"set_language"}
# Route name -> keyword arguments to reverse it with (one page per entry). Values come from the
# seed (fixtures/directory.json): GB has entries, gb-samaritans is published, es is spoken.
SAMPLE_KWARGS: dict[str, list[dict]] = {
    "resources:country": [{"code": "gb"}],
    "resources:language": [{"code": "es"}],
    "resources:resource": [{"slug": "gb-samaritans"}],
    "resources:report": [{"slug": "gb-samaritans"}],
    "resources:report_thanks": [{"slug": "gb-samaritans"}],
    "sitemap_section": [{"section": "pages"}, {"section": "countries"}],
}


@dataclass(frozen=True)
class Route:
    name: str
    i18n: bool
    parameters: tuple[str, ...]


def iter_routes(patterns=None, namespace: str = "", i18n: bool = False, parameters=()):
    """Every named route in the URLconf, with its namespace and whether it is language-prefixed."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        params = parameters + tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from iter_routes(
                entry.url_patterns,
                inner,
                i18n or isinstance(entry.pattern, LocalePrefixPattern),
                params,
            )
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name=name, i18n=i18n, parameters=params)


def public_routes() -> list[Route]:
    routes = {}
    for route in iter_routes():
        top = route.name.split(":")[0] if ":" in route.name else ""
        if top in NON_PUBLIC_NAMESPACES or route.name in NON_PUBLIC_NAMES:
            continue
        routes.setdefault(route.name, route)
    return sorted(routes.values(), key=lambda r: r.name)


def public_urls(languages=None) -> list[str]:
    """Every public page, in every language (or the ones given) for language-prefixed routes."""
    languages = languages or settings.LANGUAGE_CODES
    urls = []
    for route in public_routes():
        samples = SAMPLE_KWARGS.get(route.name, [{}]) if route.parameters else [{}]
        if route.parameters and route.name not in SAMPLE_KWARGS:
            continue
        for kwargs in samples:
            for language in languages if route.i18n else [settings.LANGUAGE_CODE]:
                with translation.override(language):
                    urls.append(reverse(route.name, kwargs=kwargs))
    return sorted(set(urls))


def routes_without_samples() -> list[str]:
    return [r.name for r in public_routes() if r.parameters and r.name not in SAMPLE_KWARGS]
