"""Shared fixtures: named personas on the demo-like organisation, used by every app's tests."""

import pytest

from tests import factories as f


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db):
    """Bouches-du-Rhône (13) with its 4 entities and 5 sites, and Vaucluse (84) with one site."""
    return f.build_organisation()


@pytest.fixture
def quality_manager(org):
    return f.persona("qualite", "quality_manager", org.bdr)


@pytest.fixture
def arles_referent(org):
    return f.persona("referent.arles", "site_referent", org.bdr, entity=org.arles_entity, site=org.arles)


@pytest.fixture
def peytral_referent(org):
    return f.persona("referent.peytral", "site_referent", org.bdr, entity=org.prefecture, site=org.peytral)


@pytest.fixture
def istres_agent(org):
    return f.persona("agent.istres", "agent", org.bdr, entity=org.istres_entity, site=org.istres)


@pytest.fixture
def committee_member(org):
    return f.persona("copil", "committee", org.bdr)


@pytest.fixture
def auditor(org):
    return f.persona("auditeur", "auditor", org.bdr)


@pytest.fixture
def outsider(org):
    """The Vaucluse (84) referent: sees nothing of département 13."""
    return f.persona(
        "referent.vaucluse", "site_referent", org.vaucluse, entity=org.vaucluse_entity, site=org.avignon
    )


@pytest.fixture(scope="session")
def live_server(request, django_db_setup, django_db_blocker):
    """pytest-django's live server, stopped before the test database is dropped (so that PostgreSQL
    does not refuse to drop a database the server's threads still hold a connection to)."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(request.config.getvalue("liveserver") or "localhost")
    yield server
    server.stop()
    # The server's request threads may still hold an idle connection (browser keep-alive); end them so
    # that PostgreSQL lets pytest-django drop the test database.
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
