"""Security (issue 11, part 2): login throttling, Content-Security-Policy, CSRF, uploads, secrets."""

import datetime as dt
import json
import logging
import re
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from complaints.models import Correspondence
from qualipref.attachments.models import Attachment
from qualipref.attachments.services import attachment_add

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "qualipref2015"
LOGIN_ERROR = "Saisissez un nom d’utilisateur et un mot de passe valides"
LOCKED = "Connexion temporairement bloquée"


def login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def is_logged_in(client):
    return "_auth_user_id" in client.session


def security_events(caplog, event):
    return [
        r for r in caplog.records if r.name == "qualipref.security" and getattr(r, "event", None) == event
    ]


# ---- login throttling ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_repeated_failures_lock_the_login_even_with_the_right_password(client, quality_manager, caplog):
    caplog.set_level(logging.INFO)
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = login(client, "qualite", "mauvais")
        assert response.status_code == 200
        assert LOGIN_ERROR in response.content.decode()
    response = login(client, "qualite", "mauvais")
    assert response.status_code == 429
    page = response.content.decode()
    minutes = round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    assert LOCKED in page and f"({limit} essais)" in page and f"pendant {minutes} minutes" in page

    response = login(client, "qualite", DEMO_PASSWORD)
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert not is_logged_in(client)
    assert client.get(reverse("home")).status_code == 302

    failures = security_events(caplog, "login_failed")
    assert len(failures) == limit + 1 and {r.username for r in failures} == {"qualite"}
    lockouts = security_events(caplog, "login_locked_out")
    assert lockouts and lockouts[0].levelname == "WARNING" and lockouts[0].username == "qualite"
    assert all(
        DEMO_PASSWORD not in r.getMessage() and "mauvais" not in r.getMessage() for r in caplog.records
    )


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off_period(client, quality_manager):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(client, "qualite", "mauvais")
        assert login(client, "qualite", DEMO_PASSWORD).status_code == 429
        traveller.shift(settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1))
        assert login(client, "qualite", DEMO_PASSWORD).status_code == 429
        # a failure during the lock restarts the cool-off: wait it out fully
        traveller.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1))
        response = login(client, "qualite", DEMO_PASSWORD)
        assert response.status_code == 302 and response.url == reverse("home")
        assert is_logged_in(client)


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(client, quality_manager):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        login(client, "qualite", "mauvais")
    assert login(client, "qualite", DEMO_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(limit - 1):
        assert login(client, "qualite", "mauvais").status_code == 200
    assert login(client, "qualite", DEMO_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lock_holds_one_username_from_one_address(client, quality_manager, committee_member):
    """Agents of a préfecture share one address: one person's typos lock neither their colleagues
    nor the same account reached from another address."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "qualite", "mauvais")
    assert login(client, "qualite", DEMO_PASSWORD).status_code == 429
    assert login(Client(), "copil", DEMO_PASSWORD).status_code == 302
    assert login(Client(), "qualite", DEMO_PASSWORD, REMOTE_ADDR="192.0.2.10").status_code == 302


@pytest.mark.django_db
def test_logins_without_a_request_still_work(quality_manager):
    """Scripts and the test client authenticate without a request: not throttled, not broken."""
    assert Client().login(username="qualite", password=DEMO_PASSWORD)
    assert not Client().login(username="qualite", password="mauvais")


# ---- Content-Security-Policy ---------------------------------------------------------------------------


def csp_of(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
def test_pages_carry_a_policy_that_forbids_inline_and_foreign_scripts(client, org, quality_manager):
    anonymous = [reverse("login"), reverse("publication:index"), f"/public/{org.istres.code}/reclamation/"]
    client_logged = Client()
    client_logged.force_login(quality_manager)
    logged = [
        reverse("home"),
        reverse("complaints:correspondence_list"),
        reverse("complaints:correspondence_create"),
    ]
    responses = [client.get(url) for url in anonymous] + [client_logged.get(url) for url in logged]
    for response in responses:
        assert response.status_code == 200, response.request["PATH_INFO"]
        policy = csp_of(response)
        assert policy["script-src"] == ["'self'"]
        assert policy["default-src"] == ["'self'"]
        for directive in ("script-src", "default-src"):
            assert "'unsafe-inline'" not in policy[directive] and "'unsafe-eval'" not in policy[directive]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert not any(
            value.startswith(("http:", "https:", "*")) for values in policy.values() for value in values
        )


def template_files():
    dirs = [ROOT / "templates", *ROOT.glob("*/templates")]
    files = sorted({p for d in dirs for p in d.rglob("*.html")})
    assert len(files) > 50
    return files


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.DOTALL)
NON_SCRIPT_TYPES = ("application/json", "application/ld+json", "text/template")


def test_no_template_holds_inline_script_or_event_handler():
    offences = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        for attributes, body in SCRIPT_TAG.findall(text):
            if "src=" not in attributes and not any(t in attributes for t in NON_SCRIPT_TYPES):
                offences.append(f"{name}: inline <script>")
            elif body.strip():
                offences.append(f"{name}: <script src> with a body")
            if re.search(r"src=[\"']?(https?:)?//", attributes):
                offences.append(f"{name}: script from another site")
        if EVENT_HANDLER.search(text):
            offences.append(f"{name}: on… event handler attribute")
        if re.search(r"\bhx-on\b|hx-on:|hx-on::|javascript:", text):
            offences.append(f"{name}: hx-on or javascript: URL (needs eval / inline script)")
        if re.search(r"<link[^>]+href=[\"'](https?:)?//", text):
            offences.append(f"{name}: stylesheet from another site")
    assert offences == []


def test_the_scanner_catches_what_it_looks_for():
    assert SCRIPT_TAG.findall("<script>alert(1)</script>") == [("", "alert(1)")]
    assert EVENT_HANDLER.search('<button type="button" onclick="go()">')
    assert not EVENT_HANDLER.search('<button type="button" data-confirm="oui">')


def test_htmx_is_told_not_to_eval_nor_inject_styles():
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", base)
    assert meta and json.loads(meta.group(1)) == {"includeIndicatorStyles": False, "allowEval": False}
    assert base.index('name="htmx-config"') < base.index("htmx.min.js")


# ---- CSRF ------------------------------------------------------------------------------------------------


def assert_french_csrf_page(response):
    assert response.status_code == 403
    page = response.content.decode()
    assert "Votre envoi n'a pas pu être accepté" in page and "rien n'a été enregistré" in page


@pytest.mark.django_db
def test_the_login_form_needs_its_csrf_token(quality_manager, caplog):
    client = Client(enforce_csrf_checks=True)
    assert_french_csrf_page(login(client, "qualite", DEMO_PASSWORD))
    assert not is_logged_in(client)
    assert security_events(caplog, "csrf_failure")


@pytest.mark.django_db
def test_the_complaint_form_needs_its_csrf_token(org, istres_agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(istres_agent)
    data = {
        "site": org.istres.pk,
        "kind": "complaint",
        "channel": "post",
        "received_on": "2015-03-01",
        "subject": "Attente",
        "description": "Trop longue",
        "assigned_to": istres_agent.pk,
    }
    assert_french_csrf_page(client.post(reverse("complaints:correspondence_create"), data))
    assert not Correspondence.objects.exists()


@pytest.fixture
def referential(db):
    from referential.loader import DEFAULT_FILE, load_referential

    return load_referential(DEFAULT_FILE).referential


@pytest.mark.django_db
def test_the_public_complaint_form_needs_its_csrf_token(org, referential):
    from django.core.cache import cache

    from complaints.tests.factories import public_form

    cache.clear()
    client = Client(enforce_csrf_checks=True)
    url = reverse("complaints_public:request_form", args=[org.istres.code])
    data = public_form()
    assert_french_csrf_page(client.post(url, data))
    assert not Correspondence.objects.exists()
    # the same post with the token of the displayed form goes through
    client.get(url)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and Correspondence.objects.count() == 1
    cache.clear()


def all_views():
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.callback

    return list(walk(get_resolver().url_patterns))


def test_only_the_token_authenticated_api_skips_csrf():
    exempt = sorted(
        {
            f"{view.__module__}.{view.__name__}"
            for _route, view in all_views()
            if getattr(view, "csrf_exempt", False)
        }
    )
    assert all(name.startswith("indicators.api.") for name in exempt), exempt


# ---- uploads -----------------------------------------------------------------------------------------------


@pytest.fixture
def istres_request(org, referential, istres_agent):
    from complaints.tests.factories import make_correspondence

    return make_correspondence(
        org.istres, by=istres_agent, received_on=dt.date(2015, 3, 1), assigned_to=istres_agent
    )


def attach(client, obj, upload):
    return client.post(
        reverse("complaints:correspondence_attach", args=[obj.pk]), {"file": upload}, follow=True
    )


@pytest.mark.django_db
def test_an_oversized_upload_is_refused_in_french(client, settings, istres_agent, istres_request):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(istres_agent)
    big = SimpleUploadedFile("rapport.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024), "application/pdf")
    page = attach(client, istres_request, big).content.decode()
    assert "Le fichier « rapport.pdf » est trop volumineux (1,0 Mo) : 1 Mo au maximum." in page
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_wrong_or_disguised_type_is_refused_in_french(client, istres_agent, istres_request):
    client.force_login(istres_agent)
    page = attach(client, istres_request, SimpleUploadedFile("outil.exe", b"MZ\x90\x00")).content.decode()
    assert "Type de fichier non accepté (.exe)" in page
    page = attach(client, istres_request, SimpleUploadedFile("note.pdf", b"MZ\x90\x00")).content.decode()
    assert "ne correspond pas à son extension .pdf" in page
    page = attach(client, istres_request, SimpleUploadedFile("page.html", b"<script>")).content.decode()
    assert "Type de fichier non accepté (.html)" in page
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_file_is_served_only_to_readers_of_its_parent(
    client, istres_agent, istres_request, arles_referent, outsider, quality_manager
):
    attachment = attachment_add(
        parent=istres_request, by=istres_agent, upload=SimpleUploadedFile("note.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    url = reverse("attachments:download", args=[attachment.pk])
    for reader in (istres_agent, quality_manager):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"
    for stranger in (arles_referent, outsider):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    # the stored file is not reachable by its path either
    client.force_login(quality_manager)
    assert client.get(settings.MEDIA_URL + attachment.file.name).status_code == 404


@pytest.mark.django_db
def test_a_file_gone_from_the_storage_is_a_404_not_a_500(client, istres_agent, istres_request, caplog):
    attachment = attachment_add(
        parent=istres_request, by=istres_agent, upload=SimpleUploadedFile("note.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(istres_agent)
    response = client.get(reverse("attachments:download", args=[attachment.pk]))
    assert response.status_code == 404
    assert "stored file missing" in caplog.text  # the administrator is told, in the logs


# ---- secrets ---------------------------------------------------------------------------------------------

# Demo data and development-only values, documented as such.
ALLOWED_VALUES = {
    DEMO_PASSWORD,
    "django-insecure-development-only-key-not-for-production",
    "collectstatic-only-build-key-not-used-at-run-time-0123456789",
}
TOKEN_PATTERNS = {
    "private key": re.compile(r"-{5}BEGIN (?:[A-Z]+ )*PRIVATE KEY-{5}"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    # a password in a URL, except the documentation's placeholder (smtp://user:password@host)
    "credentials in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:(?!password@)[^/\s@'\"$]{3,}@"),
}
ASSIGNED_SECRET = re.compile(
    r"(?i)\b[A-Z_]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY)[A-Z_]*\b\s*[:=]\s*[\"']?([^\s\"'${}]{6,})"
)
CONFIG_SUFFIXES = {".toml", ".ini", ".cfg", ".yml", ".yaml", ".env", ".sh", ".conf"}


def tracked_files():
    result = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    files = [ROOT / name for name in result.stdout.splitlines()]
    assert len(files) > 100
    return [f for f in files if f.is_file()]


def test_no_secret_is_tracked_in_the_repository():
    findings = []
    for path in tracked_files():
        name = str(path.relative_to(ROOT))
        if path.suffix in {".pem", ".key", ".p12", ".pfx"} or path.name.startswith(".env"):
            findings.append(f"{name}: key or environment file")
            continue
        if "vendor" in path.parts or path.suffix in {
            ".png",
            ".jpg",
            ".xlsx",
            ".pdf",
            ".woff",
            ".woff2",
            ".ico",
        }:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for label, pattern in TOKEN_PATTERNS.items():
            findings += [f"{name}: {label}" for _ in pattern.finditer(text)]
        if (
            path.name in {"settings.py", "Dockerfile", "Makefile", "docker-compose.yml"}
            or path.suffix in CONFIG_SUFFIXES
        ):
            for match in ASSIGNED_SECRET.finditer(text):
                if match.group(1) not in ALLOWED_VALUES and not match.group(1).startswith("env."):
                    findings.append(f"{name}: {match.group(0)}")
    assert findings == []


def test_the_secret_scanner_catches_what_it_looks_for():
    fake_key = "-" * 5 + "BEGIN RSA PRIVATE KEY" + "-" * 5
    assert TOKEN_PATTERNS["private key"].search(fake_key)
    assert TOKEN_PATTERNS["credentials in a URL"].search("postgres://qp:" + "s3cr3tpw@db:5432/qp")
    assert not TOKEN_PATTERNS["credentials in a URL"].search("postgres://qp:${POSTGRES_PASSWORD}@db/qp")
    assert not TOKEN_PATTERNS["credentials in a URL"].search("smtp://user:password@host:587")
    assert ASSIGNED_SECRET.search('DJANGO_SECRET_KEY = "abcdefgh12345"').group(1) == "abcdefgh12345"
    assert ASSIGNED_SECRET.search("POSTGRES_PASSWORD: hunter22").group(1) == "hunter22"
    assert not ASSIGNED_SECRET.search("POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it}")


def test_the_development_secret_key_is_only_a_debug_fallback():
    text = (ROOT / "qualipref" / "settings.py").read_text(encoding="utf-8")
    assert 'SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")' in text
    # the refusal itself is tested in tests/test_settings.py


# ---- dependency audit ------------------------------------------------------------------------------------


def load_audit():
    import importlib.util

    spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("audit_status", "tests_status", "fails"),
    [(1, 0, True), (0, 1, True), (0, 0, False), (2, 0, True), (0, 5, True)],
)
def test_make_test_runs_the_dependency_audit_and_fails_with_it(tmp_path, audit_status, tests_status, fails):
    """`make test` runs the audit beside the tests and prints it; either failing fails the build. The
    interpreter is a stand-in that says what it was asked to run and answers the given status."""
    stand_in = tmp_path / "python"
    stand_in.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = scripts/audit.py ]; then echo audit-ran; exit {audit_status}; fi\n'
        f'echo "tests-ran $*"; exit {tests_status}\n'
    )
    stand_in.chmod(0o755)
    run = subprocess.run(
        ["make", "-s", "-o", "install", "test", f"PY={stand_in}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "audit-ran" in run.stdout and "-m pytest -n" in run.stdout, run.stdout + run.stderr
    assert run.stdout.index("tests-ran") < run.stdout.index("audit-ran")  # the verdict after the tests
    assert (run.returncode != 0) is fails
    assert ("aucun test (code 5)" in run.stderr) is (tests_status == 5)
    assert '"pip-audit' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_a_known_vulnerability_fails_the_audit_with_its_fix():
    audit = load_audit()
    report = {
        "dependencies": [
            {
                "name": "django",
                "version": "5.2.0",
                "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"], "aliases": ["CVE-2025-0001"]}],
            },
            {"name": "celery", "version": "5.4.0", "vulns": []},
        ],
        "fixes": [],
    }
    lines, status = audit.summarise(report)
    assert status == 1
    assert "2 paquets, 2 audités, 0 non audités, 1 vulnérabilité(s)" in lines[0]
    assert "VULNÉRABLE django 5.2.0 : PYSEC-2025-1 (CVE-2025-0001) — corrigé en 5.2.1" in lines[1]


def test_a_clean_audit_passes_and_an_unreachable_service_is_reported_not_hidden():
    audit = load_audit()
    clean = {"dependencies": [{"name": "celery", "version": "5.4.0", "vulns": []}]}
    assert audit.summarise(clean)[1] == 0
    offline = {"dependencies": [{"name": "celery", "skip_reason": "Dependency not found on PyPI"}]}
    lines, status = audit.summarise(offline)
    assert status == audit.NOT_DONE and "audit non effectué" in lines[-1]


# ---- production settings -------------------------------------------------------------------------------


def test_production_settings_use_secure_cookies_hsts_and_the_security_middleware():
    from tests.test_settings import PROD_ENV, run_django

    code = (
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT, s.MIDDLEWARE, s.AUTHENTICATION_BACKENDS[0], s.CSRF_FAILURE_VIEW]))"
    )
    result = run_django(code, **PROD_ENV)
    assert result.returncode == 0, result.stderr
    session, csrf, httponly, hsts, redirect, middleware, backend, csrf_view = json.loads(
        result.stdout.strip().splitlines()[-1]
    )
    assert session and csrf and httponly and redirect and hsts >= 365 * 24 * 3600
    for name in (
        "csp.middleware.CSPMiddleware",
        "axes.middleware.AxesMiddleware",
        "qualipref.logs.RequestLogMiddleware",
    ):
        assert name in middleware
    assert middleware[-1] == "axes.middleware.AxesMiddleware"
    assert backend == "qualipref.security.LoginThrottleBackend"
    assert csrf_view == "qualipref.security.csrf_failure"
