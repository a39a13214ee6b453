import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LANGUAGES = settings.LANGUAGE_CODES
# The home page lists the countries the directory covers, so it reads the database.
pytestmark = pytest.mark.django_db

# A string of the shared layout and its translation must differ in every language but English.
KNOWN_STRING = "Skip to main content"


def home_url(language: str) -> str:
    with translation.override(language):
        return reverse("resources:home")


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_renders_in_every_language(client, language):
    response = client.get(home_url(language))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    with translation.override(language):
        translated = translation.gettext(KNOWN_STRING)
    assert translated in html
    if language != "en":
        assert translated != KNOWN_STRING, f"{language} has no translation for {KNOWN_STRING!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_url_is_prefixed_with_the_language(language):
    assert home_url(language) == f"/{language}/"


def test_arabic_pages_are_right_to_left(client):
    html = client.get(home_url("ar")).content.decode()
    assert '<html lang="ar" dir="rtl">' in html


def test_english_pages_are_left_to_right(client):
    html = client.get(home_url("en")).content.decode()
    assert '<html lang="en" dir="ltr">' in html


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "/de/"),
        ("pt-BR,pt;q=0.9", "/pt-br/"),
        ("zh-CN,zh;q=0.9", "/zh-hans/"),
        ("ar-EG", "/ar/"),
        ("xx-YY", "/en/"),
        ("", "/en/"),
    ],
)
def test_root_redirects_to_the_best_language(client, accept_language, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_language_switcher_links_to_the_same_page_in_every_language(client):
    html = client.get(home_url("fr")).content.decode()
    for language in LANGUAGES:
        assert f'href="/{language}/" lang="{language}"' in html


def test_hreflang_alternates_and_x_default(client):
    html = client.get(home_url("ja")).content.decode()
    for language in LANGUAGES:
        assert f'hreflang="{language}" href="{settings.SITE_URL}/{language}/"' in html
    assert f'hreflang="x-default" href="{settings.SITE_URL}/en/"' in html


def test_set_language_view_is_wired(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": "/en/"})
    assert response.status_code == 302
    assert response["Location"] == "/es/"
