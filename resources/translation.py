"""Field-by-field translations (django-modeltranslation) and change history.

History is registered here, after the translation fields exist, so that the historical
models also record every language's text (django-simple-history's documented way of
working with modeltranslation: no `HistoricalRecords()` on the model itself).
"""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from resources.models import (
    Audience,
    Channel,
    Country,
    EmergencyNumber,
    Language,
    OpeningPeriod,
    Resource,
    Topic,
)


@register(Resource)
class ResourceTranslationOptions(TranslationOptions):
    fields = (
        "name",
        "description",
        "eligibility",
        "what_to_expect",
        "confidentiality_note",
        "alert",
        "cost_note",
    )
    required_languages = ("en",)


@register(Channel)
class ChannelTranslationOptions(TranslationOptions):
    fields = ("notes", "cost_note")


@register(EmergencyNumber)
class EmergencyNumberTranslationOptions(TranslationOptions):
    fields = ("notes",)


@register(Country)
class CountryTranslationOptions(TranslationOptions):
    fields = ("emergency_notes",)


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("label",)
    required_languages = ("en",)


@register(Audience)
class AudienceTranslationOptions(TranslationOptions):
    fields = ("label",)
    required_languages = ("en",)


@register(Language)
class LanguageTranslationOptions(TranslationOptions):
    fields = ("label",)
    required_languages = ("en",)


# The search columns are computed by the database from the names and descriptions, which the
# history already records; a historical copy would be a second generated column to keep.
simple_history.register(
    Resource,
    app="resources",
    excluded_fields=["updated_at", "search_names", "search_document"],
)
for model in (Channel, OpeningPeriod, EmergencyNumber):
    simple_history.register(model, app="resources", excluded_fields=["updated_at"])
