import socket
import time

import pytest


@pytest.mark.django_db
def test_it_answers_without_login_with_the_database_status(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert (
        body["broker"] == "ok" if settings.CELERY_BROKER_URL else body["broker"].startswith("not configured")
    )


@pytest.mark.django_db
def test_it_reports_an_unreachable_broker_as_an_error(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


@pytest.mark.django_db
def test_it_answers_quickly_when_the_broker_accepts_connections_but_never_answers(client, settings):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel accepts the connection; nobody ever reads or answers
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error: OperationalError"}
    assert elapsed < 5


def test_every_other_page_requires_login(client, db):
    response = client.get("/organisation/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/organisation/")
