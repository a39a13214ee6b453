"""Building blocks shared by the curators' admins."""

from django.conf import settings
from django.contrib import messages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

LANGUAGES = settings.LANGUAGE_CODES


# A link typed without a scheme ("samaritans.org") is taken as https://, as Django 6 will do.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class CuratorTranslationAdmin(TabbedTranslationAdmin):
    """Translated fields grouped in one tab per language (jQuery UI replaced by a local widget,
    see `JQUERY_UI_URL` in the settings)."""

    formfield_overrides = HTTPS_URLS


def translated_fields(model) -> list[str]:
    return list(translator.get_options_for_model(model).fields)


def localized(field: str, language: str) -> str:
    return build_localized_fieldname(field, language)


def _has_text(value) -> bool:
    return bool(value and str(value).strip())


def missing_languages(obj) -> list[str]:
    """Languages lacking any text that the entry has in English."""
    fields = [
        f for f in translated_fields(type(obj)) if _has_text(getattr(obj, localized(f, "en")))
    ]
    return [
        language
        for language in LANGUAGES
        if any(not _has_text(getattr(obj, localized(f, language))) for f in fields)
    ]


def missing_translation_q(model, language: str) -> Q:
    """Rows with English text in some field that is empty in `language`."""
    query = Q()
    for field in translated_fields(model):
        english, other = localized(field, "en"), localized(field, language)
        query |= (
            Q(**{f"{english}__isnull": False})
            & ~Q(**{english: ""})
            & (Q(**{f"{other}__isnull": True}) | Q(**{other: ""}))
        )
    return query


def warn(request, obj, warnings: list[str]) -> None:
    """Model-layer doubts (phonenumbers etc.) as admin warnings; they never block a save."""
    for text in warnings:
        messages.warning(request, _("%(object)s: %(warning)s") % {"object": obj, "warning": text})
