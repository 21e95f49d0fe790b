"""The access matrix: every URL of the project, requested by every persona on the rows of another scope.

The URL patterns are enumerated from the resolver: a pattern that is neither in `MATRIX` nor in `ALLOWED`
(with its reason) fails `test_every_url_pattern_is_in_the_matrix`, so a new view cannot escape.

Rows of every kind are built once for the module in two scopes: Aix-en-Provence (Bouches-du-Rhône, a site
none of the site personas holds) and Avignon (Vaucluse). For each URL naming a row (pk, slug, code…):
- the administrator reaches it (the control: the row exists and the URL is right);
- a logged-in persona outside the row's scope gets 404 on GET and POST, the anonymous visitor the login page;
- on a write URL, the read-only roles inside the scope (committee member, auditor not assigned) get 403,
  and so does the Arles referent on the writes of a département row (but the few listed with a reason);
- and nothing in the database changes (a checksum of every table).
URLs that name no row (lists, exports, create forms) must not show the rows of another scope, and the
read-only roles get 403 when they post to a create form.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from referential.crosswalk import load_crosswalk
from referential.loader import DEFAULT_FILE, load_referential

from . import access_data, factories

pytestmark = pytest.mark.django_db

# ---- the scopes and personas -----------------------------------------------------------------------------

# Markers in the titles of the rows built in each scope: site- and entity-level rows, and département rows.
MARKERS = {
    "aix": ("ZQAIX", "ZQBDR"),
    "vaucluse": ("ZQAVIGNON", "ZQVAUCLUSE"),
}
LOGGED_IN = [
    "admin",
    "quality_manager",
    "arles_referent",
    "istres_agent",
    "committee_member",
    "auditor",
    "outsider",
]
# Who holds nothing of a scope, by the level of the row: persona -> {level: foreign scopes}.
SITE_LEVELS = ("site", "entity")


def foreign_scopes(persona: str, level: str) -> tuple[str, ...]:
    if persona == "admin" or level == "global":
        return ()
    if persona == "outsider":
        return ("aix",)
    if persona in ("arles_referent", "istres_agent") and level in SITE_LEVELS:
        return ("aix", "vaucluse")
    return ("vaucluse",)


def forbidden_markers(persona: str) -> set[str]:
    """Markers a persona must never see on a list page."""
    if persona == "admin":
        return set()
    if persona == "outsider":
        return set(MARKERS["aix"])
    if persona in ("arles_referent", "istres_agent"):
        return {MARKERS["aix"][0], *MARKERS["vaucluse"]}
    return set(MARKERS["vaucluse"])


# Read-only roles inside the Bouches-du-Rhône scope: their posts to a write URL answer 403.
READ_ONLY = ("committee_member", "auditor")
# The Arles referent writes only on its site and entity: its posts to the writes of a département row
# answer 403 too, except where a site writer acts on the département's row for its own site (the reason).
SITE_WRITER = "arles_referent"
# Model answers are département-wide content: its quality managers (and administrators) create and edit
# them, a site referent uses them and gets 403 on their forms (test_model_answers_are_kept_by_quality_...).
SITE_WRITERS_MAY = {
    "indicators:target_create": "a referent sets the targets of its own entity and sites",
    "surveys:campaign_results": "a referent enters the results of its site's survey units",
    "surveys:campaign_import": "a referent imports the results of its site's survey units",
    "surveys:unit_create": "a referent adds the survey units of its site",
}

# ---- the matrix ----------------------------------------------------------------------------------------

# The level of each kind of row (the narrowest scope it belongs to).
LEVELS = {
    "site": "site",
    "entity": "entity",
    "referential": "global",
    "audit": "entity",
    "self_assessment": "entity",
    "plan_line": "entity",
    "finding": "entity",
    "campaign": "department",
    "unit": "site",
    "request": "site",
    "model_answer": "department",
    "action": "entity",
    "action_plan": "entity",
    "indicator": "department",
    "department_indicator": "department",
    "target": "entity",
    "api_client": "department",
    "committee": "department",
    "member": "department",
    "meeting": "department",
    "decision": "department",
    "deadline": "site",
    "document": "entity",
    "version": "entity",
    "agent": "site",
    "training": "site",
    "register": "department",
    "report_run": "department",
    "audit_attachment": "entity",
    "request_attachment": "site",
    "meeting_attachment": "department",
    "snapshot": "site",
    "reception_point": "site",
    # a département's team pages (accounts): named by the département's code
    "team_department": "department",
    "team_member": "department",
    "invitation": "department",
}


@dataclass(frozen=True)
class Row:
    """One URL of the matrix: its kwargs (name -> kind of row, or a literal), and whether it writes."""

    kwargs: dict = field(default_factory=dict)
    write: bool = False
    note: str = ""

    @property
    def level(self) -> str | None:
        kinds = [v for v in self.kwargs.values() if v in LEVELS]
        if not kinds:
            return None
        order = ["site", "entity", "department", "global"]
        return min((LEVELS[k] for k in kinds), key=order.index)


R, W = Row, lambda **kw: Row(kwargs=kw, write=True)
REGISTER_SLUGS = ["communiques", "exercices", "lettres", "reseaux-sociaux", "evenements"]

MATRIX: dict[str, Row | list[Row]] = {
    "home": R(),
    # organisation and referential
    "sites:organisation": R(),
    "sites:entity_detail": R({"pk": "entity"}),
    "sites:site_detail": R({"code": "site"}),
    "sites:entity_create": W(),
    "sites:entity_edit": W(pk="entity"),
    "sites:site_create": W(),
    "sites:site_edit": W(code="site"),
    "sites:reception_point_create": W(code="site"),
    "sites:reception_point_edit": W(pk="reception_point"),
    "sites:organisation_import": W(),
    "sites:organisation_template": R(),
    "setup:settings": W(),
    "setup:example": R(),
    "referential:index": R(),
    "referential:detail": R({"pk": "referential"}),
    "referential:crosswalk": R(),
    "referential:switch": W(),
    # the published referential, edited for the persona's own département (another's version: 404,
    # referential/tests/test_editing.py)
    "referential:edit": W(pk="referential"),
    # audits
    "audits:audit_list": R(),
    "audits:audit_export": R(),
    "audits:audit_create": W(),
    "audits:self_assessments_schedule": W(),
    "audits:audit_detail": R({"pk": "audit"}),
    "audits:audit_edit": W(pk="audit"),
    "audits:audit_status": W(pk="audit"),
    "audits:audit_report_edit": W(pk="audit"),
    "audits:audit_pdf": R({"pk": "audit"}),
    "audits:plan_line_add": W(pk="audit"),
    "audits:plan_line_delete": W(pk="audit", line_pk="plan_line"),
    "audits:audit_attachment_add": W(pk="audit"),
    "audits:checklist": W(pk="self_assessment"),
    "audits:finding_create": W(pk="audit"),
    "audits:findings_import": W(pk="audit"),
    "audits:finding_list": R(),
    "audits:finding_export": R(),
    "audits:findings_import_template": R(),
    "audits:general_finding_create": W(),
    "audits:finding_detail": R({"pk": "finding"}),
    "audits:finding_edit": W(pk="finding"),
    "audits:finding_status": W(pk="finding"),
    "audits:finding_attachment_add": W(pk="finding"),
    "audits:gap_sheet_edit": W(pk="finding"),
    "audits:gap_sheet_print": R({"pk": "finding"}),
    "audits:gap_sheet_pdf": R({"pk": "finding"}),
    "audits:readiness": R(),
    "audits:readiness_entity": R({"entity_pk": "entity"}),
    "audits:cycle_comparison": R({"entity_pk": "entity"}),
    # surveys
    "surveys:campaign_list": R(),
    "surveys:campaign_list_export": R(),
    "surveys:campaign_create": W(),
    "surveys:campaign_detail": R({"pk": "campaign"}),
    "surveys:campaign_update": W(pk="campaign"),
    "surveys:campaign_transition": W(pk="campaign"),
    "surveys:campaign_comparison": R({"pk": "campaign"}),
    "surveys:campaign_charts": R({"pk": "campaign"}),
    "surveys:campaign_criteria": W(pk="campaign"),
    "surveys:campaign_results": W(pk="campaign"),
    "surveys:campaign_import": W(pk="campaign"),
    "surveys:campaign_import_template": R({"pk": "campaign"}),
    "surveys:campaign_export": R({"pk": "campaign"}),
    "surveys:unit_create": W(pk="campaign"),
    "surveys:unit_detail": R({"pk": "unit"}),
    "surveys:unit_update": W(pk="unit"),
    "surveys:unit_qr": R({"pk": "unit"}),
    "surveys:unit_poster": R({"pk": "unit"}),
    # complaints
    "complaints:correspondence_list": R(),
    "complaints:correspondence_export": R(),
    "complaints:correspondence_create": W(),
    "complaints:correspondence_import": W(),
    "complaints:import_template": R(),
    "complaints:model_answer_list": R(),
    "complaints:model_answer_create": W(),
    "complaints:model_answer_edit": W(pk="model_answer"),
    "complaints:correspondence_detail": R({"pk": "request"}),
    "complaints:correspondence_edit": W(pk="request"),
    "complaints:correspondence_answer": W(pk="request"),
    "complaints:correspondence_attach": W(pk="request"),
    "complaints:correspondence_transition": [
        W(pk="request", to=f"={to}") for to in ("acknowledged", "in_progress")
    ],
    # action plans
    "actionplans:action_list": R(),
    "actionplans:action_board": R(),
    "actionplans:my_actions": R(),
    "actionplans:loop": R(),
    "actionplans:action_export": R(),
    "actionplans:action_create": W(),
    "actionplans:action_detail": R({"pk": "action"}),
    "actionplans:action_update": W(pk="action"),
    "actionplans:action_transition": W(pk="action"),
    "actionplans:action_progress": W(pk="action"),
    "actionplans:action_comment": W(pk="action"),
    "actionplans:action_evidence": W(pk="action"),
    "actionplans:plan_list": R(),
    "actionplans:plan_create": W(),
    "actionplans:import_template": R(),
    "actionplans:plan_detail": R({"pk": "action_plan"}),
    "actionplans:plan_transition": W(pk="action_plan"),
    "actionplans:plan_next": W(pk="action_plan"),
    "actionplans:plan_export": R({"pk": "action_plan"}),
    "actionplans:plan_import": W(pk="action_plan"),
    # indicators and dashboard
    "indicators:indicator_list": R(),
    "indicators:indicator_create": W(),
    "indicators:indicator_detail": R({"pk": "indicator"}),
    "indicators:indicator_edit": W(pk="indicator"),
    "indicators:target_create": W(pk="indicator"),
    "indicators:target_delete": W(pk="target"),
    "indicators:measurement_list": R(),
    "indicators:measurement_export": R(),
    "indicators:measurement_create": W(),
    "indicators:measurement_import": W(),
    "indicators:import_template": R(),
    "indicators:api_client_list": R(),
    "indicators:api_client_create": W(),
    "indicators:api_client_revoke": W(pk="api_client"),
    "dashboard:index": R(),
    "dashboard:trend": R({"indicator_pk": "indicator", "entity_pk": "entity"}),
    "dashboard:department_trend": R({"indicator_pk": "department_indicator"}),
    "dashboard:history": R({"indicator_pk": "indicator", "site_code": "site"}),
    "dashboard:pack_list": R(),
    # asking for the COPIL pack produces a document of what the user reads: a read (any reader may)
    "dashboard:pack_request": R(),
    # steering
    "steering:committee_list": R(),
    "steering:committee_create": W(),
    "steering:committee_detail": R({"pk": "committee"}),
    "steering:committee_update": W(pk="committee"),
    "steering:member_add": W(pk="committee"),
    "steering:member_remove": W(pk="committee", member_pk="member"),
    "steering:meeting_create": W(pk="committee"),
    "steering:meeting_list": R(),
    "steering:meeting_detail": R({"pk": "meeting"}),
    "steering:meeting_update": W(pk="meeting"),
    "steering:meeting_pdf": R({"pk": "meeting"}),
    "steering:meeting_attach": W(pk="meeting"),
    "steering:decision_create": W(pk="meeting"),
    "steering:decision_detail": R({"pk": "decision"}),
    "steering:decision_update": W(pk="decision"),
    "steering:calendar": R(),
    "steering:calendar_list": R(),
    "steering:deadline_create": W(),
    "steering:deadline_detail": R({"pk": "deadline"}),
    "steering:deadline_update": W(pk="deadline"),
    "steering:occurrence_done": W(pk="deadline"),
    "steering:document_list": R(),
    "steering:document_create": W(),
    "steering:document_detail": R({"pk": "document"}),
    "steering:document_update": W(pk="document"),
    "steering:document_status": W(pk="document"),
    "steering:document_review": W(pk="document"),
    "steering:version_add": W(pk="document"),
    "steering:version_make_current": W(pk="version"),
    "steering:version_download": R({"pk": "version"}),
    "steering:training_list": R(),
    "steering:training_export": R(),
    "steering:training_import": W(),
    "steering:training_import_template": R(),
    "steering:agent_create": W(),
    "steering:agent_detail": R({"pk": "agent"}),
    "steering:agent_update": W(pk="agent"),
    "steering:training_add": W(pk="agent"),
    "steering:training_delete": W(pk="training"),
    "steering:register_list": R(),
    "steering:press_import": W(),
    "steering:press_import_template": R(),
    "steering:register_entries": [R({"slug": f"={slug}"}) for slug in REGISTER_SLUGS],
    "steering:register_create": [W(slug=f"={slug}") for slug in REGISTER_SLUGS],
    "steering:register_detail": [R({"slug": f"={slug}", "pk": "register"}) for slug in REGISTER_SLUGS],
    "steering:register_update": [W(slug=f"={slug}", pk="register") for slug in REGISTER_SLUGS],
    "steering:register_delete": [W(slug=f"={slug}", pk="register") for slug in REGISTER_SLUGS],
    # reports
    "reports:index": R(),
    "reports:run_detail": R({"pk": "report_run"}),
    "reports:run_download": R({"pk": "report_run"}),
    "reports:run_retry": W(pk="report_run"),
    # attachments: served only to who may read the parent (an audit, a request, a meeting)
    "attachments:download": [
        R({"pk": "audit_attachment"}),
        R({"pk": "request_attachment"}),
        R({"pk": "meeting_attachment"}),
    ],
    # accounts: the platform administrator's départements, a département's team, one's own account
    "accounts:department_list": R(),
    "accounts:department_create": W(),
    "accounts:team_home": R(),
    "accounts:team": W(code="team_department"),
    "accounts:team_template": R({"code": "team_department"}),
    "accounts:team_import": W(code="team_department"),
    "accounts:member_deactivate": W(code="team_department", user_pk="team_member"),
    "accounts:invitation_resend": W(code="team_department", pk="invitation"),
    "accounts:invitation_cancel": W(code="team_department", pk="invitation"),
    "accounts:account": R(),
    # publication (internal side)
    "publication_admin:snapshot_list": R(),
    "publication_admin:snapshot_prepare": W(site_code="site"),
    "publication_admin:snapshot_detail": R({"pk": "snapshot"}),
    "publication_admin:snapshot_publish": W(pk="snapshot"),
    "publication_admin:snapshot_withdraw": W(pk="snapshot"),
    "publication_admin:snapshot_delete": W(pk="snapshot"),
}

# Lists that show rows of every scope to the administrator (the control of the marker check: a list that
# shows nothing would pass it vacuously). The social media register has no text to carry a marker. The
# committee's dashboard shows one département at a time (the administrator chooses it: reports' tests), so
# it is checked for leaks only, as every page.
LISTS_OF_ROWS = {
    "home",
    "audits:audit_list",
    "audits:audit_export",
    "audits:finding_list",
    "audits:finding_export",
    "surveys:campaign_list",
    "surveys:campaign_list_export",
    "complaints:correspondence_list",
    "complaints:correspondence_export",
    "complaints:model_answer_list",
    "actionplans:action_list",
    "actionplans:action_board",
    "actionplans:loop",
    "actionplans:action_export",
    "actionplans:plan_list",
    "indicators:indicator_list",
    "indicators:measurement_list",
    "indicators:measurement_export",
    "indicators:api_client_list",
    "steering:committee_list",
    "steering:meeting_list",
    "steering:calendar",
    "steering:calendar_list",
    "steering:document_list",
    "steering:training_list",
    "steering:training_export",
    "steering:register_entries",
    "reports:index",
}
UNMARKED = {"=reseaux-sociaux"}

# Patterns outside the matrix, each with its reason (and its own test where it has one).
PUBLIC = {
    "publication:index": "public pages of the published snapshots (test_public_pages_show_nothing_internal)",
    "publication:open_data": "public documentation of the open data files",
    "publication:department": "public page of a département (published snapshots only)",
    "publication:site": "public page of a site (its published snapshot only)",
    "publication:poster": "public poster of a site's published snapshot",
    "publication:data_csv": "public open data of a site's published snapshot",
    "publication:data_json": "public open data of a site's published snapshot",
    "complaints_public:request_form": "public complaint form (writes only a new request of the site)",
    "complaints_public:correspondence_thanks": "public thank-you page after a complaint",
    "surveys_public:start": "public online questionnaire of a site's open campaign",
    "surveys_public:thanks": "public thank-you page after the questionnaire",
    "surveys_public:questionnaire": "public online questionnaire of a unit of an open campaign",
    "steering_public:calendar_feed": "iCalendar feed authenticated by its owner's secret token "
    "(test_the_calendar_feed_shows_only_its_owners_scope)",
    "accounts:invitation_accept": "the invitation link: its secret single-use token names the invitation "
    "(accounts/tests/test_team.py)",
    "accounts:password_reset": "forgotten password: the same answer whatever the address (no enumeration)",
    "accounts:password_reset_done": "forgotten password: the page saying a link may have been sent",
    "accounts:password_reset_confirm": "forgotten password: Django's signed token names the account",
    "accounts:password_reset_complete": "forgotten password: the page saying it is done",
}
ALLOWED = {
    **PUBLIC,
    "healthz": "health check for the load balancer: no data (tests/test_healthz.py)",
    "login": "login page (public by nature)",
    "logout": "logout (POST, ends the session only)",
    "steering:feed_settings": "the user's own calendar token (no row of any scope)",
    "steering:feed_regenerate": "renews the user's own calendar token (no row of any scope)",
    "steering:feed_revoke": "revokes the user's own calendar token (no row of any scope)",
    "complaints:request_export_moved": "old address of the export: a 301 to the new one",
    "indicators:measurement_export_moved": "old address of the export: a 301 to the new one",
    "accounts:password_change": "changes the user's own password (no row of any scope)",
    "accounts:password_change_done": "says the user's own password was changed",
    "imports:run_detail": "the follow-up of the user's own background import: 404 to anyone else "
    "(qualipref/tests/test_imports.py)",
}
# The JSON API: authenticated by its client's token, never by the session. Each URL is requested with the
# token of each scope's client (test_api_matrix), without a token, and by every logged-in persona
# (test_the_api_ignores_the_session).
API_MATRIX = {
    "indicators_api:measurements": "POST a measurement of each scope's indicator on each scope's site",
    "indicators_api:schema": "OpenAPI schema: documentation, the same for everyone, no row of any scope",
}
ADMIN_NAMESPACE = "admin"  # Django's admin site: staff only (test_the_admin_site_is_for_staff_only)


# ---- the URL resolver ------------------------------------------------------------------------------------


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, qualified name, namespace) of every pattern of the project, through every include."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            yield from url_patterns(
                p.url_patterns, prefix + str(p.pattern), f"{namespace}:{ns}".strip(":") if ns else namespace
            )
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield prefix + str(p.pattern), name, namespace


def test_every_url_pattern_is_in_the_matrix():
    patterns = list(url_patterns())
    assert len(patterns) > len(MATRIX)
    missing = [
        f"{route} ({name or 'unnamed'})"
        for route, name, namespace in patterns
        if name not in MATRIX
        and name not in API_MATRIX
        and name not in ALLOWED
        and namespace != ADMIN_NAMESPACE
    ]
    assert not missing, "URL patterns neither in the access matrix nor allowed with a reason:\n" + "\n".join(
        missing
    )
    names = {name for _, name, _ in patterns}
    stale = sorted((set(MATRIX) | set(API_MATRIX) | set(ALLOWED)) - names)
    assert not stale, f"The matrix names patterns that no longer exist: {stale}"
    assert set(SITE_WRITERS_MAY) | LISTS_OF_ROWS <= set(MATRIX)


# ---- the data, built once for the module --------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The organisation, the personas (logged in once), and rows of every kind in both scopes."""
    media = tmp_path_factory.mktemp("matrix-media")
    fast_hash = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast_hash),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        org = factories.build_organisation()
        referential = load_referential(DEFAULT_FILE).referential
        # Services Publics+ and its crosswalk from Qualipref 2.0: the crosswalk page has both to show.
        load_referential(DEFAULT_FILE.with_name("services-publics-plus.yaml"))
        load_crosswalk()
        users = {name: factories.named_persona(org, name) for name in LOGGED_IN}
        admin = users["admin"]
        scopes = {
            "aix": access_data.build_scope(
                site=org.aix,
                marker=MARKERS["aix"][0],
                department_marker=MARKERS["aix"][1],
                referential=referential,
                by=admin,
            ),
            "vaucluse": access_data.build_scope(
                site=org.avignon,
                marker=MARKERS["vaucluse"][0],
                department_marker=MARKERS["vaucluse"][1],
                referential=referential,
                by=admin,
            ),
        }
        clients = {"anonymous": Client()}
        for name, user in users.items():
            clients[name] = Client()
            clients[name].force_login(user)
        yield {
            "media": media,
            "org": org,
            "users": users,
            "scopes": scopes,
            "clients": clients,
            "referential": referential,
        }
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, world):
    """The module's files (attachments, versions, reports) stay readable by every test of the module."""
    settings.MEDIA_ROOT = world["media"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# ---- the database checksum ------------------------------------------------------------------------------

# Tables a request may write without changing any data: the sessions of the logged-in clients.
UNWATCHED_TABLES = {"django_session"}


def _tables():
    tables = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    return sorted(tables - UNWATCHED_TABLES)


def checksum() -> dict[str, str]:
    """One md5 per table over all its rows: any insert, update or delete changes it (`tests.hostile`: on
    PostgreSQL only the tables the test's transaction wrote since are read again)."""
    from tests.hostile import checksums_of

    return checksums_of(_tables())


def test_the_checksum_sees_any_change(world):
    from complaints.models import Correspondence

    before = checksum()
    Correspondence.objects.filter(pk=world["scopes"]["aix"].request.pk).update(subject="Autre objet")
    assert changed_tables(before, checksum()) == ["complaints_correspondence"]


def changed_tables(before, after):
    return sorted(name for name in before if before[name] != after[name])


# ---- the cases -------------------------------------------------------------------------------------------


def _cases():
    for name, rows in MATRIX.items():
        rows = rows if isinstance(rows, list) else [rows]
        for i, row in enumerate(rows):
            suffix = f"[{i}]" if len(rows) > 1 else ""
            if row.level is None:
                yield pytest.param(name, row, None, id=f"{name}{suffix}")
            else:
                for scope in ("aix", "vaucluse"):
                    yield pytest.param(name, row, scope, id=f"{name}{suffix}@{scope}")


def _kwargs(world, row, scope):
    data = world["scopes"][scope] if scope else None
    kwargs = {}
    for key, value in row.kwargs.items():
        if value.startswith("="):
            kwargs[key] = value[1:]
        elif value == "referential":
            kwargs[key] = world["referential"].pk
        elif value == "site":
            kwargs[key] = data.site.code
        elif value == "team_department":
            kwargs[key] = data.department.code
        elif value == "register":
            kwargs[key] = data.registers[row.kwargs["slug"][1:]].pk
        else:
            kwargs[key] = getattr(data, value).pk
    return kwargs


def _is_login_redirect(response, url):
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def _text(response) -> str:
    """The text of a page or of an Excel export (the markers are looked for in it)."""
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        body = b"".join(response.streaming_content) if response.streaming else response.content
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for line in sheet.iter_rows(values_only=True)
            for cell in line
        )
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


