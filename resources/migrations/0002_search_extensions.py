# pg_trgm and unaccent for the directory search (resources/search.py). Django's
# CreateExtension operations do nothing on databases other than PostgreSQL, so this
# migration is a no-op on SQLite.
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0001_directory"),
    ]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
    ]
