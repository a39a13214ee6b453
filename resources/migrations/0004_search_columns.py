# Search reads stored, folded texts (issue 7): Resource.search_names and search_document are
# generated columns (PostgreSQL: hub_search_fold() of migration 0003, GENERATED ALWAYS AS …
# STORED; SQLite: lower-cased only), and the GIN indexes of 0003, which were on the
# expressions and so re-folded 17 or 33 columns for every candidate they re-checked, are
# rebuilt on the columns under the same names (no-op on SQLite).
#
# The column lists are 0003's frozen ones; the model builds them from settings.LANGUAGES, so
# a new language shows up in `makemigrations --check` (the generated columns must then be
# dropped and added again), and tests/resources/test_sql.py compares them.
import importlib

from django.db import migrations, models

import resources.search

previous = importlib.import_module("resources.migrations.0003_performance_indexes")
NAME_COLUMNS = previous.NAME_COLUMNS
DOCUMENT_COLUMNS = previous.DOCUMENT_COLUMNS

INDEXES = {
    "resource_search_vector": "USING gin (to_tsvector('simple'::regconfig, search_document))",
    "resource_search_names_trgm": "USING gin (search_names gin_trgm_ops)",
    "resource_search_document_trgm": "USING gin (search_document gin_trgm_ops)",
}


def _replace_indexes(schema_editor, indexes):
    for name, definition in indexes.items():
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
        schema_editor.execute(f'CREATE INDEX "{name}" ON resources_resource {definition}')


def index_the_columns(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _replace_indexes(schema_editor, INDEXES)


def index_the_expressions(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _replace_indexes(schema_editor, previous.INDEXES)


def search_fold(columns):
    return resources.search.SearchFold(*(models.F(column) for column in columns))


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0003_performance_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="resource",
            name="search_document",
            field=models.GeneratedField(db_persist=True, expression=search_fold(DOCUMENT_COLUMNS), output_field=models.TextField(), serialize=False, verbose_name="text for search"),
        ),
        migrations.AddField(
            model_name="resource",
            name="search_names",
            field=models.GeneratedField(db_persist=True, expression=search_fold(NAME_COLUMNS), output_field=models.TextField(), serialize=False, verbose_name="names for search"),
        ),
        migrations.RunPython(index_the_columns, index_the_expressions, elidable=False),
    ]
