"""The migrations build, from an empty database, the very schema the models describe, and no model change
lacks its migration.

The rest of the suite runs on a schema made from the models directly (`--no-migrations` in the pytest
options: about 16 s less per test process, the migrations' state being rebuilt operation by operation);
this module is what keeps the migrations themselves honest, on the database the suite runs on
(PostgreSQL in CI, SQLite on a fresh machine)."""

import importlib
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.utils import ConnectionHandler

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db

# Made by hand in a migration, PostgreSQL only, and therefore not in the models' state: the register's
# trigram indexes (complaints/migrations/0006_register_indexes.py) and its word index (0008_search_words.py).
MIGRATION_ONLY_INDEXES = {
    *importlib.import_module("complaints.migrations.0006_register_indexes").SEARCHED,
    importlib.import_module("complaints.migrations.0008_search_words").NAME,
}


def test_no_model_change_lacks_its_migration(settings):
    settings.MIGRATION_MODULES = {}
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail(f"Model changes without a migration (run `manage.py makemigrations`):\n{out.getvalue()}")


def _url(name: str) -> str:
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    return f"sqlite:///{name}"


def _our_tables() -> set[str]:
    """The tables of this project's apps (Django's and the libraries' own are theirs to keep)."""
    return {
        model._meta.db_table
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT) and ".venv" not in Path(config.path).parts
        for model in config.get_models(include_auto_created=True)
    }


def _schema(conn) -> dict[str, dict]:
    """{table: {"columns": {name: description}, "constraints": set of what each enforces or indexes}},
    names of constraints and indexes left out (a renamed model keeps the index names of its old table)."""
    schema = {}
    ours = _our_tables()
    with conn.cursor() as cursor:
        for table in sorted(set(conn.introspection.table_names(cursor)) & ours):
            columns = {
                c.name: (c.type_code, c.internal_size, c.precision, c.scale, c.null_ok)
                for c in conn.introspection.get_table_description(cursor, table)
            }
            constraints = set()
            for name, c in conn.introspection.get_constraints(cursor, table).items():
                if name in MIGRATION_ONLY_INDEXES:
                    continue
                constraints.add(
                    (
                        tuple(c["columns"] or ()),
                        bool(c["primary_key"]),
                        bool(c["unique"]),
                        tuple(c["foreign_key"] or ()),
                        bool(c["check"]),
                        bool(c["index"]),
                        c.get("type") or "",
                        tuple(c.get("orders") or ()),
                    )
                )
            schema[table] = {"columns": columns, "constraints": constraints}
    return schema


def _differences(made: dict, migrated: dict) -> list[str]:
    lines = []
    for table in sorted(set(made) | set(migrated)):
        if table not in migrated:
            lines.append(f"{table}: made by the models, not by the migrations")
        elif table not in made:
            lines.append(f"{table}: made by the migrations, not by the models")
        else:
            a, b = made[table], migrated[table]
            for column in sorted(set(a["columns"]) | set(b["columns"])):
                if a["columns"].get(column) != b["columns"].get(column):
                    lines.append(
                        f"{table}.{column}: models {a['columns'].get(column)}, "
                        f"migrations {b['columns'].get(column)}"
                    )
            for extra in sorted(map(str, a["constraints"] - b["constraints"])):
                lines.append(f"{table}: constraint or index of the models only {extra}")
            for extra in sorted(map(str, b["constraints"] - a["constraints"])):
                lines.append(f"{table}: constraint or index of the migrations only {extra}")
    return lines


def test_the_migrations_build_from_empty_the_schema_the_models_describe():
    if connection.vendor == "postgresql":
        name = f"{connection.settings_dict['NAME']}_migrations"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(Path(tempfile.mkdtemp(prefix="qualipref-migrations-")) / "migrated.sqlite3")
    try:
        env = {**os.environ, "DATABASE_URL": _url(name), "PYTHONPATH": str(ROOT)}
        run = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=110,
        )
        assert run.returncode == 0, f"migrate failed:\n{run.stderr[-3000:]}"
        handler = ConnectionHandler({"default": {**connection.settings_dict, "NAME": name}})
        migrated_connection = handler["default"]
        try:
            migrated = _schema(migrated_connection)
        finally:
            migrated_connection.close()
        made = _schema(connection)
        assert not _differences(made, migrated), "The migrations and the models disagree:\n" + "\n".join(
            _differences(made, migrated)
        )
    finally:
        if connection.vendor == "postgresql":
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            Path(name).unlink(missing_ok=True)
