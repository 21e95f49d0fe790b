"""Cached figures follow every write (`qualipref.versions`): each write is seen whatever way it is made,
counts for the writer's départements, and is bumped once per transaction after its commit."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.urls import reverse

from complaints.tests.factories import public_form, staff_form
from qualipref import versions
from qualipref.models import DataVersion
from sites.models import Site
from sites.versions import departments_written_by
from tests.factories import make_correspondence


@pytest.fixture
def referential(db):
    from referential.loader import DEFAULT_FILE, load_referential

    return load_referential(DEFAULT_FILE).referential


def counters() -> dict[int, int]:
    return dict(DataVersion.objects.values_list("department_id", "version"))


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ('INSERT INTO "complaints_correspondence" ("site_id") VALUES (%s)', "complaints_correspondence"),
        ('UPDATE "actionplans_action" SET "status" = %s WHERE "id" = %s', "actionplans_action"),
        ('DELETE FROM "sites_site" WHERE "id" IN (%s)', "sites_site"),
        ("  delete from audits_finding where id = 1", "audits_finding"),
        ('TRUNCATE "indicators_measurement", "sites_site"', "indicators_measurement"),
        ('SELECT "id" FROM "sites_site"', None),
        ('SELECT 1 FROM "x" WHERE "a" = \'UPDATE "y"\'', None),
        ('UPDATE "django_session" SET "session_data" = %s', None),
        ('INSERT INTO "axes_accesslog" ("username") VALUES (%s)', None),
        ('UPDATE "sites_user" SET "last_login" = %s WHERE "sites_user"."id" = %s', None),
        ('UPDATE "sites_user" SET "last_login" = %s, "first_name" = %s WHERE "id" = %s', "sites_user"),
        (f'INSERT INTO "{versions.TABLE}" ("department_id") VALUES (%s)', None),
        ('UPDATE "qualipref_jobrun" SET "finished_at" = %s WHERE "task" = %s', None),
    ],
)
def test_the_table_a_statement_writes(sql, table):
    assert versions.written_table(sql) == table


def test_every_connection_watches_its_writes(db):
    connection.ensure_connection()
    assert sum(isinstance(w, versions._Watcher) for w in connection.execute_wrappers) == 1
    versions.install(connection=connection)  # again (a reconnection, the app's start): still one
    assert sum(isinstance(w, versions._Watcher) for w in connection.execute_wrappers) == 1


def test_every_way_of_writing_bumps_the_counters_of_the_writers_departements(org):
    """The models' saves, QuerySet.update, bulk writes and raw SQL alike (in a test's transaction: at
    once)."""
    start = counters().get(versions.EVERY_DEPARTMENT, 0)
    Site.objects.filter(pk=org.arles.pk).update(name="Arles (sous-préfecture)")
    assert counters()[versions.EVERY_DEPARTMENT] == start + 1  # no writer named: every département
    with versions.writes_for([org.bdr.pk]):
        make_correspondence(org.istres, received_on=dt.date(2015, 3, 1))
        after_save = counters()[org.bdr.pk]
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {Site._meta.db_table} SET name = name WHERE id = %s", [org.istres.pk])
        assert counters()[org.bdr.pk] == after_save + 1
    assert counters().get(org.vaucluse.pk, 0) == 0  # nothing written for the 84
    assert counters()[versions.EVERY_DEPARTMENT] == start + 1
    with versions.writes_for(lambda: [org.vaucluse.pk]):  # a callable: resolved at the write
        Site.objects.filter(pk=org.avignon.pk).update(name="Avignon")
    assert counters()[org.vaucluse.pk] == 1


def test_the_writer_departements_of_each_persona(
    org, quality_manager, arles_referent, outsider, administrator
):
    from django.contrib.auth.models import AnonymousUser

    assert departments_written_by(quality_manager) == {org.bdr.pk}
    assert departments_written_by(arles_referent) == {org.bdr.pk}
    assert departments_written_by(outsider) == {org.vaucluse.pk}
    assert departments_written_by(administrator) is None  # every département
    assert departments_written_by(AnonymousUser()) is None
    quality_manager.is_staff = True  # Django's admin is not bound to memberships
    assert departments_written_by(quality_manager) is None


def test_cached_values_follow_the_writes_of_their_departements_only(org):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    today = dt.date(2026, 12, 5)
    read = lambda departments, key="k": versions.cached(key, departments, compute, today=today)  # noqa: E731
    assert read([org.bdr.pk]) == 1
    assert read([org.bdr.pk]) == 1  # cached
    assert read([org.bdr.pk], key="other") == 2  # another key: its own value
    with versions.writes_for([org.vaucluse.pk]):
        Site.objects.filter(pk=org.avignon.pk).update(name="Avignon")
    assert read([org.bdr.pk]) == 1  # a write in the 84 leaves the 13's figures
    with versions.writes_for([org.bdr.pk]):
        Site.objects.filter(pk=org.arles.pk).update(name="Arles")
    assert read([org.bdr.pk]) == 3  # a write in the 13 computes them again
    Site.objects.filter(pk=org.arles.pk).update(name="Arles bis")  # a task's write: every département
    assert read([org.bdr.pk]) == 4
    assert versions.cached("k", [org.bdr.pk], compute, today=today + dt.timedelta(days=1)) == 5  # a new day


def test_within_a_request_the_stamp_is_read_once_until_a_write(
    org, quality_manager, django_assert_num_queries
):
    """`reading()` (each request): the stamp of a set of départements is read once, by the user's scope
    with their memberships when it is built, and read again after a write."""
    from sites.access import scope_for

    departments = [org.bdr.pk]
    with versions.reading():
        with django_assert_num_queries(1):
            first = versions.stamp(departments)
            assert versions.stamp(departments) == first
        with versions.writes_for(departments):
            Site.objects.filter(pk=org.arles.pk).update(name="Arles")
        with django_assert_num_queries(1):
            assert versions.stamp(departments) == first + 1
    with versions.reading():
        with django_assert_num_queries(1):  # the memberships, with their départements' counters
            scope = scope_for(quality_manager)
        with django_assert_num_queries(0):
            assert versions.stamp(scope.ids("department", "read")) == first + 1
    with django_assert_num_queries(1):  # outside a request: read each time
        versions.stamp(departments)


@pytest.mark.django_db(transaction=True)
def test_a_transaction_bumps_once_after_its_commit_and_not_when_rolled_back():
    from tests import factories as f

    org = f.build_organisation()
    before = counters().get(org.bdr.pk, 0)
    with versions.writes_for([org.bdr.pk]):
        with transaction.atomic():
            Site.objects.filter(pk=org.arles.pk).update(name="Arles 1")
            Site.objects.filter(pk=org.istres.pk).update(name="Istres 1")
            assert counters().get(org.bdr.pk, 0) == before  # not while the transaction runs
        assert counters()[org.bdr.pk] == before + 1  # once, after the commit
        with pytest.raises(RuntimeError), transaction.atomic():
            Site.objects.filter(pk=org.arles.pk).update(name="Arles 2")
            raise RuntimeError
        assert counters()[org.bdr.pk] == before + 1  # rolled back: nothing to read again
        with transaction.atomic():
            try:
                with transaction.atomic():  # a savepoint rolled back, then a write that stays
                    Site.objects.filter(pk=org.arles.pk).update(name="Arles 3")
                    raise RuntimeError
            except RuntimeError:
                pass
            Site.objects.filter(pk=org.istres.pk).update(name="Istres 3")
        assert counters()[org.bdr.pk] == before + 2
        Site.objects.filter(pk=org.arles.pk).update(name="Arles 4")  # autocommit: at once
        assert counters()[org.bdr.pk] == before + 3


def test_a_signed_in_request_counts_for_the_users_departements_and_a_public_form_for_its_site(
    client, org, referential, arles_referent
):
    start = counters()
    client.force_login(arles_referent)
    response = client.post(reverse("complaints:correspondence_create"), staff_form(org.arles))
    assert response.status_code == 302
    after = counters()
    assert after[org.bdr.pk] > start.get(org.bdr.pk, 0)
    assert after.get(versions.EVERY_DEPARTMENT) == start.get(versions.EVERY_DEPARTMENT)
    assert after.get(org.vaucluse.pk) == start.get(org.vaucluse.pk)
    client.logout()
    response = client.post(reverse("complaints_public:request_form", args=[org.istres.code]), public_form())
    assert response.status_code == 302
    public = counters()
    assert public[org.bdr.pk] > after[org.bdr.pk]
    assert public.get(versions.EVERY_DEPARTMENT) == start.get(versions.EVERY_DEPARTMENT)


def test_signing_in_and_reading_pages_write_nothing_that_a_figure_reads(client, org, quality_manager):
    start = counters()
    credentials = {"username": quality_manager.username, "password": "qualipref2015"}
    response = client.post(reverse("login"), credentials)
    assert response.status_code == 302
    for url in ("/", reverse("dashboard:index"), reverse("complaints:correspondence_list")):
        assert client.get(url).status_code == 200
    assert counters() == start
