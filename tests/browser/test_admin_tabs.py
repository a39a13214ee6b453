"""The curators' translation tabs work in Chromium with only our own scripts (CSP 'self')."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from resources.services import CURATORS, curators_group_setup
from tests.factories import ChannelFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def curator_page(live_server, page):
    curators_group_setup()
    user = UserFactory(username="tab-curator", is_staff=True)
    user.groups.add(Group.objects.get(name=CURATORS))
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return page


def test_translation_tabs_switch_languages_without_third_party_requests(live_server, curator_page):
    page = curator_page
    channel = ChannelFactory(resource__name_en="Night line", resource__name_es="Línea nocturna")
    resource = channel.resource
    requests, problems = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: problems.append(m) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )

    page.goto(live_server.url + reverse("admin:resources_resource_change", args=[resource.pk]))

    english, spanish = page.locator("#id_name_en"), page.locator("#id_name_es")
    tab_es = page.locator('a[role="tab"][href="#tab_id_name_es"]')
    assert english.is_visible()
    assert not spanish.is_visible()
    assert tab_es.get_attribute("aria-selected") == "false"

    tab_es.click()
    assert spanish.is_visible()
    assert not english.is_visible()
    assert tab_es.get_attribute("aria-selected") == "true"
    assert spanish.input_value() == "Línea nocturna"

    # Keyboard: the arrow key moves to the next language tab (pt-br) and shows its field.
    tab_es.press("ArrowRight")
    assert page.locator("#id_name_pt_br").is_visible()
    assert page.locator('a[role="tab"][href="#tab_id_name_pt_br"]').evaluate(
        "el => el === document.activeElement"
    )

    # The language switch next to the title turns every field group to that language.
    page.select_option("#modeltranslation-main-switch", label="de")
    assert page.locator("#id_name_de").is_visible()
    assert page.locator("#id_description_de").is_visible()
    assert not page.locator("#id_description_en").is_visible()

    assert [url for url in requests if not url.startswith(live_server.url)] == []
    # Chromium's own favicon probe is the only request allowed to fail (no favicon yet).
    errors = [p for p in problems if "favicon.ico" not in getattr(p, "location", {}).get("url", "")]
    assert [getattr(p, "text", p) for p in errors] == []


@pytest.mark.xfail(
    settings.SECURE_REFERRER_POLICY == "no-referrer",
    reason="Under Referrer-Policy: no-referrer Chromium sends `Origin: null` with form POSTs, "
    "which Django's CSRF origin check refuses; the security branch sets same-origin.",
    strict=True,
)
def test_text_typed_in_a_language_tab_is_saved_in_that_language(live_server, curator_page):
    page = curator_page
    resource = ChannelFactory(resource__name_en="Night line").resource
    page.goto(live_server.url + reverse("admin:resources_resource_change", args=[resource.pk]))
    page.select_option("#modeltranslation-main-switch", label="es")
    page.locator("#id_name_es").fill("Línea de noche")
    page.locator('input[name="_continue"]').click()
    page.wait_for_load_state()
    assert page.locator(".messagelist .success").is_visible()
    resource.refresh_from_db()
    assert resource.name_es == "Línea de noche"
    assert resource.name_en == "Night line"
