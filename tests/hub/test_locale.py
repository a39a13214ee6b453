from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import to_locale

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


def test_there_is_a_catalogue_for_every_shipped_language():
    found = {path.parent.parent.name for path in CATALOGUES}
    assert found == {to_locale(code) for code in settings.LANGUAGE_CODES}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_every_interface_string_is_translated(path):
    catalogue = polib.pofile(str(path))
    empty = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert not empty, f"untranslated in {path}: {empty[:5]}"
    assert not fuzzy, f"fuzzy in {path}: {fuzzy[:5]}"


@pytest.mark.parametrize("language", settings.LANGUAGE_CODES)
def test_a_known_interface_string_is_translated(language):
    with translation.override(language):
        text = translation.gettext("Quick exit")
    if language == "en":
        assert text == "Quick exit"
    else:
        assert text and text != "Quick exit"
