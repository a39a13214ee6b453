"""Bad input never gets a 500: property-based tests over every public URL and its parameters.

ENDPOINTS is the one table to extend: a row per public route (and method) with a Hypothesis
strategy per query parameter or form field it reads. `test_every_public_route_is_fuzzed`
fails when a route in the URLconf has no row, so the directory (issue 4) and concierge
(issue 5) pages get covered when they land. Run with `--hypothesis-show-statistics` to see
how many inputs were tried; HYPOTHESIS_PROFILE=ci tries ten times as many.
"""

import os
import re
from dataclasses import dataclass, field
from urllib.parse import quote_from_bytes

import pytest
from django.conf import settings
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.public_urls import iter_routes, public_routes

hypothesis_settings.register_profile(
    "dev",
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
hypothesis_settings.register_profile(
    "ci", parent=hypothesis_settings.get_profile("dev"), max_examples=300
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

LANGUAGES = settings.LANGUAGE_CODES

# Strings that have broken web apps before.
NASTY = [
    "",
    "\x00",
    "%",
    "%%",
    "%ZZ",
    "' OR 1=1 --",
    '"><script>alert(1)</script>',
    "../../../../etc/passwd",
    "\u202eevil",
    "🎵" * 200,
    "a" * 5000,
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "[]",
    "{}",
    "null",
    "ＧＢ",
    "İ",
]
text = st.one_of(st.sampled_from(NASTY), st.text(max_size=200))
raw = st.binary(max_size=64)  # percent-encoded as is: invalid UTF-8 included
value = st.one_of(text, raw)
language_codes = st.one_of(
    st.sampled_from(LANGUAGES),
    st.sampled_from(["EN", "en-us", "pt_BR", "zh-Hans", "zh", "xx", "sr-latn", "*"]),
    text,
)
country_codes = st.one_of(st.from_regex(r"\A[A-Za-z]{2}\Z"), st.sampled_from(["GB", "gb", "XK"]))
page_numbers = st.one_of(st.integers(-(10**20), 10**20).map(str), text)
next_urls = st.one_of(
    st.sampled_from(
        [
            "/",
            "/en/",
            "/de/no-such-page/",
            "//evil.example/",
            "https://evil.example/",
            "javascript:alert(1)",
            "\\\\evil.example",
            "/\t/evil.example",
            "http://testserver/en/",
        ]
    ),
    text,
)

language_tags = st.one_of(
    st.sampled_from(["es", "ES", "en", "pt-BR", "zh-Hans", "sr-Latn-RS", "xx"]),
    st.from_regex(r"\A[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}\Z"),
)
slugs = st.fixed_dictionaries(
    {"slug": st.one_of(st.just("gb-samaritans"), st.from_regex(r"\A[-a-zA-Z0-9_]{1,60}\Z"))}
)
# Any value reverse() accepts for `<section>` (no "/"); unknown sections are a 404.
sections = st.one_of(
    st.sampled_from(["pages", "countries", "languages", "resources"]),
    st.text(min_size=1, max_size=40).filter(lambda v: "/" not in v and "\x00" not in v),
)
choice = st.one_of(text, st.sampled_from(["crisis_line", "helpline", "free", "voice", "sms"]))
FILTERS = {
    "type": choice,
    "topic": text,
    "contact": choice,
    "language": language_codes,
    "cost": choice,
    "open_now": st.one_of(st.sampled_from(["on", "true", "1", "off"]), text),
    "audience": st.one_of(st.sampled_from(["music_industry", "artists"]), text),
    "delivery": st.one_of(st.sampled_from(["in_person", "online", "phone"]), text),
    "sort": st.one_of(st.sampled_from(["recommended", "open", "name", "verified"]), text),
    "page": page_numbers,
}
REPORT = {
    "kind": st.one_of(st.sampled_from(["wrong_number", "closed", "other"]), text),
    "message": text,
    "contact_email": st.one_of(st.emails(), text),
}
INQUIRY = {
    "name": text,
    "email": st.one_of(st.emails(), text),
    "country": country_codes,
    "preferred_language": language_codes,
    "message": text,
    "consent": st.one_of(st.sampled_from(["on", "true"]), text),
    "website": st.one_of(st.just(""), text),
}


@dataclass(frozen=True)
class Endpoint:
    route: str
    method: str = "GET"
    fields: dict = field(default_factory=dict)
    kwargs: st.SearchStrategy = field(default_factory=lambda: st.just({}))

    def __str__(self) -> str:
        return f"{self.method} {self.route}"


ENDPOINTS = [
    Endpoint("root"),
    Endpoint("healthz"),
    Endpoint("set_language", "GET", {"next": next_urls, "language": language_codes}),
    Endpoint("set_language", "POST", {"next": next_urls, "language": language_codes}),
    # Directory (issue 4), over the real seed (the `seed` fixture): GB has entries,
    # gb-samaritans is published, es is spoken somewhere.
    Endpoint("resources:home", fields={"country": text}),
    Endpoint(
        "resources:country", kwargs=st.fixed_dictionaries({"code": country_codes}), fields=FILTERS
    ),
    Endpoint(
        "resources:language",
        kwargs=st.fixed_dictionaries({"code": language_tags}),
        fields={"country": country_codes, "page": page_numbers},
    ),
    Endpoint("resources:resource", kwargs=slugs),
    Endpoint("resources:report", kwargs=slugs, fields=REPORT),
    Endpoint("resources:report", "POST", REPORT, kwargs=slugs),
    Endpoint("resources:report_thanks", kwargs=slugs),
    Endpoint("resources:search", fields={"q": text, "country": country_codes, **FILTERS}),
    Endpoint("resources:tour", fields={"c": st.one_of(country_codes, text)}),
    Endpoint("sitemap", fields={"p": page_numbers}),
    Endpoint(
        "sitemap_section",
        kwargs=st.fixed_dictionaries({"section": sections}),
        fields={"p": page_numbers},
    ),
    Endpoint("robots_txt"),
    # Concierge form (issue 5).
    Endpoint("concierge:inquiry", fields=INQUIRY),
    Endpoint("concierge:inquiry", "POST", INQUIRY),
    Endpoint("concierge:thanks"),
]


ROUTES = {route.name: route for route in iter_routes()}


def url_for(endpoint: Endpoint, language: str, kwargs: dict) -> str:
    with translation.override(language):
        return reverse(endpoint.route, kwargs=kwargs)


def encode_pairs(pairs: list[tuple[str | bytes, str | bytes]]) -> str:
    def encode(item: str | bytes) -> str:
        data = item.encode("utf-8", "surrogatepass") if isinstance(item, str) else item
        return quote_from_bytes(data, safe="")

    return "&".join(f"{encode(key)}={encode(val)}" for key, val in pairs)


@st.composite
def parameters(draw, endpoint: Endpoint) -> list[tuple[str | bytes, str | bytes]]:
    """Some of the endpoint's own parameters (repeated, maybe), plus junk ones."""
    pairs = []
    for name, strategy in endpoint.fields.items():
        for _ in range(draw(st.integers(0, 2))):
            pairs.append((name, draw(st.one_of(strategy, raw))))
    pairs += draw(st.lists(st.tuples(value, value), max_size=3))
    return draw(st.permutations(pairs))


def assert_clear_answer(response, language: str | None) -> None:
    """Never a 500; every error is an HTML page in the visitor's language, without a traceback."""
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        html = response.content.decode()
        assert "Traceback" not in html
        match = re.search(r'<html lang="([^"]+)"', html)
        assert match, html[:300]
        if language:
            assert match.group(1) == language


def visitor(draw) -> tuple[Client, str | None, str]:
    accept = draw(st.one_of(st.sampled_from(LANGUAGES), text))
    expected = accept if accept in LANGUAGES else None
    return Client(raise_request_exception=False), expected, accept


@pytest.mark.django_db
@pytest.mark.usefixtures("seed")
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@given(data=st.data())
def test_parameters_never_cause_a_server_error(endpoint, data):
    client, visitor_language, accept = visitor(data.draw)
    language = data.draw(st.sampled_from(LANGUAGES))
    url = url_for(endpoint, language, data.draw(endpoint.kwargs))
    expected = language if ROUTES[endpoint.route].i18n else visitor_language
    query = encode_pairs(data.draw(parameters(endpoint)))
    if endpoint.method == "GET":
        response = client.get(f"{url}?{query}", HTTP_ACCEPT_LANGUAGE=accept)
    else:
        body_kind = data.draw(st.sampled_from(["urlencoded", "multipart", "garbage"]))
        if body_kind == "urlencoded":
            body, content_type = query.encode(), "application/x-www-form-urlencoded"
        elif body_kind == "multipart":
            fields = {name: data.draw(text) for name in endpoint.fields}
            body, content_type = encode_multipart(BOUNDARY, fields), MULTIPART_CONTENT
        else:
            body = data.draw(st.binary(max_size=512))
            content_type = data.draw(
                st.sampled_from(
                    [
                        "multipart/form-data",
                        "multipart/form-data; boundary=x",
                        "application/x-www-form-urlencoded; charset=koi8-r",
                        "application/x-www-form-urlencoded; charset=no-such-charset",
                        "text/plain",
                    ]
                )
            )
        response = client.generic(
            "POST", url, body, content_type=content_type, HTTP_ACCEPT_LANGUAGE=accept
        )
    assert_clear_answer(response, expected)


@pytest.mark.django_db
@given(
    prefix=st.one_of(st.sampled_from(LANGUAGES), st.from_regex(r"\A[a-zA-Z-]{1,8}\Z"), raw),
    segments=st.lists(st.one_of(raw, text), max_size=5),
    data=st.data(),
)
def test_unknown_paths_and_language_prefixes_get_a_clear_4xx(prefix, segments, data):
    client, visitor_language, accept = visitor(data.draw)
    parts = [prefix, *segments]
    path = "/" + "/".join(
        quote_from_bytes(p if isinstance(p, bytes) else p.encode("utf-8", "surrogatepass"))
        for p in parts
    )
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=accept)
    # A known prefix sets the language (Django maps en-us to en); otherwise the browser's does.
    expected = translation.get_language_from_path(path) or visitor_language
    assert_clear_answer(response, expected and expected.lower())


def test_every_public_route_is_fuzzed():
    fuzzed = {endpoint.route for endpoint in ENDPOINTS}
    missing = [route.name for route in public_routes() if route.name not in fuzzed]
    assert missing == [], "add these routes to ENDPOINTS in tests/hub/test_bad_input.py"


# Fixed cases that a generator would rarely hit -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/en/" + "a" * 20_000,
        "/en/?" + "q=" + "a" * 100_000,
        "/en/?" + "&".join(f"p{n}=1" for n in range(5_000)),
        "/%FF%FE/",
        "/en/%C0%AF/",
        "/en/?q=%FF%FE%00",
        "/en/%00/",
        "/de/..%2F..%2Fetc%2Fpasswd",
        "/xx/",
        "/zz-zz/countries/gb/",
        "/HI",
        "/ZH-HANS/no-such-page/",
    ],
)
def test_hostile_urls_get_a_clear_answer(path):
    response = Client(raise_request_exception=False).get(path)
    assert_clear_answer(response, None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content_length", "status"),
    [("abc", 400), ("-5", 400), ("", 302), ("99999999999999999999", 413)],
)
def test_lying_content_lengths_get_a_clear_answer(content_length, status):
    response = Client(raise_request_exception=False).generic(
        "POST",
        "/i18n/setlang/",
        b"language=de&next=/en/",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=content_length,
    )
    assert response.status_code == status


@pytest.mark.django_db
def test_too_many_fields_get_a_400():
    body = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = Client(raise_request_exception=False).generic(
        "POST", "/i18n/setlang/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert_clear_answer(response, "en")
