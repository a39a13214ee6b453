"""axe-core (WCAG 2.2 AA) and the W3C Nu checker over every public page type, with the real
seed data, in English, Arabic and Japanese."""

import json
import subprocess
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.conftest import NODE_MODULES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = ["en", "ar", "ja"]
# One URL per page type and state, in the seed data.
PAGES = [
    "/{lang}/",
    "/{lang}/?country=ger",
    "/{lang}/countries/gb/",
    "/{lang}/countries/us/?type=helpline&open_now=on&sort=name",
    "/{lang}/countries/gb/?type=app",
    "/{lang}/countries/tr/",
    "/{lang}/countries/zw/",
    "/{lang}/languages/es/",
    "/{lang}/resources/gb-samaritans/",
    "/{lang}/resources/at-telefonseelsorge-142/",
    "/{lang}/resources/sg-samaritans-of-singapore/",
    "/{lang}/resources/jp-yorisoi-hotline/",
    "/{lang}/resources/gb-samaritans/report/",
    "/{lang}/resources/gb-samaritans/report/thanks/",
    "/{lang}/search/",
    "/{lang}/search/?q=samaritns",
    "/{lang}/search/?q=zzzzqqq",
    "/{lang}/tour/",
    "/{lang}/tour/?c=GB&c=DE&c=FR&c=JP",
]


@pytest.fixture
def seed(transactional_db):
    from resources.services import directory_load_file

    directory_load_file(path=settings.BASE_DIR / "fixtures" / "directory.json", overwrite=False)


def urls() -> list[str]:
    return [page.format(lang=lang) for lang in LANGUAGES for page in PAGES]


def test_axe_reports_no_wcag_violations_on_any_public_page(live_server, browser, seed):
    if not AXE.exists():
        pytest.fail(f"{AXE} missing: run npm install --prefix .ci")
    # axe is injected as an inline script, which the site's CSP (rightly) forbids.
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    found = {}
    for url in urls():
        response = page.goto(live_server.url + url)
        assert response.status < 500, url
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        assert result["passes"], f"axe checked nothing on {url}"
        if result["violations"]:
            found[url] = [
                f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]
            ]
    context.close()
    assert found == {}


def test_nu_checker_reports_no_errors_on_any_public_page(live_server, seed, tmp_path):
    if not VNU.exists():
        pytest.fail(f"{VNU} missing: run npm install --prefix .ci")
    files: dict[Path, str] = {}
    for index, url in enumerate(urls()):
        try:
            with urllib.request.urlopen(live_server.url + url) as response:
                html = response.read()
        except urllib.error.HTTPError as error:  # 4xx pages are checked too
            html = error.read()
        path = tmp_path / f"page{index}.html"
        path.write_bytes(html)
        files[path] = url
    # A canary with known errors proves the checker really ran over the files.
    canary = tmp_path / "canary.html"
    canary.write_text("<!doctype html><html><head><title>x</title></head><body><img></body>")
    files[canary] = "canary"
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = next(
        json.loads(stream) for stream in (result.stderr, result.stdout) if '"messages"' in stream
    )
    errors = [
        f"{files[Path(m['url'].removeprefix('file:'))]}: {m['message']} "
        f"[{m.get('extract', '')[:80]}]"
        for m in report["messages"]
    ]
    assert any(error.startswith("canary:") for error in errors), result
    assert [error for error in errors if not error.startswith("canary:")] == []