@pytest.mark.parametrize(("name", "row", "scope"), list(_cases()))
def test_access_matrix(world, name, row, scope):
    clients = world["clients"]
    url = reverse(name, kwargs=_kwargs(world, row, scope))
    problems = []
    before = checksum()
    done = []  # who requested what, to name the culprits if the database changed

    def check_unchanged(who, method):
        done.append(f"{who} {method}")

    # the anonymous visitor: the login page, for reads and writes alike
    for method in ("get", "post"):
        response = getattr(clients["anonymous"], method)(url)
        if not _is_login_redirect(response, url):
            problems.append(f"anonymous {method.upper()} {url}: {response.status_code}, not the login page")
    check_unchanged("anonymous", "GET/POST")

    # the control: the administrator reaches the row (or the page)
    response = clients["admin"].get(url)
    admin_status = response.status_code
    if admin_status not in (200, 302, 405):
        problems.append(f"admin GET {url}: {admin_status} (the control must reach the page)")
    check_unchanged("admin", "GET")

    if scope is not None:
        # outsiders of the row's scope learn nothing: 404, whatever the method
        for persona in LOGGED_IN:
            if scope not in foreign_scopes(persona, row.level):
                continue
            get_expected = 405 if admin_status == 405 else 404
            status = clients[persona].get(url).status_code
            if status != get_expected:
                problems.append(f"{persona} GET {url}: {status}, expected {get_expected}")
            # a read-only view (require_GET) answers 405 to any POST, before looking for the row
            post_expected = (404,) if row.write else (404, 405)
            status = clients[persona].post(url).status_code
            if status not in post_expected:
                problems.append(f"{persona} POST {url}: {status}, expected {post_expected}")
            check_unchanged(persona, "GET/POST")
    else:
        # a page of the persona's own scope: none of another scope's rows
        if name in LISTS_OF_ROWS and not UNMARKED & set(row.kwargs.values()):
            text = _text(response)
            for scope_name, markers in MARKERS.items():
                if not any(m in text for m in markers):
                    problems.append(f"admin GET {url} shows no row of {scope_name}: the control fails")
        for persona in LOGGED_IN:
            response = clients[persona].get(url)
            if response.status_code >= 500:
                problems.append(f"{persona} GET {url}: {response.status_code}")
                continue
            if response.status_code == 200:
                text = _text(response)
                leaked = sorted(m for m in forbidden_markers(persona) if m in text)
                if leaked:
                    problems.append(f"{persona} GET {url} shows rows of another scope: {leaked}")
            check_unchanged(persona, "GET")

    if row.write and scope in (None, "aix"):
        # read-only roles inside the scope: 403, and nothing written
        read_only = READ_ONLY
        if row.level == "department" and scope == "aix" and name not in SITE_WRITERS_MAY:
            read_only += (SITE_WRITER,)
        for persona in read_only:
            response = clients[persona].post(url)
            if response.status_code != 403:
                problems.append(f"{persona} (may not write it) POST {url}: {response.status_code}, not 403")
            check_unchanged(persona, "POST")

    # one checksum for the whole case (one per request would triple the matrix's time)
    after = checksum()
    if after != before:
        problems.append(f"{url}: tables {changed_tables(before, after)} changed after: {', '.join(done)}")
    assert not problems, "\n".join(problems)


