"""Bad input everywhere (issue 11, part 3): hostile values posted to every form of the project and to the
JSON API must never raise (no 500), must be refused with a clear French message and leave every table
unchanged; when a post happens to be valid, the answer is a success, the data round-trips unchanged and
any HTML in it is escaped where it is shown.

How it works
- The demo data (`load_demo`) is loaded once for the module, in a transaction rolled back at the end;
  each test runs in a savepoint, each Hypothesis example in another one, rolled back.
- ENDPOINTS lists every URL that takes user input, with the page that renders its form; the form's fields
  are read from that page (tests/hostile.py), so new fields are attacked without any change here.
- `test_every_url_is_classified` enumerates the URL resolver: a new URL fails it until it is added to
  ENDPOINTS (attacked) or to NO_INPUT / READ_ONLY (with the reason it takes no input).
- The internal forms are posted by the quality manager (`qualite`, who may write everywhere in 13); the
  public forms anonymously.

Examples are derandomised (same inputs on every run; HYPOTHESIS_PROFILE=explore draws new ones).
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import itertools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import hostile as h

settings.register_profile(
    "bad-input",
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
settings.register_profile("explore", parent=settings.get_profile("bad-input"), derandomize=False)
PROFILE = settings.get_profile(
    "explore" if os.environ.get("HYPOTHESIS_PROFILE") == "explore" else "bad-input"
)

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


# ---- the demo data, once for the module ------------------------------------------------------------------


def _pick():
    """The rows the forms are posted about: département 13, states in which the forms are offered."""
    from accounts.models import Invitation, token_hash
    from actionplans import services as action_services
    from actionplans.models import Action
    from audits.models import Audit, Finding
    from complaints.models import Correspondence, ModelAnswer
    from indicators.models import Indicator
    from publication import collect
    from publication import services as publication_services
    from sites.models import Site, User
    from steering.models import (
        Agent,
        Committee,
        CrisisExercise,
        Deadline,
        Decision,
        Document,
        LabelEvent,
        Meeting,
        Newsletter,
        PressRelease,
        SocialMediaCount,
    )
    from surveys.models import Campaign, SurveyUnit

    bdr = {"entity__department__code": "13"}
    qualite = User.objects.get(username="qualite")
    arles = Site.objects.get(code="arles")
    renewal = Audit.objects.filter(kind="renewal", status="planned", **bdr).order_by("pk").first()
    self_assessment = (
        Audit.objects.filter(kind="self_assessment", status="planned", **bdr).order_by("pk").first()
    )
    finding = (
        Finding.objects.filter(audit__isnull=False, finding_type__code__startswith="nc", **bdr)
        .order_by("pk")
        .first()
    ) or Finding.objects.filter(audit__isnull=False, **bdr).order_by("pk").first()
    campaign = Campaign.objects.get(status="open", department__code="13", population="users")
    unit = SurveyUnit.objects.filter(campaign=campaign, site=arles).get()
    complaint = (
        Correspondence.objects.filter(status="received", site__entity__department__code="13")
        .order_by("pk")
        .first()
    )
    action = Action.objects.filter(status="planned", **bdr).order_by("pk").first()
    plan = action_services.plan_create(
        by=qualite, entity=action.entity, year=timezone.localdate().year + 1, title="Plan de test", notes=""
    )
    snapshot = publication_services.snapshot_prepare(
        site=arles,
        start=dt.date(2015, 1, 1),
        end=dt.date(2015, 12, 31),
        families=[code for code, _ in collect.FAMILIES if code != collect.SATISFACTION],
        campaign=None,
        by=qualite,
    )
    registers = {
        "communiques": PressRelease,
        "exercices": CrisisExercise,
        "lettres": Newsletter,
        "reseaux-sociaux": SocialMediaCount,
        "evenements": LabelEvent,
    }
    # an invitation whose link the anonymous form is posted to
    invitation_token = "jeton-du-test-des-saisies-hostiles"
    Invitation.objects.create(
        email="invitee.hostile@exemple.gouv.fr",
        role="agent",
        department=arles.entity.department,
        entity=arles.entity,
        site=arles,
        token_hash=token_hash(invitation_token),
        expires_at=timezone.now() + dt.timedelta(days=7),
        invited_by=qualite,
    )
    return SimpleNamespace(
        admin=User.objects.get(username="admin"),
        invitation_token=invitation_token,
        qualite=qualite,
        arles=arles,
        renewal=renewal,
        self_assessment=self_assessment,
        finding=finding,
        campaign=campaign,
        unit=unit,
        complaint=complaint,
        model_answer=ModelAnswer.objects.filter(department__code="13").order_by("pk").first(),
        action=action,
        plan=plan,
        indicator=Indicator.objects.filter(department__code="13", formula="measured").order_by("pk").first(),
        committee=Committee.objects.filter(department__code="13").order_by("pk").first(),
        meeting=Meeting.objects.filter(department__code="13").order_by("pk").first(),
        decision=Decision.objects.filter(department__code="13").order_by("pk").first(),
        deadline=Deadline.objects.filter(department__code="13").order_by("pk").first(),
        document=Document.objects.filter(department__code="13").order_by("pk").first(),
        agent=Agent.objects.filter(site__entity__department__code="13").order_by("pk").first(),
        snapshot=snapshot,
        register_entries={
            slug: model.objects.filter(department__code="13").order_by("pk").first()
            for slug, model in registers.items()
        },
    )


@pytest.fixture(scope="module")
def demo(_demo_module, django_db_blocker):
    """The objects of the session's demo data that the endpoints act on; rows written while picking them
    (the snapshot) are rolled back at the end of the module."""
    with override_settings(MEDIA_ROOT=_demo_module.media), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            objects = _pick()
            yield objects
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# ---- the endpoints that take input --------------------------------------------------------------------


def _attachment():
    pdf = h.SimpleUploadedFile("preuve.pdf", b"%PDF-1.4\n% une preuve\n")
    return st.one_of(st.just(pdf), h.garbage_file(), st.just(h.ABSENT))


@dataclass
class Endpoint:
    name: str
    kwargs: Callable = lambda d: {}
    page: str | None = None  # URL name of the page that renders the form (default: the endpoint)
    page_kwargs: Callable | None = None  # default: the endpoint's kwargs
    anonymous: bool = False
    fixed: dict = field(default_factory=dict)  # field → value always posted (honeypots)
    files: dict = field(default_factory=dict)  # file field → "attachment" or the import template's URL name
    template_kwargs: Callable = lambda d: {}
    not_stored: set = field(default_factory=set)  # text fields that are not stored verbatim
    success_status: tuple = (302, 303)
    examples: int = 10
    label: str = ""
    fields: list | None = None  # when the page may not show the form (it depends on the data)
    user: str = "qualite"  # the attribute of `demo` naming who posts (the internal forms)

    @property
    def id(self):
        return self.label or self.name


ATTACH = {"file": "attachment"}
pk = lambda attr: lambda d: {"pk": getattr(d, attr).pk}  # noqa: E731

ENDPOINTS = [
    Endpoint("login", anonymous=True),
    # organisation
    Endpoint("sites:entity_create"),
    Endpoint("sites:entity_edit", lambda d: {"pk": d.arles.entity_id}),
    Endpoint("sites:site_create"),
    Endpoint("sites:site_edit", lambda d: {"code": d.arles.code}),
    Endpoint("sites:reception_point_create", lambda d: {"code": d.arles.code}),
    Endpoint("sites:reception_point_edit", lambda d: {"pk": d.arles.reception_points.order_by("pk")[0].pk}),
    Endpoint("sites:organisation_import", files={"file": "sites:organisation_template"}),
    # audits
    Endpoint("audits:audit_create"),
    Endpoint("audits:self_assessments_schedule", page="audits:audit_list"),
    Endpoint("audits:audit_edit", pk("renewal")),
    Endpoint("audits:audit_status", pk("renewal"), page="audits:audit_detail"),
    Endpoint("audits:audit_report_edit", pk("renewal")),
    Endpoint("audits:plan_line_add", pk("renewal"), page="audits:audit_detail"),
    Endpoint("audits:audit_attachment_add", pk("renewal"), page="audits:audit_detail", files=ATTACH),
    Endpoint("audits:checklist", pk("self_assessment"), examples=5),
    Endpoint("audits:finding_create", pk("renewal")),
    Endpoint("audits:findings_import", pk("renewal"), files={"file": "audits:findings_import_template"}),
    Endpoint("audits:general_finding_create"),
    Endpoint("audits:finding_edit", pk("finding")),
    Endpoint("audits:finding_status", pk("finding"), page="audits:finding_detail"),
    Endpoint("audits:finding_attachment_add", pk("finding"), page="audits:finding_detail", files=ATTACH),
    Endpoint("audits:gap_sheet_edit", pk("finding")),
    # surveys
    Endpoint("surveys:campaign_create"),
    Endpoint("surveys:campaign_update", pk("campaign")),
    Endpoint("surveys:campaign_transition", pk("campaign"), page="surveys:campaign_detail"),
    Endpoint("surveys:campaign_criteria", pk("campaign")),
    Endpoint("surveys:campaign_results", pk("campaign")),
    Endpoint(
        "surveys:campaign_import",
        pk("campaign"),
        files={"file": "surveys:campaign_import_template"},
        template_kwargs=pk("campaign"),
    ),
    Endpoint("surveys:unit_create", pk("campaign"), not_stored={"strengths", "vigilance"}),
    Endpoint("surveys:unit_update", pk("unit"), not_stored={"strengths", "vigilance"}),
    # complaints
    Endpoint("complaints:correspondence_create"),
    Endpoint("complaints:correspondence_import", files={"file": "complaints:import_template"}),
    Endpoint("complaints:model_answer_create"),
    Endpoint("complaints:model_answer_edit", pk("model_answer")),
    Endpoint("complaints:correspondence_edit", pk("complaint")),
    Endpoint("complaints:correspondence_answer", pk("complaint")),
    Endpoint(
        "complaints:correspondence_attach",
        pk("complaint"),
        page="complaints:correspondence_detail",
        files=ATTACH,
    ),
    *[
        Endpoint(
            "complaints:correspondence_transition",
            lambda d, to=to: {"pk": d.complaint.pk, "to": to},
            page="complaints:correspondence_detail",
            page_kwargs=pk("complaint"),
            label=f"complaints:correspondence_transition:{to}",
            not_stored={"reason"},  # kept for a suspension only
            examples=8,
        )
        for to in ("acknowledged", "waiting")
    ],
    # action plans
    Endpoint("actionplans:action_create"),
    Endpoint("actionplans:action_update", pk("action")),
    Endpoint(
        "actionplans:action_transition",
        pk("action"),
        page="actionplans:action_detail",
        not_stored={"cancel_reason", "verification_note"},  # kept only for the matching target
    ),
    Endpoint("actionplans:action_progress", pk("action"), page="actionplans:action_detail"),
    Endpoint("actionplans:action_comment", pk("action"), page="actionplans:action_detail"),
    Endpoint("actionplans:action_evidence", pk("action"), page="actionplans:action_detail", files=ATTACH),
    Endpoint("actionplans:plan_create"),
    Endpoint("actionplans:plan_transition", pk("plan"), page="actionplans:plan_detail"),
    Endpoint("actionplans:plan_import", pk("plan"), files={"file": "actionplans:import_template"}),
    # indicators
    Endpoint("indicators:indicator_create"),
    Endpoint("indicators:indicator_edit", pk("indicator")),
    Endpoint("indicators:target_create", pk("indicator"), page="indicators:indicator_detail"),
    Endpoint("indicators:measurement_create"),
    Endpoint("indicators:measurement_import", files={"file": "indicators:import_template"}),
    Endpoint("indicators:api_client_create", success_status=(200,)),
    # steering
    Endpoint("steering:committee_create"),
    Endpoint("steering:committee_update", pk("committee")),
    Endpoint("steering:member_add", pk("committee"), page="steering:committee_detail"),
    Endpoint("steering:meeting_create", pk("committee"), not_stored={"other_attendees"}),
    Endpoint("steering:meeting_update", pk("meeting"), not_stored={"other_attendees"}),
    Endpoint("steering:meeting_attach", pk("meeting"), page="steering:meeting_detail", files=ATTACH),
    Endpoint("steering:decision_create", pk("meeting"), page="steering:meeting_detail"),
    Endpoint("steering:decision_update", pk("decision")),
    Endpoint("steering:deadline_create"),
    Endpoint("steering:deadline_update", pk("deadline")),
    Endpoint(
        "steering:occurrence_done",
        pk("deadline"),
        page="steering:deadline_detail",
        # the form shows only next to a past occurrence not yet done: its fields, as the page renders them
        fields=[
            h.Field("occurrence", "hidden", options=["2015-06-01"], initial=["2015-06-01"]),
            h.Field("note", "text", maxlength=255),
        ],
    ),
    Endpoint("steering:document_create"),
    Endpoint("steering:document_update", pk("document")),
    Endpoint("steering:document_status", pk("document"), page="steering:document_detail"),
    Endpoint("steering:document_review", pk("document"), page="steering:document_detail"),
    Endpoint("steering:version_add", pk("document"), files=ATTACH),
    Endpoint("steering:training_import", files={"file": "steering:training_import_template"}),
    Endpoint("steering:agent_create"),
    Endpoint("steering:agent_update", pk("agent")),
    Endpoint("steering:training_add", pk("agent"), page="steering:agent_detail"),
    Endpoint("steering:press_import", files={"file": "steering:press_import_template"}),
    *[
        Endpoint(
            "steering:register_create",
            lambda d, s=slug: {"slug": s},
            label=f"steering:register_create:{slug}",
            examples=10,
        )
        for slug in ("communiques", "exercices", "lettres", "reseaux-sociaux", "evenements")
    ],
    *[
        Endpoint(
            "steering:register_update",
            lambda d, s=slug: {"slug": s, "pk": d.register_entries[s].pk},
            label=f"steering:register_update:{slug}",
            examples=10,
        )
        for slug in ("communiques", "exercices", "lettres", "reseaux-sociaux", "evenements")
    ],
    # reports, dashboard, publication
    Endpoint("dashboard:pack_list"),
    Endpoint("dashboard:pack_request", page="dashboard:index"),
    Endpoint("reports:index"),
    Endpoint("publication_admin:snapshot_prepare", lambda d: {"site_code": d.arles.code}),
    Endpoint("publication_admin:snapshot_publish", pk("snapshot"), page="publication_admin:snapshot_detail"),
    # accounts: a new département (the platform administrator), the team, the invitation link, one's account
    Endpoint("accounts:department_create", user="admin", not_stored={"code"}),
    Endpoint("accounts:team", lambda d: {"code": "13"}),
    Endpoint(
        "accounts:team_import",
        lambda d: {"code": "13"},
        files={"file": "accounts:team_template"},
        template_kwargs=lambda d: {"code": "13"},
    ),
    Endpoint("accounts:invitation_accept", lambda d: {"token": d.invitation_token}, anonymous=True),
    Endpoint("accounts:account"),
    Endpoint("accounts:password_change"),
    # public forms
    Endpoint(
        "complaints_public:request_form",
        lambda d: {"site_code": d.arles.code},
        anonymous=True,
        fixed={"website": ""},
    ),
    Endpoint(
        "surveys_public:questionnaire",
        lambda d: {"site_code": d.arles.code, "unit_code": d.unit.code},
        anonymous=True,
        fixed={"site_web": ""},
    ),
]

# POSTs that take no input beyond the URL (delete, revoke, confirm): their rights are the access matrix's.
NO_INPUT = {
    "logout": "log out",
    "accounts:invitation_resend": "send a new link",
    "accounts:invitation_cancel": "cancel an invitation",
    "accounts:member_deactivate": "end a person's access (GET shows the confirmation)",
    "audits:plan_line_delete": "delete a line",
    "indicators:target_delete": "delete a target",
    "indicators:api_client_revoke": "revoke a token",
    "steering:member_remove": "remove a member",
    "steering:feed_regenerate": "new feed token",
    "steering:feed_revoke": "revoke the feed token",
    "steering:version_make_current": "make a version current",
    "steering:training_delete": "delete a training",
    "steering:register_delete": "delete an entry",
    "actionplans:plan_next": "open next year's plan",
    "reports:run_retry": "retry a failed run",
    "publication_admin:snapshot_withdraw": "withdraw a publication",
    "publication_admin:snapshot_delete": "delete a draft (GET shows the confirmation)",
}
# Pages and downloads: a POST to them (tested below) must change nothing.
READ_ONLY = {
    "home", "healthz", "sites:organisation", "sites:entity_detail", "sites:site_detail",
    "sites:organisation_template", "setup:example",
    "referential:index", "referential:detail", "referential:crosswalk", "audits:audit_list",
    "audits:audit_export",
    "audits:audit_detail", "audits:audit_pdf", "audits:finding_list", "audits:finding_export",
    "audits:findings_import_template", "audits:finding_detail", "audits:gap_sheet_print",
    "audits:gap_sheet_pdf", "audits:readiness", "audits:readiness_entity", "audits:cycle_comparison",
    "surveys:campaign_list", "surveys:campaign_list_export", "surveys:campaign_detail",
    "surveys:campaign_comparison", "surveys:campaign_charts", "surveys:campaign_import_template",
    "surveys:campaign_export", "surveys:unit_detail", "surveys:unit_qr", "surveys:unit_poster",
    "complaints:correspondence_list", "complaints:correspondence_export", "complaints:import_template",
    "complaints:model_answer_list", "complaints:correspondence_detail", "actionplans:action_list",
    "actionplans:action_board", "actionplans:my_actions", "actionplans:loop", "actionplans:action_export",
    "actionplans:action_detail", "actionplans:plan_list", "actionplans:import_template",
    "actionplans:plan_detail", "actionplans:plan_export", "indicators:indicator_list",
    "indicators:indicator_detail", "indicators:measurement_list", "indicators:measurement_export",
    "indicators:import_template", "indicators:api_client_list", "steering:committee_list",
    "steering:committee_detail", "steering:meeting_list", "steering:meeting_detail",
    "steering:meeting_pdf", "steering:decision_detail", "steering:calendar", "steering:calendar_list",
    "steering:feed_settings", "steering:deadline_detail", "steering:document_list",
    "steering:document_detail", "steering:version_download", "steering:training_list",
    "steering:training_export", "steering:training_import_template", "steering:agent_detail",
    "steering:register_list", "steering:press_import_template", "steering:register_entries",
    "steering:register_detail", "dashboard:index", "dashboard:trend", "dashboard:department_trend",
    "dashboard:history",
    "reports:run_detail", "reports:run_download", "attachments:download", "imports:run_detail",
    "publication_admin:snapshot_list", "publication_admin:snapshot_detail", "indicators_api:schema",
    "surveys_public:start", "surveys_public:thanks", "complaints_public:correspondence_thanks",
    "steering_public:calendar_feed", "publication:index", "publication:open_data",
    "publication:department", "publication:site", "publication:poster", "publication:data_csv",
    "publication:data_json", "complaints:request_export_moved", "indicators:measurement_export_moved",
    "accounts:department_list", "accounts:team_home", "accounts:team_template",
    "accounts:password_reset_done", "accounts:password_reset_complete", "accounts:password_change_done",
}  # fmt: skip
SEPARATE = {
    "indicators_api:measurements": "test_the_measurements_api_*",
    "referential:switch": "referential/tests/test_switch.py (a refused switch changes nothing)",
    "referential:edit": "referential/tests/test_editing.py (a bad value, named in French, changes nothing)",
    "setup:settings": "reports/tests/test_setup.py (deadlines of 0 or 400 days, a made-up days kind: refused "
    "in French, nothing changes)",
    "accounts:password_reset": "accounts/tests/test_passwords.py (the same answer whatever the address: "
    "no enumeration, so a valid address sends mail without changing a row)",
    "accounts:password_reset_confirm": "accounts/tests/test_passwords.py (Django's signed token, once)",
}


def _url_patterns(patterns=None, namespace=""):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            if ns != "admin:":
                yield from _url_patterns(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", p


def _reads_input(callback) -> bool:
    source = inspect.getsource(getattr(callback, "view_class", callback))
    return any(s in source for s in ("request.POST", "request.FILES", "request.body", "require_POST"))


def test_every_url_is_classified():
    """A new URL must be attacked (ENDPOINTS) or declared free of input (NO_INPUT, READ_ONLY)."""
    names = {name for name, _ in _url_patterns()}
    attacked = {e.name for e in ENDPOINTS} | set(SEPARATE)
    classified = attacked | set(NO_INPUT) | READ_ONLY
    assert not names - classified, f"URLs not covered by the bad-input test: {sorted(names - classified)}"
    assert not classified - names, f"Unknown URL names in the bad-input test: {sorted(classified - names)}"
    assert not attacked & (set(NO_INPUT) | READ_ONLY)
    # A view reading the POST body cannot be declared read-only.
    readers = {name for name, p in _url_patterns() if _reads_input(p.callback)}
    assert not readers & READ_ONLY, f"These views read POST data: {sorted(readers & READ_ONLY)}"


# ---- posting hostile forms ------------------------------------------------------------------------------

_addresses = itertools.count(1)


def _template(client, name, kwargs):
    from openpyxl import load_workbook

    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, name
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    headers = [str(v) for v in rows[0] if v is not None]
    example = list(rows[1][: len(headers)]) if len(rows) > 1 else [""] * len(headers)
    return headers, example


def _benign_texts(fields, payload, hostile, endpoint):
    for f in fields:
        value = payload.get(f.name)
        if (
            f.kind in ("text", "textarea")
            and f.name not in hostile
            and f.name not in endpoint.not_stored
            and not f.disabled
            and isinstance(value, str)
            and value.strip()
            and value != (f.initial[0] if f.initial else None)
        ):
            yield f.name, value.strip()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
def test_hostile_posts_to_every_form(endpoint, demo, client):
    url = reverse(endpoint.name, kwargs=endpoint.kwargs(demo))
    page_kwargs = (endpoint.page_kwargs or endpoint.kwargs)(demo)
    page_url = reverse(endpoint.page or endpoint.name, kwargs=page_kwargs)
    if not endpoint.anonymous:
        client.force_login(getattr(demo, endpoint.user))
    page = client.get(page_url)
    assert page.status_code == 200, f"GET {page_url}: {page.status_code}"
    fields = endpoint.fields or h.scrape_form(page.content.decode(), page_url, url)
    file_strategies = {}
    for name, kind in endpoint.files.items():
        if kind == "attachment":
            file_strategies[name] = _attachment()
        else:
            headers, example = _template(client, kind, endpoint.template_kwargs(demo))
            file_strategies[name] = st.one_of(
                h.workbook_file(headers, example), h.workbook_file(headers, example), h.garbage_file()
            )
    if not any(f.kind == "file" for f in fields):
        assert not file_strategies, f"{endpoint.id}: no file input on {page_url}"
    today = timezone.localdate()
    stats = {"valid": 0, "refused": 0}

    @settings(PROFILE, max_examples=endpoint.examples)
    @given(data=st.data())
    def attack(data):
        payload, hostile = h.draw_payload(
            data, fields, today=today, fixed=endpoint.fixed, file_strategies=file_strategies
        )
        for upload in payload.values():
            if hasattr(upload, "seek"):
                upload.seek(0)
        n = next(_addresses)
        headers = {"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}
        with h.rolled_back():
            outcome = h.post_and_judge(
                client, url, payload, success_status=endpoint.success_status, headers=headers
            )
            if outcome.changed:
                stats["valid"] += 1
                for name, value in _benign_texts(fields, payload, hostile, endpoint):
                    assert value in outcome.new_strings or any(value in s for s in outcome.new_strings), (
                        f"{endpoint.id}: {name}={value!r} was not stored as posted"
                    )
            else:
                stats["refused"] += 1

    attack()
    assert stats["refused"], f"{endpoint.id}: no hostile post was refused"


# ---- the JSON API ---------------------------------------------------------------------------------------

API_URL = "/api/indicators/measurements/"


@pytest.fixture
def api_token(demo):
    from indicators import services

    _, token = services.api_client_create(
        department=demo.indicator.department,
        name="Plateforme de test",
        sites=list(demo.indicator.department.entities.first().sites.all()) + [demo.arles],
        by=demo.qualite,
    )
    return token


def _measurement_item(demo):
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=40)).strftime("%Y-%m")
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
        ),
        max_leaves=6,
    )
    field_values = {
        "indicator": st.one_of(
            st.just(demo.indicator.code),
            st.sampled_from(h.ID_HOSTILE + h.NUL_TEXT),
            h.hostile_text(50),
            json_values,
        ),
        "site": st.one_of(
            st.just(demo.arles.code),
            st.sampled_from(["avignon", "inconnu", "ARLES", "arles\x00"]),
            h.hostile_text(50),
            json_values,
        ),
        "period": st.one_of(st.just(month), st.sampled_from(h.MONTH_HOSTILE + h.DATE_HOSTILE), json_values),
        "value": st.one_of(
            st.sampled_from([50, 66.3, "71,5", "12"]),
            st.sampled_from(h.NUMBER_HOSTILE),
            st.sampled_from([10**12, -(10**12), 10**400, 1e308, -1e308, 0.001, 123456789012.5]),
            st.floats(allow_nan=False, allow_infinity=False),
            json_values,
        ),
        "comment": st.one_of(st.just(""), h.tricky_text(255), h.hostile_text(255)),
    }
    return st.fixed_dictionaries({}, optional=field_values)


def test_the_measurements_api_refuses_hostile_json(demo, api_token, client):
    from indicators.models import Measurement

    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token}"}
    item = _measurement_item(demo)
    bodies = st.one_of(
        item.map(json.dumps),
        st.lists(item, max_size=3).map(lambda items: json.dumps({"measurements": items})),
        st.lists(item, min_size=1, max_size=2).map(json.dumps),
        st.sampled_from(
            [
                "",
                "null",
                "[]",
                "{}",
                '{"measurements": {}}',
                '"texte"',
                "[" * 100_000,
                '{"a": ' * 50_000,
                "NaN",
                '{"value": Infinity}',
                "\x00",
                "{'simple': 'quotes'}",
            ]
        ),
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    )

    @settings(PROFILE, max_examples=60)
    @given(body=bodies)
    def attack(body):
        with h.rolled_back():
            before = h.table_checksums()
            before.pop("indicators_apiclient")  # the token's last use is recorded, valid payload or not
            response = client.post(
                API_URL, body.encode("utf-8", "surrogatepass"), content_type="application/json", **auth
            )
            after = h.table_checksums()
            after.pop("indicators_apiclient")
            assert response.status_code in (200, 201, 400, 403), response.status_code
            answer = response.json()
            if response.status_code >= 400:
                assert before == after, f"refused ({response.status_code}) but changed the database"
                assert answer["error"], answer
                h.assert_french(json.dumps(answer, ensure_ascii=False), "API")
            else:
                for result in answer["results"]:
                    measurement = Measurement.objects.get(pk=result["id"])
                    assert float(measurement.value) == result["value"]
                    assert measurement.period.isoformat() == result["period"]
                    sent = json.loads(body)
                    items = (
                        sent["measurements"]
                        if isinstance(sent, dict) and "measurements" in sent
                        else (sent if isinstance(sent, list) else [sent])
                    )
                    assert measurement.comment in {i.get("comment", "") for i in items}
                    assert Decimal(str(measurement.value)).is_finite()

    attack()


def test_the_measurements_api_needs_a_token_whatever_the_body(demo, client):
    for header in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer "},
        {"HTTP_AUTHORIZATION": "Bearer qp_\x00" + "x" * 10_000},
        {"HTTP_AUTHORIZATION": "Basic " + "é" * 100},
        {"HTTP_AUTHORIZATION": "Bearer " + h.XSS},
    ):
        before = h.table_checksums()
        response = client.post(API_URL, "{}", content_type="application/json", **header)
        assert response.status_code == 401
        assert h.table_checksums() == before


# ---- everything else must ignore a POST -----------------------------------------------------------------


def _generic_kwargs(pattern, demo):
    values = {"int": demo.arles.pk, "slug": demo.arles.code, "str": "x" * 40, "path": "x"}
    kwargs = {}
    for name, converter in pattern.pattern.converters.items():
        kind = type(converter).__name__.replace("Converter", "").lower()
        kwargs[name] = values.get(kind, "x")
    return kwargs


def test_read_only_urls_ignore_hostile_posts(demo, client):
    client.force_login(demo.qualite)
    payload = {"status": h.XSS, "pk": "9223372036854775808", "file": "\x00", "year": "99999", "q": "é" * 5000}
    for name, pattern in _url_patterns():
        if name not in READ_ONLY or name in ("healthz",):
            continue
        url = reverse(name, kwargs=_generic_kwargs(pattern, demo))
        before = h.table_checksums()
        with h.rolled_back():
            response = client.post(url, payload)
            assert response.status_code < 500, f"POST {url}: {response.status_code}"
            h.assert_safe_html(response, f"POST {url}")
            assert h.table_checksums() == before, f"POST {url} changed the database"


def test_the_checksums_see_a_write_and_forget_it_when_rolled_back(demo):
    """The checksums re-read only the tables written since they were taken: a write is seen, and a
    rollback to a savepoint brings the earlier checksums back."""
    from sites.models import Site

    before = h.table_checksums()
    point = h.savepoint()
    Site.objects.filter(pk=Site.objects.order_by("pk").values("pk")[:1]).update(name="Autre nom")
    after = h.table_checksums()
    assert sorted(t for t in after if after[t] != before[t]) == ["sites_site"]
    h.rollback(point)
    assert h.table_checksums() == before
