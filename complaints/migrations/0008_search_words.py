# Written by hand: the register's word search (complaints/search.py) on PostgreSQL.

from django.db import migrations

# The expression of `complaints.search.FrenchWords`, written here as it was when this migration was made
# (a migration does not follow the code); `complaints/tests/test_search.py` checks that the register's
# search reads this index. PostgreSQL only: on SQLite the search reads the fields themselves.
NAME = "request_search_words"
WORDS = "to_tsvector('french'::regconfig, subject || ' ' || description || ' ' || requester_name)"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("complaints", "Correspondence")._meta.db_table
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON {table} USING gin ({WORDS})")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0007_open_site_due_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
