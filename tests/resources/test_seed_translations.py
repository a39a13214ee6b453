"""The committed translations of the seed records' texts and of the topic and audience labels.

Plain file checks: each shipped non-English language has a fixture that covers every seed record
and labels every topic and audience, and no phone number, short code, URL, e-mail address or other
number was altered, added or dropped in translation — a wrong digit in a crisis directory can cost
a life. One database test proves the loaded translations are what a visitor sees.
"""

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import to_locale

from resources.models import Resource, Topic

SEED_FILE = Path(settings.BASE_DIR).parent / "shared" / "data" / "resources.json"
FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures" / "seed_translations"
DIRECTORY = Path(settings.BASE_DIR) / "fixtures" / "directory.json"
LOCALES = sorted(to_locale(code) for code in settings.LANGUAGE_CODES if code != "en")
FIELDS = {"description": "description_en", "eligibility": "eligibility_en"}

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')]+", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
BARE_DOMAIN = re.compile(r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b", re.IGNORECASE | re.ASCII)
# Bare domains are only required one way: abbreviations such as Polish "m.in." look like domains.
# A number token keeps its inner separators, so "24/7", "13-24" and "0800-999-0091" must survive
# exactly as written, not merely digit by digit. Spaces are ambiguous ("0800 111 0 111" vs "open
# 24 7 days"), so digit groups joined by spaces are checked separately as verbatim substrings.
NUMBER = re.compile(r"\d+(?:[./:\-]\d+)*", re.ASCII)
SPACED_NUMBER = re.compile(r"\d+(?: \d+)+", re.ASCII)

# Japanese, Korean and Chinese write "September 2025" as "2025年9月": a month named in the English
# may appear as its number, and nothing else may be added.
MONTHS = "January February March April May June July August September October November December"
MONTH_NUMBER = {name: str(number) for number, name in enumerate(MONTHS.split(), start=1)}

# Letters of each language's script; Latin covers the accented letters of es/fr/pl/tr/… too.
SCRIPTS = {
    "latin": ("LATIN",),
    "arabic": ("ARABIC",),
    "devanagari": ("DEVANAGARI",),
    "japanese": ("CJK UNIFIED", "HIRAGANA", "KATAKANA"),
    "hangul": ("HANGUL",),
    "han": ("CJK UNIFIED",),
}
EXPECTED_SCRIPT = {"ar": "arabic", "hi": "devanagari", "ja": "japanese", "ko": "hangul"}
EXPECTED_SCRIPT["zh_Hans"] = "han"
# Proper names in the seed texts that stay as written in every language (services, organisations,
# programmes, brands), so people can find them on the service's own site and in app stores.
NAMES = [
    "Backline",
    "BRAC",
    "CC0",
    "Help Musicians",
    "HSE",
    "Institute of Mental Health",
    "Lagos University Teaching Hospital",
    "Mental Health First Aid",
    "Safe Hubs",
    "SNS 24",
    "Support Act",
    "Sweet Relief",
    "Tele MANAS",
    "TISS",
    "WhatsApp",
]
# Labels that may stay exactly as the English one even in a non-Latin script.
KEPT_LABELS = {"LGBTQ+"}
# Traditional-only forms of common characters whose Simplified form differs.
TRADITIONAL_ONLY = set("這專線話門會與為時個電語務對們醫療應機構協護幫關經過國際區絡資訊")


def _seed():
    return {record["id"]: record for record in json.loads(SEED_FILE.read_text(encoding="utf-8"))}


def _terms():
    """English label of every topic and audience, keyed as in the fixtures ("topic:<slug>")."""
    directory = json.loads(DIRECTORY.read_text(encoding="utf-8"))
    return {
        f"{kind}:{term['slug']}": term["label"]
        for kind, plural in (("topic", "topics"), ("audience", "audiences"))
        for term in directory[plural]
    }


def _load(locale):
    path = FIXTURE_DIR / f"{locale}.json"
    assert path.is_file(), f"missing {path}"
    return path, json.loads(path.read_text(encoding="utf-8"))


def _records(data):
    """The seed-record part of a fixture; label keys ("topic:…", "audience:…") hold a colon."""
    return {key: fields for key, fields in data.items() if ":" not in key}


def _labels(locale):
    terms = _terms()
    _path, data = _load(locale)
    for key, fields in data.items():
        if ":" in key:
            yield key, terms.get(key), fields


def _protected(text):
    """Multiset of URLs, e-mail addresses and number tokens that must be copied verbatim."""
    found = [match.rstrip(".,;:") for match in URL.findall(text)]
    found += EMAIL.findall(text)
    rest = EMAIL.sub(" ", URL.sub(" ", text))
    found += NUMBER.findall(BARE_DOMAIN.sub(" ", rest))
    return Counter(found)


def _bare_domains(text):
    """Domains written without a scheme, e.g. "988lifeline.org"."""
    return BARE_DOMAIN.findall(EMAIL.sub(" ", URL.sub(" ", text)))


def _month_numbers(english):
    return Counter(
        MONTH_NUMBER[word] for word in re.findall(r"[A-Z][a-z]+", english) if word in MONTH_NUMBER
    )


def _texts(locale):
    seed = _seed()
    _path, data = _load(locale)
    for record_id, fields in _records(data).items():
        for key, text in fields.items():
            yield record_id, key, seed[record_id][FIELDS[key]], text


def _script_share(text, script, english=""):
    """Share of letters in the script, ignoring Latin words copied from the English (names)."""
    kept = set(re.findall(r"[A-Za-z]+", english))
    text = re.sub(r"[A-Za-z]+", lambda word: "" if word.group() in kept else word.group(), text)
    # Marks count too: Devanagari vowel signs and Arabic harakat are marks, not letters.
    letters = [ch for ch in text if unicodedata.category(ch)[0] in "LM"]
    prefixes = SCRIPTS[script]
    hits = [ch for ch in letters if unicodedata.name(ch, "").startswith(prefixes)]
    return len(hits) / len(letters) if letters else 0.0


@pytest.fixture(scope="module")
def seed():
    return _seed()


def test_protected_tokens_are_found_as_whole_strings():
    text = "Call 0800-999-0091, 24/7 (ages 13-24); see https://x.org/a, mail a@b.org or x.org."
    assert _protected(text) == Counter(
        ["0800-999-0091", "24/7", "13-24", "https://x.org/a", "a@b.org"]
    )
    assert _bare_domains(text) == ["x.org"]
    assert _protected("Call 116 123") != _protected("Call 116123")
    assert _protected("24/7") != _protected("24 7")


def test_only_a_named_month_may_be_added_as_a_number():
    assert _month_numbers("launched in September 2025") == Counter(["9"])
    assert _month_numbers("open 24 hours, since 1973") == Counter()


def test_script_share_ignores_names_kept_from_the_english():
    english = "Helpline of the Institute of Mental Health."
    assert _script_share("Institute of Mental Health의 상담 전화입니다.", "hangul", english) == 1
    assert _script_share(english, "hangul", english) == 0
    assert _script_share("Helpline के Institute of Mental", "devanagari") < 0.5


def test_spaced_numbers_must_keep_their_spaces():
    assert SPACED_NUMBER.findall("on the European 116 123 number") == ["116 123"]
    assert not SPACED_NUMBER.findall("24/7, 13-24")


def test_there_is_a_fixture_for_every_shipped_language_and_no_other():
    assert sorted(path.stem for path in FIXTURE_DIR.glob("*.json")) == LOCALES


@pytest.mark.parametrize("locale", LOCALES)
def test_fixture_is_canonical_json(locale):
    path, data = _load(locale)
    canonical = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    assert path.read_text(encoding="utf-8") == canonical


@pytest.mark.parametrize("locale", LOCALES)
def test_fixture_covers_exactly_the_seed_texts(locale, seed):
    _path, data = _load(locale)
    assert set(_records(data)) == set(seed), "record keys must be exactly the seed record ids"
    for record_id, fields in _records(data).items():
        expected = {key for key, source in FIELDS.items() if seed[record_id].get(source)}
        assert set(fields) == expected, record_id
        for key, text in fields.items():
            assert isinstance(text, str), (record_id, key)
            assert text.strip() == text and text, (record_id, key)


@pytest.mark.parametrize("locale", LOCALES)
def test_numbers_urls_and_emails_are_copied_verbatim(locale):
    for record_id, key, english, text in _texts(locale):
        expected, found = _protected(english), _protected(text)
        assert expected - found == Counter(), (record_id, key, "dropped or altered", text)
        assert found - expected <= _month_numbers(english), (record_id, key, "added", text)
        for verbatim in SPACED_NUMBER.findall(english) + _bare_domains(english):
            assert verbatim in text, (record_id, key, verbatim)
        foreign_digits = [ch for ch in text if ch.isdigit() and not ch.isascii()]
        assert not foreign_digits, (record_id, key, foreign_digits)


@pytest.mark.parametrize("locale", LOCALES)
def test_proper_names_are_not_translated(locale):
    for record_id, key, english, text in _texts(locale):
        for name in NAMES:
            if name in english:
                assert name in text, (record_id, key, name)


@pytest.mark.parametrize("locale", LOCALES)
def test_text_is_translated(locale):
    for record_id, key, english, text in _texts(locale):
        if len(english) > 20:
            assert text != english, (record_id, key)


@pytest.mark.parametrize("locale", LOCALES)
def test_text_uses_the_languages_script(locale):
    script = EXPECTED_SCRIPT.get(locale, "latin")
    for record_id, key, english, text in _texts(locale):
        assert _script_share(text, script, english) >= 0.9, (record_id, key, text)
        if locale == "ja":
            assert re.search(r"[\u3040-\u30ff]", text), (record_id, key, "no kana")
        if locale in {"zh_Hans", "ko"}:
            assert not re.search(r"[\u3040-\u30ff]", text), (record_id, key, "kana")
        if locale == "zh_Hans":
            assert not TRADITIONAL_ONLY & set(text), (record_id, key, "Traditional form")


@pytest.mark.parametrize("locale", LOCALES)
def test_text_has_no_invisible_characters(locale):
    # Soft hyphens, zero-width and direction marks break search and copy-paste of numbers.
    for record_id, key, _english, text in _texts(locale):
        hidden = [f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) in {"Cc", "Cf"}]
        assert not hidden, (record_id, key, hidden)


