"""The curators' resource list: filters, search, review queue, translation completeness."""

import datetime

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from resources.models import Resource, TranslationReview
from tests.factories import (
    AudienceFactory,
    ChannelFactory,
    CountryFactory,
    EmergencyNumberFactory,
    LanguageFactory,
    OrganizationFactory,
    ProblemReportFactory,
    ResourceFactory,
    TopicFactory,
    TranslationReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:resources_resource_changelist"
TODAY = timezone.localdate()


def listed(client, **params) -> set[str]:
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return {resource.slug for resource in response.context["cl"].result_list}


def verified(days_until_review: int, **kwargs) -> Resource:
    return ResourceFactory(
        verification=Resource.Verification.STAFF_VERIFIED,
        verified_at=timezone.now() - datetime.timedelta(days=30),
        next_review_due=TODAY + datetime.timedelta(days=days_until_review),
        **kwargs,
    )


def test_country_filter(curator_client):
    ResourceFactory(slug="in-gb", country=CountryFactory(code="GB"))
    ResourceFactory(slug="in-de", country=CountryFactory(code="DE"))
    ResourceFactory(slug="worldwide", country=None, is_international=True)
    assert listed(curator_client, country="DE") == {"in-de"}
    assert listed(curator_client, country="none") == {"worldwide"}
    assert listed(curator_client, is_international__exact="1") == {"worldwide"}


@pytest.mark.parametrize(
    ("field", "value", "other"),
    [
        ("type", Resource.Type.CRISIS_LINE, Resource.Type.GUIDE),
        ("status", Resource.Status.DEFUNCT, Resource.Status.ACTIVE),
        ("publication", Resource.Publication.DRAFT, Resource.Publication.PUBLISHED),
        ("verification", Resource.Verification.CONFLICTING, Resource.Verification.SOURCED),
    ],
)
def test_field_filters(curator_client, field, value, other):
    ResourceFactory(slug="match", **{field: value})
    ResourceFactory(slug="other", **{field: other})
    assert listed(curator_client, **{f"{field}__exact": value}) == {"match"}


def test_review_filter(curator_client):
    verified(-1, slug="overdue")
    verified(0, slug="due-today")
    verified(10, slug="due-soon")
    verified(100, slug="current")
    ResourceFactory(slug="never")
    assert listed(curator_client, review="overdue") == {"overdue", "due-today", "never"}
    assert listed(curator_client, review="soon") == {"due-soon"}
    assert listed(curator_client, review="never") == {"never"}
    assert listed(curator_client, review="current") == {"due-soon", "current"}


def test_missing_translation_filter_per_language(curator_client):
    ResourceFactory(slug="translated", name_es="Línea", description_es="Escucha.")
    ResourceFactory(slug="name-only", name_es="Línea", description_es="")
    ResourceFactory(slug="nothing")
    # English text absent in a field means nothing to translate there.
    ResourceFactory(slug="short", description_en="", name_es="Corta")
    assert listed(curator_client, missing_translation="es") == {"name-only", "nothing"}
    assert listed(curator_client, missing_translation="de") == {
        "translated",
        "name-only",
        "nothing",
        "short",
    }


def test_unreviewed_translation_filter(curator_client):
    draft = TranslationReviewFactory(resource__slug="draft-de", language="de")
    TranslationReviewFactory(
        resource__slug="reviewed-de", language="de", state=TranslationReview.State.REVIEWED
    )
    assert listed(curator_client, unreviewed_translation="de") == {draft.resource.slug}
    assert listed(curator_client, unreviewed_translation="fr") == set()


def test_unknown_filter_values_list_everything(curator_client):
    ResourceFactory(slug="one")
    assert listed(curator_client, missing_translation="xx", review="later") == {"one"}


@pytest.mark.parametrize(
    ("query", "field", "text"),
    [
        ("いのち", "name_ja", "いのちの電話"),
        ("telefone", "name_pt_br", "Telefone da Esperança"),
        ("希望", "name_zh_hans", "希望热线"),
        # Same case: SQLite folds case for ASCII only (PostgreSQL folds all).
        ("доверия", "local_name", "Линия доверия"),
    ],
)
def test_search_finds_translated_names(curator_client, query, field, text):
    ResourceFactory(slug="found", **{field: text})
    ResourceFactory(slug="not-found")
    assert listed(curator_client, q=query) == {"found"}


def test_search_finds_a_published_number(curator_client):
    ChannelFactory(resource__slug="with-number", value="0800 000 1111", is_short_code=False)
    ChannelFactory(resource__slug="other")
    assert listed(curator_client, q="0800 000") == {"with-number"}


def test_translation_completeness_column(curator_client):
    resource = ResourceFactory(
        name_es="Línea", description_es="Escucha.", name_de="Leitung", description_de=""
    )
    TranslationReviewFactory(resource=resource, language="es")
    html = curator_client.get(reverse(CHANGELIST)).content.decode()
    assert "2/16" in html
    assert "missing: pt-br, fr, de, it, nl, sv, pl, tr, ar, hi, id, ja, ko, zh-hans" in html
    assert "not reviewed: es" in html


def test_fully_translated_entry_counts_sixteen(curator_client):
    texts = {
        build_localized_fieldname(field, code): "…"
        for code in settings.LANGUAGE_CODES
        for field in ("name", "description")
    }
    ResourceFactory(**texts)
    html = curator_client.get(reverse(CHANGELIST)).content.decode()
    assert "16/16" in html
    assert "missing:" not in html


def test_overdue_column_flags_entries(curator_client):
    verified(-3, slug="late")
    html = curator_client.get(reverse(CHANGELIST), {"review": "overdue"}).content.decode()
    assert "⚠ Overdue" in html


def test_admin_index_links_to_the_overdue_list_with_its_count(curator_client):
    verified(-1)
    ProblemReportFactory(resource=verified(50))
    ResourceFactory()  # never verified
    html = curator_client.get(reverse("admin:index")).content.decode()
    overdue_url = reverse(CHANGELIST) + "?review=overdue"
    assert f'<a href="{overdue_url}">Overdue for review</a></th>\n      <td>2</td>' in html
    assert "Open problem reports</a></th>\n      <td>1</td>" in html


def test_curator_cannot_see_users_or_groups(curator_client):
    assert curator_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert curator_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    index = curator_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:auth_user_changelist") not in index
    assert "Directory" in index


def test_curator_cannot_delete_resources(curator_client, curator):
    resource = ResourceFactory()
    delete = reverse("admin:resources_resource_delete", args=[resource.pk])
    assert curator_client.get(delete).status_code == 403
    assert curator_client.post(delete, {"post": "yes"}).status_code == 403
    assert Resource.objects.filter(pk=resource.pk).exists()
    actions = curator_client.get(reverse(CHANGELIST)).context["cl"].model_admin.get_actions
    assert "delete_selected" not in actions(curator_client.get(reverse(CHANGELIST)).wsgi_request)


def _registered_directory_models():
    return [m for m in admin.site._registry if m._meta.app_label == "resources"]


@pytest.mark.parametrize("model", _registered_directory_models(), ids=lambda m: m._meta.model_name)
def test_curator_opens_every_directory_admin(curator_client, curator, model):
    ChannelFactory(resource__organization=OrganizationFactory())
    EmergencyNumberFactory()
    ProblemReportFactory()
    TranslationReviewFactory()
    TopicFactory()
    AudienceFactory()
    LanguageFactory()
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    assert curator_client.get(reverse(f"{name}_changelist")).status_code == 200
    obj = model.objects.first()
    assert curator_client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200
    can_add = curator.has_perm(f"{opts.app_label}.add_{opts.model_name}")
    assert curator_client.get(reverse(f"{name}_add")).status_code == (200 if can_add else 403)
    if hasattr(model, "history"):
        history = curator_client.get(reverse(f"{name}_history", args=[obj.pk]))
        assert history.status_code == 200


def test_history_view_shows_who_changed_an_entry(curator_client):
    editor = UserFactory(username="editor-on-record")
    resource = ResourceFactory()
    resource.status = Resource.Status.TEMPORARILY_CLOSED
    resource._history_user = editor
    resource.save()
    html = curator_client.get(
        reverse("admin:resources_resource_history", args=[resource.pk])
    ).content.decode()
    assert "editor-on-record" in html


@pytest.mark.parametrize(
    "url",
    [
        reverse(CHANGELIST),
        reverse("admin:resources_channel_changelist"),
        reverse("admin:resources_country_changelist"),
        reverse("admin:resources_problemreport_changelist"),
    ],
)
def test_changelists_use_a_constant_number_of_queries(curator_client, url):
    def build(count):
        for _ in range(count):
            resource = ResourceFactory(country=CountryFactory(code="GB"))
            ChannelFactory(resource=resource)
            TranslationReviewFactory(resource=resource)
            ProblemReportFactory(resource=resource)
            EmergencyNumberFactory(country=resource.country, number=str(resource.pk))

    build(2)
    with CaptureQueriesContext(connection) as few:
        assert curator_client.get(url).status_code == 200
    build(8)
    with CaptureQueriesContext(connection) as many:
        assert curator_client.get(url).status_code == 200
    assert len(many) == len(few)


def test_curation_summary_needs_directory_permissions(client):
    client.force_login(UserFactory(username="staff-only", is_staff=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert "curation-summary" not in html
