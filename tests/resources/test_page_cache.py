"""Public pages in the page cache: a curator's save shows on the next request; HTTP caching."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from resources.caching import directory_version
from tests.factories import (
    ChannelFactory,
    EmergencyNumberFactory,
    OpeningPeriodFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def entry():
    EmergencyNumberFactory(country__code="GB", number="999")
    resource = ResourceFactory(country__code="GB", name_en="Harbour Helpline", slug="harbour")
    ChannelFactory(resource=resource, value="116 123")
    return resource


def country_url():
    return reverse("resources:country", kwargs={"code": "gb"})


def test_second_request_is_served_from_the_cache_without_queries(
    client, entry, django_assert_num_queries
):
    first = client.get(country_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(country_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def rename_entry(entry):
    entry.name_en = "Lighthouse Helpline"
    entry.save()
    return b"Lighthouse Helpline"


def change_number(entry):
    channel = entry.channels.get()
    channel.value = "0800 000"
    channel.save()
    return b"0800 000"


@pytest.mark.parametrize("change", [rename_entry, change_number])
def test_a_saved_change_appears_on_the_next_request(client, entry, change):
    assert b"Harbour Helpline" in client.get(country_url()).content
    assert client.get(country_url())["X-Page-Cache"] == "hit"
    expected = change(entry)
    response = client.get(country_url())
    assert response["X-Page-Cache"] == "miss"
    assert expected in response.content


def test_new_hours_deleted_entries_and_emergency_numbers_invalidate(client, entry):
    url = reverse("resources:resource", kwargs={"slug": "harbour"})
    for change in (
        lambda: OpeningPeriodFactory(channel=entry.channels.get()),
        lambda: EmergencyNumberFactory(country_id="GB", number="112", kind="police"),
    ):
        client.get(url)
        version = directory_version()
        change()
        assert directory_version() > version
        assert client.get(url)["X-Page-Cache"] == "miss"
    assert b"112" in client.get(url).content
    client.get(country_url())
    entry.delete()
    assert b"Harbour Helpline" not in client.get(country_url()).content


def test_the_cache_is_keyed_by_language_and_query_string(client, entry):
    client.get(country_url())
    assert client.get(country_url() + "?type=crisis_line")["X-Page-Cache"] == "miss"
    with override_settings(LANGUAGE_CODE="en"):
        german = reverse("resources:country", kwargs={"code": "gb"}).replace("/en/", "/de/")
    response = client.get(german)
    assert response["X-Page-Cache"] == "miss"
    assert response["Content-Language"] == "de"


def test_public_pages_say_public_with_a_short_max_age_and_an_etag(client, entry):
    response = client.get(country_url())
    directives = {d.strip().split("=")[0]: d for d in response["Cache-Control"].split(",")}
    assert set(directives) == {"public", "max-age", "s-maxage"}
    assert 0 < int(directives["max-age"].split("=")[1]) <= 60
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    etag = response["ETag"]
    again = client.get(country_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304


def test_signed_in_staff_get_private_uncached_pages(client, entry):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(country_url())
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "X-Page-Cache" not in response
    assert client.get(country_url())["Cache-Control"] == response["Cache-Control"]


def test_pages_with_a_csrf_form_are_never_public(client, entry):
    response = client.get(reverse("resources:report", kwargs={"slug": "harbour"}))
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")
    assert "X-Page-Cache" not in response


def test_errors_are_not_cached(client, entry):
    url = reverse("resources:resource", kwargs={"slug": "missing"})
    assert client.get(url).status_code == 404
    assert "X-Page-Cache" not in client.get(url)


def test_pages_and_saves_work_when_the_cache_server_is_down(client, entry, caplog):
    down = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    with override_settings(CACHES=down):
        response = client.get(country_url())
        assert response.status_code == 200
        assert b"Harbour Helpline" in response.content
        assert "X-Page-Cache" not in response
        assert "public" in response["Cache-Control"]
        entry.name_en = "Lighthouse Helpline"
        entry.save()
        assert b"Lighthouse Helpline" in client.get(country_url()).content
    assert "page cache" in caplog.text
