import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from resources.models import Organization, Resource
from tests.factories import (
    ChannelFactory,
    CountryFactory,
    EmergencyNumberFactory,
    OpeningPeriodFactory,
    OrganizationFactory,
    ProblemReportFactory,
    ResourceFactory,
    TranslationReviewFactory,
)

pytestmark = pytest.mark.django_db


def violates(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


def test_constraints_are_enforced_by_the_database():
    violates(ResourceFactory, country=None, is_international=False)
    violates(ResourceFactory, source_url="", publication="published")
    violates(ResourceFactory, verification="staff_verified", verified_at=None)
    violates(ChannelFactory, is_short_code=True, e164="+441234567890")
    violates(ChannelFactory, is_short_code=False, e164="0800 111")
    violates(OpeningPeriodFactory, opens=datetime.time(9), closes=datetime.time(9))
    violates(OpeningPeriodFactory, weekday=7)
    number = EmergencyNumberFactory()
    violates(EmergencyNumberFactory, country=number.country, kind=number.kind, number="999")
    violates(ProblemReportFactory, status="resolved", resolved_at=None)


def test_short_code_validates_with_a_warning_not_a_block():
    channel = ChannelFactory.build(
        resource=ResourceFactory(country=CountryFactory(code="NL")), value="113", is_short_code=True
    )
    channel.full_clean()
    assert channel.validation_warnings == ["phonenumbers does not know the short code 113 in NL."]


def test_valid_number_has_no_warnings_and_a_wrong_e164_is_flagged():
    resource = ResourceFactory(country=CountryFactory(code="GB"))
    good = ChannelFactory.build(
        resource=resource, value="0808 802 8008", is_short_code=False, e164="+448088028008"
    )
    good.full_clean()
    assert good.validation_warnings == []
    mismatch = ChannelFactory.build(
        resource=resource, value="0808 802 8008", is_short_code=False, e164="+448088028009"
    )
    mismatch.full_clean()
    assert any("does not match" in w for w in mismatch.validation_warnings)


def test_blocks_what_would_make_a_wrong_link_or_an_unsourced_number():
    resource = ResourceFactory(source_url="", publication="draft")
    unsourced = ChannelFactory.build(resource=resource, value="0800 111", is_short_code=False)
    with pytest.raises(ValidationError) as exc:
        unsourced.full_clean()
    assert "source_url" in exc.value.message_dict
    unsourced.source_url = "https://example.org/number"
    unsourced.full_clean()
    bad_e164 = ChannelFactory.build(resource=resource, value="0800", e164="+12", source_url="")
    with pytest.raises(ValidationError) as exc:
        bad_e164.full_clean()
    assert "e164" in exc.value.message_dict
    bad_web = ChannelFactory.build(resource=resource, kind="web", value="not a url")
    with pytest.raises(ValidationError):
        bad_web.full_clean()
    bad_mail = ChannelFactory.build(resource=resource, kind="email", value="nobody")
    with pytest.raises(ValidationError):
        bad_mail.full_clean()


def test_resource_validation_checks_sources_zone_and_country():
    resource = ResourceFactory.build(
        country=None,
        is_international=False,
        additional_sources=["https://ok.example/", "ftp://nope"],
        timezone="Mars/Olympus",
    )
    with pytest.raises(ValidationError) as exc:
        resource.full_clean(exclude=["slug"])
    assert {"country", "additional_sources", "timezone"} <= set(exc.value.message_dict)


def test_names_fall_back_to_english():
    resource = ResourceFactory(name_en="Samaritans", name_de="Samariter")
    with translation.override("de"):
        assert Resource.objects.get(pk=resource.pk).name == "Samariter"
    with translation.override("ja"):
        assert Resource.objects.get(pk=resource.pk).name == "Samaritans"


def test_country_name_is_translated_by_django_countries():
    country = CountryFactory(code="DE")
    with translation.override("fr"):
        assert str(country) == "Allemagne"


def test_organization_slugs_are_never_empty():
    assert OrganizationFactory(name="Samaritans of Singapore").slug == "samaritans-of-singapore"
    assert OrganizationFactory(name="Télé-Accueil").slug == "tele-accueil"
    slug = OrganizationFactory(name="撒瑪利亞會").slug
    assert slug.startswith("org-") and len(slug) > 4
    assert Organization.objects.get(slug=slug).name == "撒瑪利亞會"


def test_history_records_every_change_with_translations():
    resource = ResourceFactory(name_en="Old name")
    resource.name_es = "Nombre"
    resource.save()
    channel = ChannelFactory(resource=resource)
    channel.value = "116 006"
    channel.save()
    OpeningPeriodFactory(channel=channel)
    EmergencyNumberFactory()
    assert resource.history.count() == 2
    assert resource.history.first().name_es == "Nombre"
    assert channel.history.count() == 2
    assert channel.opening_periods.first().history.count() == 1


def test_string_forms():
    report = ProblemReportFactory(resource__name_en="Lifeline")
    assert str(report) == "A number or address is wrong – Lifeline"
    assert str(TranslationReviewFactory(resource=report.resource)).startswith("Lifeline [de]")
    assert str(OpeningPeriodFactory()) == "Monday 09:00–17:00"