# ---- the patterns outside the matrix -------------------------------------------------------------------


def test_model_answers_are_kept_by_the_departments_quality_managers(world):
    clients = world["clients"]
    create = reverse("complaints:model_answer_create")
    edit = reverse("complaints:model_answer_edit", kwargs={"pk": world["scopes"]["aix"].model_answer.pk})
    before = checksum()
    for url in (create, edit):
        assert clients["arles_referent"].get(url).status_code == 403
        assert clients["arles_referent"].post(url, {"title": "x", "body": "y"}).status_code == 403
        assert clients["quality_manager"].get(url).status_code == 200
    assert checksum() == before


def test_the_admin_site_is_for_staff_only(world):
    for persona in LOGGED_IN:
        response = world["clients"][persona].get("/admin/")
        if persona == "admin":
            assert response.status_code == 200
        else:
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), persona


def test_the_api_ignores_the_session(world):
    """A logged-in user without a token writes nothing through the API."""
    before = checksum()
    for persona in LOGGED_IN:
        response = world["clients"][persona].post(
            "/api/indicators/measurements/", data="{}", content_type="application/json"
        )
        assert response.status_code == 401, persona
    assert checksum() == before


def _api_post(world, token, scope, site_scope):
    """POST one measurement of `scope`'s indicator on `site_scope`'s site with `token`."""
    data = world["scopes"]
    body = {
        "indicator": data[scope].indicator.code,
        "site": data[site_scope].site.code,
        "period": "2015-05",
        "value": 70,
    }
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().post(
        reverse("indicators_api:measurements"), data=body, content_type="application/json", **headers
    )


