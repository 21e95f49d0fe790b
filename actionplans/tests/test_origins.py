"""Origin links both ways: an action points to its source; the source page lists its actions and offers
"Créer une action" pre-filled. Cross-app rules promised to the other helpers are tested here."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from actionplans import selectors, services
from actionplans.models import ERR_ORIGIN_OTHER_DEPARTMENT, ERR_ORIGIN_OTHER_ENTITY, Action

from .factories import ActionFactory, ActionPlanFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC), tick=False)


def from_origin(org, user, kind, origin, entity=None, **kw):
    return services.action_create(
        by=user,
        entity=entity or org.arles_entity,
        title="Action issue de l'origine",
        owner=user,
        due_on=dt.date(2026, 5, 31),
        origin_kind=kind,
        origin=origin,
        **kw,
    )


def test_an_action_from_a_finding_is_listed_by_the_finding(org, arles_referent, make_finding):
    finding = make_finding()
    action = from_origin(org, arles_referent, "finding", finding)
    assert action.origin == finding and action.origin_finding == finding
    assert list(finding.actions.all()) == [action]


def test_an_origin_from_another_entity_is_refused_in_french(org, quality_manager, make_finding):
    finding = make_finding(org.istres_entity)
    with pytest.raises(ValidationError) as error:
        from_origin(org, quality_manager, "finding", finding)
    assert error.value.message_dict["origin_kind"] == [
        ERR_ORIGIN_OTHER_ENTITY.format(entity=org.arles_entity)
    ]
    assert not Action.objects.exists()


def test_a_decision_of_another_department_is_refused(org, quality_manager):
    from steering.tests.factories import CommitteeFactory, DecisionFactory, MeetingFactory

    meeting = MeetingFactory(committee=CommitteeFactory(department=org.vaucluse))
    decision = DecisionFactory(meeting=meeting)
    with pytest.raises(ValidationError) as error:
        from_origin(org, quality_manager, "decision", decision)
    assert error.value.message_dict["origin_kind"] == [ERR_ORIGIN_OTHER_DEPARTMENT]


def test_the_database_refuses_two_origins_or_a_kind_without_its_link(org, make_finding):
    from steering.tests.factories import CommitteeFactory, DecisionFactory, MeetingFactory

    finding = make_finding()
    decision = DecisionFactory(meeting=MeetingFactory(committee=CommitteeFactory(department=org.bdr)))
    action = ActionFactory(plan=ActionPlanFactory(entity=org.arles_entity))
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(
            origin_kind="finding", origin_finding=finding, origin_decision=decision
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(origin_kind="finding")


def test_a_steering_decision_turned_into_an_action(org, quality_manager, client):
    from steering.tests.factories import CommitteeFactory, DecisionFactory, MeetingFactory

    decision = DecisionFactory(
        meeting=MeetingFactory(committee=CommitteeFactory(department=org.bdr)),
        text="Afficher les pics d'affluence sur les 5 sites",
        owner=quality_manager,
        due_on=dt.date(2026, 6, 30),
    )
    client.force_login(quality_manager)
    url = reverse("actionplans:action_create") + f"?origin_kind=decision&origin_id={decision.pk}"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["title"] == decision.text and form.initial["due_on"] == dt.date(2026, 6, 30)
    response = client.post(
        url,
        {
            "title": decision.text,
            "entity": org.prefecture.pk,
            "sites": [org.peytral.pk, org.saint_sebastien.pk],
            "category": "improvement",
            "origin_kind": "decision",
            "origin_id": decision.pk,
            "owner": quality_manager.pk,
            "due_on": "2026-06-30",
        },
    )
    action = Action.objects.get()
    assert response.status_code == 302 and action.origin_decision == decision
    assert list(decision.actions.all()) == [action]


def test_a_survey_vigilance_point_starts_an_action_and_leaves_the_loop_panel(org, quality_manager, client):
    from surveys.models import UnitPoint
    from surveys.tests.factories import CampaignFactory, UnitFactory

    unit = UnitFactory(
        campaign=CampaignFactory(department=org.bdr), site=org.istres, name="Sous-préfecture d'Istres"
    )
    point = UnitPoint.objects.create(
        unit=unit, kind=UnitPoint.Kind.VIGILANCE, text="Attente trop longue au guichet"
    )
    UnitPoint.objects.create(unit=unit, kind=UnitPoint.Kind.STRENGTH, text="Courtoisie")
    assert [p.pk for p in selectors.loop_panel(quality_manager)["loop_points"]] == [point.pk]
    client.force_login(quality_manager)
    page = client.get(
        reverse("actionplans:action_create") + f"?origin_kind=survey_point&origin_id={point.pk}"
    )
    initial = page.context["form"].initial
    assert initial["entity"] == org.istres_entity.pk and initial["sites"] == [org.istres.pk]
    assert "Attente trop longue" in initial["title"]
    from_origin(org, quality_manager, "survey_point", point, entity=org.istres_entity, sites=[org.istres])
    assert selectors.loop_panel(quality_manager)["loop_points"] == []
    assert point.actions.count() == 1


def test_a_finding_requiring_an_action_cannot_be_closed_without_a_done_action(
    org, quality_manager, make_finding
):
    from audits.services import ERR_CLOSE_NEEDS_ACTION, finding_set_status

    finding = make_finding(code="minor_nonconformity")
    with pytest.raises(ValidationError) as error:
        finding_set_status(
            finding=finding, status="verified_closed", by=quality_manager, verification_note="Vu"
        )
    assert ERR_CLOSE_NEEDS_ACTION in error.value.messages
    action = from_origin(org, quality_manager, "finding", finding)
    finding.refresh_from_db()
    assert finding.status == "action_planned"  # audits follows the linked action
    services.action_transition(action=action, target="done", by=quality_manager, completed_on=TODAY)
    finding.refresh_from_db()
    assert finding.status == "action_done"
    finding = finding_set_status(
        finding=finding, status="verified_closed", by=quality_manager, verification_note="Affichage refait"
    )
    assert finding.status == "verified_closed"


def test_audits_readiness_counts_overdue_actions(org, quality_manager, make_finding):
    from audits import links

    finding = make_finding(code="minor_nonconformity")
    from_origin(org, quality_manager, "finding", finding)
    assert links.overdue_actions_by_entity_module([org.arles_entity.pk], TODAY) == {}
    later = dt.date(2026, 6, 15)
    counts = links.overdue_actions_by_entity_module([org.arles_entity.pk], later)
    assert counts == {(org.arles_entity.pk, finding.module_id): 1}


def test_the_loop_panel_lists_findings_requiring_an_action_without_one(org, quality_manager, make_finding):
    needs = make_finding(code="sensitive_point", title="Formation des agents à compléter")
    make_finding(code="strength", title="Courtoisie")
    handled = make_finding(code="minor_nonconformity", title="Délai de réponse dépassé")
    from_origin(org, quality_manager, "finding", handled)
    panel = selectors.loop_panel(quality_manager)
    assert [f.pk for f in panel["loop_findings"]] == [needs.pk]


def test_the_loop_panel_costs_the_same_with_more_rows(
    org, quality_manager, make_finding, django_assert_num_queries
):
    from audits.models import Finding

    make_finding()
    ActionFactory(
        plan=ActionPlanFactory(entity=org.arles_entity), owner=quality_manager, due_on=dt.date(2026, 3, 1)
    )
    selectors.loop_panel(quality_manager)  # the scope is cached on the user
    with django_assert_num_queries(3) as first:
        selectors.loop_panel(quality_manager)
    for n in range(5):
        make_finding(title=f"Constat {n}")
        ActionFactory(
            plan=ActionPlanFactory(entity=org.arles_entity), owner=quality_manager, due_on=dt.date(2026, 3, 1)
        )
    with django_assert_num_queries(len(first.captured_queries)):
        panel = selectors.loop_panel(quality_manager)
    assert len(panel["loop_findings"]) == Finding.objects.count() and len(panel["loop_overdue"]) == 6


def test_the_shared_partial_lists_actions_and_offers_creation_to_writers(
    org, quality_manager, committee_member, make_finding
):
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils.html import escape

    finding = make_finding()
    action = from_origin(org, quality_manager, "finding", finding)
    request = RequestFactory().get("/")
    request.user = quality_manager
    html = render_to_string(
        "actionplans/partials/actions_for.html",
        {"origin": finding, "origin_kind": "finding", "request": request},
    )
    assert escape(action.title) in html and "Créer une action" in html
    assert f"origin_kind=finding&amp;origin_id={finding.pk}" in html
    request.user = committee_member
    html = render_to_string(
        "actionplans/partials/actions_for.html",
        {"origin": finding, "origin_kind": "finding", "request": request},
    )
    assert escape(action.title) in html and "Créer une action" not in html


def test_an_outsider_cannot_prefill_from_an_origin_of_another_department(org, outsider, client, make_finding):
    finding = make_finding()
    client.force_login(outsider)
    response = client.get(
        reverse("actionplans:action_create") + f"?origin_kind=finding&origin_id={finding.pk}"
    )
    assert response.status_code == 404


def test_the_home_page_tag_renders_the_panel_for_the_user(org, quality_manager, make_finding):
    from django.template import Context, Template
    from django.test import RequestFactory

    finding = make_finding(title="Signalétique PMR absente")
    request = RequestFactory().get("/")
    request.user = quality_manager
    html = Template("{% load actionplans %}{% loop_panel %}").render(Context({"request": request}))
    assert "Boucler la boucle" in html and "Signalétique PMR absente" in html
    assert f"origin_kind=finding&amp;origin_id={finding.pk}" in html


def test_a_general_finding_of_the_department_shows_in_the_panel(org, quality_manager, finding_types, client):
    from audits.models import Finding

    Finding.objects.create(
        department=org.bdr,
        entity=None,
        finding_type=finding_types["sensitive_point"],
        title="Le taux de décroché doit atteindre l'objectif",
        observed_on=dt.date(2015, 9, 20),
    )
    client.force_login(quality_manager)
    page = client.get(reverse("actionplans:loop"))
    assert page.status_code == 200 and "constat général" in page.content.decode()
