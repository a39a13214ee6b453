"""The stored search columns: follow every write, stay out of history and dumps."""

import pytest
from django.core import serializers
from django.db import connection
from django.urls import reverse

from resources.models import Resource
from resources.search import search
from tests.factories import ResourceFactory
from tests.resources.conftest import form_data

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL search (set DATABASE_URL=postgres://…)"
)


def found(query: str) -> list[str]:
    return [r.slug for r in search(Resource.objects.published(), query)]


def test_the_database_stores_the_folded_names_and_text():
    resource = ResourceFactory(
        name_en="Samaritans", name_de="TelefonSeelsorge", description_fr="Écoute, jour et nuit."
    )
    resource.refresh_from_db()
    assert "samaritans" in resource.search_names
    assert "telefonseelsorge" in resource.search_names
    assert "jour et nuit" not in resource.search_names  # descriptions are not names
    assert "telefonseelsorge" in resource.search_document
    assert "jour et nuit" in resource.search_document
    # PostgreSQL also strips accents (unaccent); SQLite, where search runs in Python, has
    # neither unaccent nor a Unicode LOWER().
    expected = "ecoute" if connection.vendor == "postgresql" else "Écoute"
    assert expected in resource.search_document


@on_postgres
def test_a_curators_new_translated_name_is_found_right_after_the_save(curator_client):
    resource = ResourceFactory(name_en="Evening Line", slug="evening-line")
    assert found("abendtelefon") == []
    url = reverse("admin:resources_resource_change", args=[resource.pk])
    data = form_data(curator_client.get(url), "resource_form")
    data["name_de"] = "Abendtelefon"
    assert curator_client.post(url, data).status_code == 302
    assert found("abendtelefon") == ["evening-line"]
    assert found("abendtelefn") == ["evening-line"]  # the trigram way reads the stored names too
    resource.refresh_from_db()
    assert "abendtelefon" in resource.search_names


@on_postgres
def test_an_update_without_save_changes_the_stored_text_too():
    """Bulk writes (seed translations, directory import) use UPDATE and skip save()."""
    resource = ResourceFactory(name_en="Evening Line", slug="evening-line")
    Resource.objects.filter(pk=resource.pk).update(description_es="Escuchamos sin juzgar.")
    assert found("sin juzgar") == ["evening-line"]


def test_history_records_the_texts_but_not_the_search_columns():
    resource = ResourceFactory(name_en="Evening Line")
    resource.name_de = "Abendtelefon"
    resource.save()
    fields = {field.name for field in Resource.history.model._meta.get_fields()}
    assert {"name_de", "description_en"} <= fields
    assert not {"search_names", "search_document"} & fields
    assert resource.history.count() == 2
    assert resource.history.first().name_de == "Abendtelefon"


def test_dumps_leave_the_search_columns_out_and_a_load_recomputes_them():
    resource = ResourceFactory(name_en="Evening Line", slug="evening-line")
    dump = serializers.serialize("json", [resource])
    assert "search_names" not in dump and "search_document" not in dump
    Resource.objects.filter(pk=resource.pk).delete()
    for obj in serializers.deserialize("json", dump):
        obj.save()
    assert "evening line" in Resource.objects.get(slug="evening-line").search_names
    assert found("evening line") == ["evening-line"]