@pytest.mark.parametrize("client_scope", ["aix", "vaucluse"])
def test_api_matrix(world, client_scope):
    """A client writes only on its own sites: another scope's site answers 403, another département's
    indicator is unknown to it (400), no token 401, a GET 405; nothing is written but its own
    measurement. The schema shows no row of any scope."""
    token = world["scopes"][client_scope].api_token
    other = {"aix": "vaucluse", "vaucluse": "aix"}[client_scope]
    # a call with a valid token stamps the client's last use, whatever its answer: not a data change
    stamp = {"indicators_apiclient"}
    before = checksum()
    assert _api_post(world, None, client_scope, client_scope).status_code == 401
    assert _api_post(world, token, client_scope, other).status_code == 403
    assert _api_post(world, token, other, other).status_code == 400
    assert _api_post(world, token, other, client_scope).status_code == 400
    get = Client().get(reverse("indicators_api:measurements"), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert get.status_code == 405
    assert set(changed_tables(before, checksum())) - stamp == set()
    assert _api_post(world, token, client_scope, client_scope).status_code == 201
    assert set(changed_tables(before, checksum())) - stamp == {
        "indicators_measurement",
        "indicators_historicalmeasurement",
    }
    schema = _text(Client().get(reverse("indicators_api:schema")))
    assert not [m for markers in MARKERS.values() for m in markers if m in schema]


def test_public_pages_show_nothing_internal(world):
    """The Aix snapshot published: the public pages show its figures, never a complainant, a note or
    another département's rows."""
    from publication import services as publication_services

    aix, vaucluse = world["scopes"]["aix"], world["scopes"]["vaucluse"]
    publication_services.snapshot_publish(snapshot=aix.snapshot, by=world["users"]["admin"])
    anonymous = Client()
    internal = [
        *(
            text
            for s in (aix, vaucluse)
            for text in (
                s.request.requester_name,
                s.request.requester_contact,
                s.request.description,
                s.request.subject,
                s.finding.title,
                s.action.title,
                s.meeting.title,
            )
        ),
        MARKERS["vaucluse"][0],
        MARKERS["vaucluse"][1],
        "Avignon",
    ]
    urls = [
        reverse("publication:index"),
        reverse("publication:open_data"),
        reverse("publication:department", kwargs={"code": "13"}),
        reverse("publication:site", kwargs={"site_code": aix.site.code}),
        reverse("publication:data_csv", kwargs={"site_code": aix.site.code}),
        reverse("publication:data_json", kwargs={"site_code": aix.site.code}),
        reverse("complaints_public:request_form", kwargs={"site_code": aix.site.code}),
        reverse("surveys_public:start", kwargs={"site_code": aix.site.code}),
    ]
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        leaked = [t for t in internal if t and t in text]
        assert not leaked, f"{url} shows {leaked}"
    # the unpublished Vaucluse site shows none of its rows
    for url in (
        reverse("publication:site", kwargs={"site_code": vaucluse.site.code}),
        reverse("publication:data_json", kwargs={"site_code": vaucluse.site.code}),
    ):
        response = anonymous.get(url)
        assert response.status_code == 200, url  # the page says nothing is published yet
        text = _text(response)
        assert not [t for t in internal if t != "Avignon" and t in text], url


def test_the_calendar_feed_shows_only_its_owners_scope(world):
    from steering import services as steering_services

    token = steering_services.feed_token_regenerate(user=world["users"]["arles_referent"])
    response = Client().get(reverse("steering_public:calendar_feed", kwargs={"token": token.token}))
    assert response.status_code == 200
    text = _text(response)
    assert "ZQAIX" not in text and "ZQAVIGNON" not in text and "ZQVAUCLUSE" not in text
    assert (
        Client().get(reverse("steering_public:calendar_feed", kwargs={"token": "x" * 40})).status_code == 404
    )
