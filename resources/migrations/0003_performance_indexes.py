# Indexes for the public pages at scale (issue 7). On PostgreSQL also the search function and
# its GIN indexes (full text and trigram); those are a no-op on SQLite. Whichever of this and
# another 0003 is merged later renumbers.
#
# The column lists are frozen here; resources/search.py builds the same expressions from
# settings.LANGUAGES, and tests/resources/test_sql.py fails if they drift apart
# (a new language then needs a migration that rebuilds these indexes).
from django.db import migrations, models

LANGUAGES = [
    "en", "es", "pt_br", "fr", "de", "it", "nl", "sv", "pl", "tr", "ar", "hi", "ind", "ja",
    "ko", "zh_hans",
]  # fmt: skip
NAME_COLUMNS = [f"name_{code}" for code in LANGUAGES] + ["local_name"]
DOCUMENT_COLUMNS = NAME_COLUMNS + [f"description_{code}" for code in LANGUAGES]

FUNCTION = """
CREATE OR REPLACE FUNCTION hub_search_fold(VARIADIC parts text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$ BEGIN
    RETURN public.unaccent('public.unaccent'::regdictionary, lower(array_to_string(parts, ' ')));
END $$
"""
# plpgsql, not sql: an IMMUTABLE wrapper around the STABLE unaccent() is never inlined, and
# plpgsql keeps its plan between calls (a third faster per row than a sql function here).


def fold(columns):
    return "hub_search_fold({})".format(", ".join(f'"{column}"' for column in columns))


INDEXES = {
    "resource_search_vector": "USING gin (to_tsvector('simple'::regconfig, {}))".format(
        fold(DOCUMENT_COLUMNS)
    ),
    "resource_search_names_trgm": f"USING gin ({fold(NAME_COLUMNS)} gin_trgm_ops)",
    "resource_search_document_trgm": f"USING gin ({fold(DOCUMENT_COLUMNS)} gin_trgm_ops)",
}


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for name, definition in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON resources_resource {definition}')


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS hub_search_fold(VARIADIC text[])")


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0002_search_extensions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(
                condition=models.Q(("publication", "published"), models.Q(("status__in", ["inactive", "defunct"]), _negated=True)),
                fields=["country", "type"],
                name="resource_public_country",
            ),
        ),
        migrations.AddIndex(
            model_name="resource",
            index=models.Index(
                condition=models.Q(("is_international", True)),
                fields=["id"],
                name="resource_international",
            ),
        ),
        migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False),
    ]
