"""factory_boy factories for every model (test data; fixtures are seed data only)."""

import datetime

import factory
from django.contrib.auth import get_user_model

from resources.models import (
    Audience,
    Channel,
    Country,
    EmergencyNumber,
    Language,
    OpeningPeriod,
    Organization,
    ProblemReport,
    Resource,
    Topic,
    TranslationReview,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["code"]

    code = "GB"


class EmergencyNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmergencyNumber

    country = factory.SubFactory(CountryFactory)
    kind = EmergencyNumber.Kind.GENERAL
    number = "999"
    source_url = "https://example.org/emergency"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"topic-{n}")
    label_en = factory.LazyAttribute(lambda t: t.slug.title())


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audience
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"audience-{n}")
    label_en = factory.LazyAttribute(lambda t: t.slug.title())


class LanguageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ["code"]

    code = "en"
    label_en = factory.LazyAttribute(lambda lang: lang.code)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource
        skip_postgeneration_save = True

    name_en = factory.Sequence(lambda n: f"Helpline {n}")
    slug = factory.Sequence(lambda n: f"helpline-{n}")
    country = factory.SubFactory(CountryFactory)
    type = Resource.Type.HELPLINE
    publication = Resource.Publication.PUBLISHED
    verification = Resource.Verification.SOURCED
    source_url = "https://example.org/source"
    timezone = "Europe/London"
    description_en = "Listens, day and night."

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create and extracted:
            self.languages.set(extracted)


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel
        skip_postgeneration_save = True

    resource = factory.SubFactory(ResourceFactory)
    kind = Channel.Kind.VOICE
    value = "116 123"
    is_short_code = True
    order = factory.Sequence(lambda n: n)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create and extracted:
            self.languages.set(extracted)


class OpeningPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningPeriod

    channel = factory.SubFactory(ChannelFactory)
    weekday = 0
    opens = datetime.time(9)
    closes = datetime.time(17)


class ProblemReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProblemReport

    resource = factory.SubFactory(ResourceFactory)
    kind = ProblemReport.Kind.WRONG_NUMBER
    message = "The number rings out."


class TranslationReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TranslationReview

    resource = factory.SubFactory(ResourceFactory)
    language = "de"
