"""What every public page carries (hreflang, canonical, meta, no inline script or style),
sitemap.xml and robots.txt."""

import re
import xml.etree.ElementTree as ET

from django.conf import settings
from django.urls import reverse
from django.utils import translation

SITE = "http://testserver"
PAGES = [
    ("resources:home", {}, ""),
    ("resources:country", {"code": "gb"}, ""),
    ("resources:language", {"code": "es"}, ""),
    ("resources:resource", {"slug": "gb-samaritans"}, ""),
    ("resources:report", {"slug": "gb-samaritans"}, ""),
    ("resources:report_thanks", {"slug": "gb-samaritans"}, ""),
    ("resources:search", {}, "?q=samaritans"),
    ("resources:tour", {}, "?c=GB&c=DE"),
]


def sitemap_xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 (our own sitemap, not untrusted input)


NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def path_for(name: str, kwargs: dict, language: str) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def test_every_page_has_hreflang_canonical_description_and_open_graph(client, directory):
    for name, kwargs, query in PAGES:
        check_head(client, name, kwargs, query)


def check_head(client, name, kwargs, query):
    path = path_for(name, kwargs, "ja")
    response = client.get(path + query)
    assert response.status_code == 200
    html = response.content.decode()
    for language in settings.LANGUAGE_CODES:
        alternate = path_for(name, kwargs, language)
        assert f'<link rel="alternate" hreflang="{language}" href="{SITE}{alternate}">' in html
        # The language switcher keeps the page (and its query).
        escaped = query.replace("&", "&amp;")
        assert f'href="{alternate}{escaped}" lang="{language}"' in html
    default = path_for(name, kwargs, "en")
    assert f'<link rel="alternate" hreflang="x-default" href="{SITE}{default}">' in html
    assert f'<link rel="canonical" href="{SITE}{path}">' in html
    assert re.search(r'<meta name="description" content="[^"]{20,}">', html)
    for prop in ("og:title", "og:description", "og:url", "og:type", "og:locale"):
        assert f'<meta property="{prop}" content="' in html
    assert 'class="quick-exit"' in html
    assert 'class="emergency-bar"' in html


def test_no_inline_script_style_or_third_party_requests(client, directory):
    for name, kwargs, query in PAGES:
        check_no_inline_code(client, name, kwargs, query)


def check_no_inline_code(client, name, kwargs, query):
    html = client.get(path_for(name, kwargs, "en") + query).content.decode()
    assert " style=" not in html and "<style" not in html
    for script in re.findall(r"<script\b[^>]*>", html):
        assert 'src="/static/' in script or 'type="application/ld+json"' in script
    loaded = re.findall(r'<(?:script|img|iframe|source|video|audio)\b[^>]*\ssrc="([^"]+)"', html)
    loaded += re.findall(
        r'<link\b[^>]*rel="(?:stylesheet|icon|preload|prefetch|preconnect|'
        r'manifest)"[^>]*href="([^"]+)"',
        html,
    )
    assert loaded and all(url.startswith("/static/") for url in loaded), loaded
    assert not re.search(r"<[^>]+\son[a-z]+=", html), "inline event handler"


def test_robots_txt(client, directory):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text
    assert settings.ADMIN_PATH not in text  # a configurable admin path is not advertised
    assert "Disallow: /en/search/" in text
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text


def test_sitemap_index_and_sections_with_language_alternates(client, directory):
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    sections = [loc.text for loc in sitemap_xml(index.content).findall("s:sitemap/s:loc", NS)]
    assert f"{SITE}/sitemap-countries.xml" in sections
    assert f"{SITE}/sitemap-resources.xml" in sections
    response = client.get("/sitemap-resources.xml")
    root = sitemap_xml(response.content)
    urls = {u.find("s:loc", NS).text: u for u in root.findall("s:url", NS)}
    samaritans = urls[f"{SITE}/ar/resources/gb-samaritans/"]
    links = {link.get("hreflang"): link.get("href") for link in samaritans.findall("x:link", NS)}
    assert set(links) == {*settings.LANGUAGE_CODES, "x-default"}
    assert links["x-default"] == f"{SITE}/en/resources/gb-samaritans/"
    assert f"{SITE}/en/resources/gb-draft/" not in urls  # drafts are not public
    countries = client.get("/sitemap-countries.xml").content.decode()
    assert f"{SITE}/zh-hans/countries/de/" in countries
    languages = client.get("/sitemap-languages.xml").content.decode()
    assert f"{SITE}/en/languages/es/" in languages
    pages = client.get("/sitemap-pages.xml").content.decode()
    assert f"{SITE}/ko/tour/" in pages


def test_unknown_sitemap_section_is_404(client, directory):
    assert client.get("/sitemap-nope.xml").status_code == 404
    assert client.get("/sitemap-resources.xml?p=99").status_code == 404


def test_reading_pages_sets_no_cookies_only_the_report_form_does(client, directory):
    for name, kwargs, query in PAGES:
        response = client.get(path_for(name, kwargs, "en") + query)
        if name == "resources:report":
            assert set(response.cookies) == {settings.CSRF_COOKIE_NAME}
        else:
            assert not response.cookies, name
