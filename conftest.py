"""Shared fixtures: named personas on the demo-like organisation, used by every app's tests."""

import pytest

from tests import factories as f

# The session's clock (QUALIPREF_TEST_TODAY), one broker queue per test process, the demo database;
# the browser tests' Chromium (one per process) and their `page`.
pytest_plugins = ["tests.session", "tests.browser"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache (rate limits of the public forms, in process memory) starts empty for every test: the
    forms another test of the same worker sent must not count against this one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run eagerly in every test, broker or not; `celery_worker_app` turns a real worker on."""
    from qualipref.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True


@pytest.fixture
def org(db):
    """Bouches-du-Rhône (13) with its 4 entities and 5 sites, and Vaucluse (84) with one site."""
    return f.build_organisation()


@pytest.fixture
def administrator(org):
    """The application's administrator (superuser, like the demo's `admin`): every département."""
    return f.named_persona(org, "admin")


@pytest.fixture
def quality_manager(org):
    return f.named_persona(org, "quality_manager")


@pytest.fixture
def arles_referent(org):
    return f.named_persona(org, "arles_referent")


@pytest.fixture
def peytral_referent(org):
    return f.named_persona(org, "peytral_referent")


@pytest.fixture
def istres_agent(org):
    return f.named_persona(org, "istres_agent")


@pytest.fixture
def committee_member(org):
    return f.named_persona(org, "committee_member")


@pytest.fixture
def auditor(org):
    return f.named_persona(org, "auditor")


@pytest.fixture
def outsider(org):
    """The Vaucluse (84) referent: sees nothing of département 13."""
    return f.named_persona(org, "outsider")


@pytest.fixture(scope="session")
def stray_connections_ended(django_db_setup, django_db_blocker):
    """At the end of the session, end the connections other threads (live server, Celery worker) left
    open, so that PostgreSQL lets pytest-django drop the test database."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        # on a connection of its own: the one kept may have been ended with a demo database it read
        connection.close()
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(scope="session")
def live_server(request, stray_connections_ended):
    """pytest-django's live server, stopped before the test database is dropped."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(request.config.getvalue("liveserver") or "localhost")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def _celery_worker(stray_connections_ended):
    """One real Celery worker (solo pool, in a thread) on the configured broker, for the whole session."""
    from django.conf import settings

    if not settings.CELERY_BROKER_URL:
        pytest.skip("No broker configured (CELERY_BROKER_URL is empty): tasks run eagerly and are tested so.")
    from celery.contrib.testing.worker import start_worker

    from qualipref.celery import app

    app.conf.update(
        task_always_eager=False, result_backend=settings.CELERY_BROKER_URL, task_ignore_result=False
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield app
    app.conf.update(result_backend=None, task_ignore_result=True)


@pytest.fixture
def celery_worker_app(_celery_worker, transactional_db):
    """A real worker for a test whose rows must be committed for the worker to see them."""
    app = _celery_worker
    app.conf.update(task_always_eager=False, result_backend=settings_broker(), task_ignore_result=False)
    # The result backend is cached per thread on first use; an eager test earlier in the session may
    # have cached the disabled one.
    app._local.__dict__.pop("backend", None)
    return app


def settings_broker():
    from django.conf import settings

    return settings.CELERY_BROKER_URL
