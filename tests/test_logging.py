"""Structured logs (issue 11, part 6): JSON lines with request id, user and path; security events."""

import io
import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from qualipref.logs import JSONFormatter, PlainFormatter, RequestContextFilter
from tests.test_settings import run_django


@pytest.fixture
def json_lines():
    """The root logger also writes, through the production formatter and filter, into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def read():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield read
    root.removeHandler(handler)
    root.setLevel(previous)


def request_lines(lines):
    return [line for line in lines if line["logger"] == "qualipref.request"]


@pytest.mark.django_db
def test_each_request_is_one_json_line_with_its_id_user_path_status_and_duration(
    client, quality_manager, json_lines
):
    client.force_login(quality_manager)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    (line,) = request_lines(json_lines())
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert (line["user"], line["method"], line["path"], line["status"]) == ("qualite", "GET", "/", 200)
    assert line["level"] == "INFO" and line["duration_ms"] >= 0 and line["time"]
    assert line["message"].startswith("GET / 200 ")


@pytest.mark.django_db
def test_a_proxy_request_id_is_kept_and_a_forged_one_replaced(client, json_lines):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "edge-5f2c9a1b"})
    assert response["X-Request-ID"] == "edge-5f2c9a1b"
    response = client.get(reverse("healthz"), headers={"X-Request-ID": 'x"}\n{"level": "forged'})
    assert len(response["X-Request-ID"]) == 32 and "forged" not in response["X-Request-ID"]
    first, second = request_lines(json_lines())
    assert first["request_id"] == "edge-5f2c9a1b" and second["request_id"] == response["X-Request-ID"]
    assert first["user"] is None


@pytest.mark.django_db
def test_every_logger_inside_a_request_carries_its_context(client, quality_manager, json_lines):
    """Lines that Django itself writes (here the 404 warning) carry the request id and user too."""
    client.force_login(quality_manager)
    response = client.get("/complaints/999999/")
    assert response.status_code == 404
    lines = json_lines()
    django_line = next(line for line in lines if line["logger"] == "django.request")
    assert django_line["request_id"] == response["X-Request-ID"] and django_line["user"] == "qualite"
    denial = next(line for line in lines if line.get("event") == "access_denied")
    assert (denial["logger"], denial["level"], denial["status"]) == ("qualipref.security", "WARNING", 404)
    assert denial["user"] == "qualite" and denial["path"] == "/complaints/999999/"


@pytest.mark.django_db
def test_an_outsider_denied_an_object_is_a_logged_security_event(
    client, org, outsider, istres_agent, json_lines
):
    from complaints.tests.factories import make_correspondence
    from referential.loader import DEFAULT_FILE, load_referential

    load_referential(DEFAULT_FILE)
    obj = make_correspondence(org.istres, by=istres_agent)
    client.force_login(outsider)
    assert client.get(reverse("complaints:correspondence_detail", args=[obj.pk])).status_code == 404
    (denial,) = [line for line in json_lines() if line.get("event") == "access_denied"]
    assert denial["user"] == "referent.vaucluse" and denial["path"] == f"/complaints/{obj.pk}/"


@pytest.mark.django_db
def test_login_failure_and_success_are_logged_without_the_password(client, quality_manager, json_lines):
    client.post(reverse("login"), {"username": "qualite", "password": "Mauvais-mot-2-passe"})
    client.post(reverse("login"), {"username": "qualite", "password": "qualipref2015"})
    lines = json_lines()
    failed = next(line for line in lines if line.get("event") == "login_failed")
    assert failed["username"] == "qualite" and failed["ip"] == "127.0.0.1" and failed["level"] == "WARNING"
    assert failed["path"] == "/accounts/login/" and failed["request_id"]
    succeeded = next(line for line in lines if line.get("event") == "login_succeeded")
    assert succeeded["username"] == "qualite"
    raw = json.dumps(lines)
    assert "Mauvais-mot-2-passe" not in raw and "qualipref2015" not in raw


@pytest.mark.django_db
def test_a_csrf_failure_is_logged(quality_manager, json_lines):
    Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "qualite", "password": "x"})
    (line,) = [line for line in json_lines() if line.get("event") == "csrf_failure"]
    assert line["reason"] and line["path"] == "/accounts/login/"


def test_outside_a_request_the_fields_are_empty_and_plain_lines_stay_readable():
    record = logging.LogRecord("qualipref.tasks", logging.INFO, __file__, 1, "Rappel envoyé", None, None)
    RequestContextFilter().filter(record)
    assert json.loads(JSONFormatter().format(record))["request_id"] is None
    assert PlainFormatter().format(record).endswith("INFO qualipref.tasks [- -] Rappel envoyé")


def formatter_in(**env):
    code = "from django.conf import settings as s; print(s.LOGGING['handlers']['console']['formatter'])"
    return run_django(code, **env)


def test_the_format_is_plain_in_development_json_in_production_and_set_by_log_format():
    prod = {
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "x" * 60,
        "QUALIPREF_PUBLIC_URL": "https://q.example",
    }
    assert formatter_in().stdout.strip() == "plain"
    assert formatter_in(**prod).stdout.strip() == "json"
    assert formatter_in(LOG_FORMAT="json").stdout.strip() == "json"
    assert formatter_in(LOG_FORMAT="plain", **prod).stdout.strip() == "plain"
    bad = formatter_in(LOG_FORMAT="xml")
    assert bad.returncode != 0 and "LOG_FORMAT" in bad.stderr


def test_production_logs_are_json_lines_on_stderr():
    code = (
        "import logging; from django.conf import settings; "
        "logging.getLogger('qualipref.security').warning('Essai', extra={'event': 'demo'})"
    )
    result = run_django(
        code, DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 60, QUALIPREF_PUBLIC_URL="https://q.example"
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    line = next(line for line in lines if line.get("event") == "demo")
    assert (line["logger"], line["level"], line["message"]) == ("qualipref.security", "WARNING", "Essai")


def test_lines_written_by_a_celery_task_carry_its_name_and_id(json_lines):
    from qualipref.celery import app

    @app.task(name="tests.logging_probe")
    def probe():
        logging.getLogger("qualipref.tasks").info("Sonde")

    result = probe.delay()
    (line,) = [line for line in json_lines() if line["message"] == "Sonde"]
    assert line["task_name"] == "tests.logging_probe" and line["task_id"] == result.id
    assert line["request_id"] is None