def test_labels_are_told_apart_from_seed_records(seed):
    assert not any(":" in record_id for record_id in seed)
    assert len(_terms()) == 25 and all(_terms().values())


@pytest.mark.parametrize("locale", LOCALES)
def test_fixture_labels_exactly_every_topic_and_audience(locale):
    labels = list(_labels(locale))
    assert {key for key, _english, _fields in labels} == set(_terms())
    for key, _english, fields in labels:
        assert set(fields) == {"label"}, key
        label = fields["label"]
        assert isinstance(label, str) and label and label.strip() == label, key
        assert len(label) <= 40 and not re.search(r"\d", label), (key, label)
        hidden = [f"U+{ord(ch):04X}" for ch in label if unicodedata.category(ch) in {"Cc", "Cf"}]
        assert not hidden, (key, hidden)


@pytest.mark.parametrize("locale", LOCALES)
def test_labels_use_the_languages_script(locale):
    script = EXPECTED_SCRIPT.get(locale, "latin")
    for key, english, fields in _labels(locale):
        label = fields["label"]
        if label in KEPT_LABELS and label == english:
            continue
        # Latin-script labels may equal the English ("Crew", "Trauma"); elsewhere only names may.
        kept = english if script != "latin" else ""
        assert _script_share(label, script, kept) >= 0.9, (key, label)
        if locale in {"zh_Hans", "ko"}:
            assert not re.search(r"[\u3040-\u30ff]", label), (key, "kana")
        if locale == "zh_Hans":
            assert not TRADITIONAL_ONLY & set(label), (key, "Traditional form")
    if script != "latin":
        translated = [fields["label"] != english for _key, english, fields in _labels(locale)]
        assert sum(translated) >= len(translated) - 2, "only LGBTQ+ may stay in English"


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_db")
def test_loaded_translations_are_what_a_japanese_visitor_sees():
    _path, ja = _load("ja")
    resource = Resource.objects.get(slug="au-lifeline")
    with translation.override("ja"):
        assert Topic.objects.get(slug="crisis").label == ja["topic:crisis"]["label"] == "危機"
        assert resource.description == ja["au-lifeline"]["description"]
    with translation.override("en"):
        assert Topic.objects.get(slug="crisis").label == "Crisis"
        assert resource.description == _seed()["au-lifeline"]["description_en"]
