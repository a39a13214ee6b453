"""The directory's data: countries, emergency numbers, resources, channels and their hours."""

from resources.models.channels import Channel, ChannelQuerySet, OpeningPeriod
from resources.models.countries import Country, EmergencyNumber
from resources.models.reports import ProblemReport
from resources.models.resources import Resource, ResourceQuerySet, TranslationReview
from resources.models.terms import Audience, Language, Organization, Topic

__all__ = [
    "Audience",
    "Channel",
    "ChannelQuerySet",
    "Country",
    "EmergencyNumber",
    "Language",
    "OpeningPeriod",
    "Organization",
    "ProblemReport",
    "Resource",
    "ResourceQuerySet",
    "Topic",
    "TranslationReview",
]
