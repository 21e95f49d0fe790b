"""Settings come from the environment and fail loudly, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "x9!k2-very-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "qualipref.example.gouv.fr",
    "QUALIPREF_PUBLIC_URL": "https://qualipref.example.gouv.fr",
}


def run_django(code, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "qualipref.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_django("pass", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_it_names_the_variable_holding_a_bad_value():
    result = run_django("pass", DJANGO_DEBUG="peut-etre")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr


def test_it_names_a_bad_database_url():
    result = run_django("pass", DATABASE_URL="notadatabase://x")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_embedded_defaults_are_sqlite_and_eager_celery():
    result = run_django(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.LANGUAGE_CODE, s.TIME_ZONE, s.USE_I18N)",
        DATABASE_URL="",
        CELERY_BROKER_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "fr", "Europe/Paris", "True"]


def test_postgres_and_redis_come_from_the_environment():
    result = run_django(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/qualipref",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


def test_postgresql_plans_the_joins_in_their_written_order_unless_told_otherwise():
    """join_collapse_limit=1 on every connection (issue 22: planning a register's 9 joins took PostgreSQL 54
    ms); QUALIPREF_PG_JOIN_COLLAPSE_LIMIT changes it, a bad value stops start-up naming the variable; options
    given in DATABASE_URL are kept."""
    show = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS']['options'])"
    url = "postgres://postgres@127.0.0.1:5432/qualipref"
    result = run_django(show, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "-c join_collapse_limit=1"
    result = run_django(
        show,
        DATABASE_URL=url + "?options=-c%20statement_timeout%3D5000",
        **{"QUALIPREF_PG_JOIN_COLLAPSE_LIMIT": "8"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "-c statement_timeout=5000 -c join_collapse_limit=8"
    for bad in ("0", "beaucoup"):
        result = run_django("pass", DATABASE_URL=url, QUALIPREF_PG_JOIN_COLLAPSE_LIMIT=bad)
        assert result.returncode != 0 and "QUALIPREF_PG_JOIN_COLLAPSE_LIMIT" in result.stderr


@pytest.mark.postgres
def test_the_connections_of_the_suite_plan_joins_in_their_written_order(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        assert cursor.fetchone() == ("1",)


def test_postgresql_statements_are_prepared_unless_told_otherwise():
    """Parameters sent apart from the SQL and a statement prepared the second time it runs on a connection
    (issue 22: planning cost more than running for most of a page's queries); QUALIPREF_PG_PREPARED=false
    for a pooler that cannot keep prepared statements."""
    show = (
        "from django.conf import settings as s; o = s.DATABASES['default']['OPTIONS'];"
        " print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    url = "postgres://postgres@127.0.0.1:5432/qualipref"
    result = run_django(show, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "1"]
    result = run_django(show, DATABASE_URL=url, QUALIPREF_PG_PREPARED="false")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["None", "None"]
    result = run_django(show, DATABASE_URL="")  # SQLite: nothing of PostgreSQL's
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["None", "None"]


@pytest.mark.postgres
def test_the_connections_of_the_suite_prepare_a_query_run_twice(db):
    from django.db import connection

    from sites.models import Department

    def read(code):  # a query nothing else in the suite runs (the same SQL whatever the code)
        return Department.objects.filter(code=code, name=code).order_by("-name", "-code").first()

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall() if '"sites_department"."code" DESC' in row[0]]

    read("prepared-1")
    assert prepared() == []
    # the same SQL with another value: prepared, its values sent apart
    assert read("prepared-2") is None
    assert len(prepared()) == 1 and "$1" in prepared()[0]


def test_production_settings_pass_check_deploy_without_warning():
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **PROD_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout or "no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_sqlite_writers_wait_for_the_lock_instead_of_failing():
    result = run_django(
        "from django.conf import settings as s; o = s.DATABASES['default']['OPTIONS']; "
        "print(o['timeout'], o['transaction_mode'])",
        DATABASE_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["20", "IMMEDIATE"]


def test_production_is_the_declared_mode_and_spreadsheet_limits_have_defaults():
    result = run_django(
        "from django.conf import settings as s; "
        "print(s.PRODUCTION, s.SPREADSHEET_MAX_BYTES, s.SPREADSHEET_MAX_UNCOMPRESSED_BYTES, "
        "s.SPREADSHEET_MAX_RATIO, s.SPREADSHEET_MAX_ROWS)",
        **PROD_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "10485760", "52428800", "100", "100000"]


def test_the_public_address_is_required_in_production_and_checked():
    secret = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": PROD_ENV["DJANGO_SECRET_KEY"]}
    missing = run_django("pass", **secret, QUALIPREF_PUBLIC_URL="")
    assert (
        missing.returncode != 0
        and "QUALIPREF_PUBLIC_URL is required when DJANGO_DEBUG is false" in missing.stderr
    )
    for bad in (
        "qualite.example.gouv.fr",
        "ftp://qualite.example",
        "https://qualite.example/chemin",
        "https://:80",
    ):
        result = run_django("pass", QUALIPREF_PUBLIC_URL=bad)
        assert result.returncode != 0 and "QUALIPREF_PUBLIC_URL" in result.stderr, bad
    good = run_django(
        "from django.conf import settings as s; print(s.PUBLIC_URL, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS)",
        **secret,
        QUALIPREF_PUBLIC_URL="https://qualite.example.gouv.fr/",
    )
    assert good.returncode == 0, good.stderr
    assert good.stdout.split() == [
        "https://qualite.example.gouv.fr",
        "['qualite.example.gouv.fr']",
        "['https://qualite.example.gouv.fr']",
    ]
    development = run_django(
        "from django.conf import settings as s; print(s.PUBLIC_URL)", QUALIPREF_PUBLIC_URL=""
    )
    assert development.stdout.strip() == "http://127.0.0.1:8000"
