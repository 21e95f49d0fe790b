import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actionplans import services
from actionplans.models import (
    ERR_APPROVED_WITHOUT_DATE,
    ERR_DONE_WITHOUT_DATE,
    ERR_DUE_BEFORE_START,
    ERR_SITE_OTHER_ENTITY,
    ERR_VERIFIED_WITHOUT_NOTE,
    Action,
    ActionPlan,
)

from .factories import ActionFactory, ActionPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC), tick=False)


def create(org, user, **kw):
    args = {
        "by": user,
        "entity": org.arles_entity,
        "title": "Doubler l'affichage lumineux du pré-accueil",
        "owner": user,
        "start_on": dt.date(2026, 2, 1),
        "due_on": dt.date(2026, 5, 31),
        "sites": [org.arles],
    }
    return services.action_create(**(args | kw))


def test_an_action_goes_into_its_entitys_plan_of_the_due_year(org, arles_referent):
    action = create(org, arles_referent)
    assert action.plan.entity == org.arles_entity and action.plan.year == 2026
    assert list(action.sites.all()) == [org.arles]
    assert action.status == Action.Status.PLANNED and action.created_by == arles_referent
    again = create(org, arles_referent, title="Autre action")
    assert again.plan == action.plan


def test_a_due_date_before_the_start_is_refused_and_nothing_saved(org, arles_referent):
    with pytest.raises(ValidationError) as error:
        create(org, arles_referent, start_on=dt.date(2026, 6, 1), due_on=dt.date(2026, 5, 1))
    assert error.value.message_dict == {"due_on": [ERR_DUE_BEFORE_START]}
    assert not Action.objects.exists()


def test_a_site_of_another_entity_is_refused(org, arles_referent):
    with pytest.raises(ValidationError) as error:
        create(org, arles_referent, sites=[org.istres])
    assert error.value.message_dict["sites"] == [ERR_SITE_OTHER_ENTITY.format(site=org.istres)]
    assert not Action.objects.exists()


def test_an_owner_from_another_department_is_refused(org, arles_referent, outsider):
    with pytest.raises(ValidationError) as error:
        create(org, arles_referent, owner=outsider)
    assert "owner" in error.value.message_dict


def test_the_workflow_to_done_and_verified_records_who_and_when(org, arles_referent, quality_manager):
    action = create(org, arles_referent)
    action = services.action_transition(action=action, target="in_progress", by=arles_referent)
    with pytest.raises(ValidationError) as error:
        services.action_transition(action=action, target="done", by=arles_referent)
    assert error.value.message_dict == {"completed_on": [ERR_DONE_WITHOUT_DATE]}
    action = services.action_transition(
        action=action, target="done", by=arles_referent, completed_on=dt.date(2026, 3, 9)
    )
    assert action.progress == 100 and action.completed_on == dt.date(2026, 3, 9) and action.done_on_time
    with pytest.raises(ValidationError) as error:
        services.action_transition(action=action, target="verified", by=quality_manager)
    assert error.value.message_dict == {"verification_note": [ERR_VERIFIED_WITHOUT_NOTE]}
    action = services.action_transition(
        action=action, target="verified", by=quality_manager, verification_note="Affichage vu sur place."
    )
    assert action.verified_by == quality_manager and action.verified_on == dt.date(2026, 3, 10)
    assert action.status_changed_by == quality_manager
    history = list(action.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert history == ["planned", "in_progress", "done", "verified"]


def test_an_undeclared_transition_is_refused_in_french(org, arles_referent):
    action = create(org, arles_referent)
    with pytest.raises(
        ValidationError, match="Passage impossible du statut « Planifiée » au statut « Vérifiée »"
    ):
        services.action_transition(action=action, target="verified", by=arles_referent, verification_note="x")
    action.refresh_from_db()
    assert action.status == "planned"


def test_cancelling_needs_a_reason_and_can_be_undone(org, arles_referent):
    action = create(org, arles_referent)
    with pytest.raises(ValidationError):
        services.action_transition(action=action, target="cancelled", by=arles_referent)
    action = services.action_transition(
        action=action, target="cancelled", by=arles_referent, cancel_reason="Locaux abandonnés"
    )
    assert action.cancel_reason == "Locaux abandonnés"
    action = services.action_transition(action=action, target="planned", by=arles_referent)
    assert action.cancel_reason == ""


def test_the_database_refuses_a_done_action_without_completion_date(org):
    action = ActionFactory(plan=ActionPlanFactory(entity=org.arles_entity))
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status="done")


def test_the_database_refuses_a_due_date_before_the_start(org):
    action = ActionFactory(plan=ActionPlanFactory(entity=org.arles_entity))
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(due_on=dt.date(2025, 1, 1))


def test_progress_moves_a_planned_action_in_progress(org, arles_referent):
    action = create(org, arles_referent)
    action = services.action_progress_set(action=action, progress=40, by=arles_referent)
    assert action.status == "in_progress" and action.progress == 40
    with pytest.raises(ValidationError):
        services.action_progress_set(action=action, progress=140, by=arles_referent)


def test_a_plan_is_approved_with_a_date_then_closed(org, quality_manager):
    plan = services.plan_create(entity=org.arles_entity, year=2026, by=quality_manager)
    with pytest.raises(ValidationError) as error:
        services.plan_transition(plan=plan, target="approved", by=quality_manager)
    assert error.value.message_dict == {"approved_on": [ERR_APPROVED_WITHOUT_DATE]}
    plan = services.plan_transition(
        plan=plan, target="approved", by=quality_manager, approved_on=dt.date(2026, 1, 15)
    )
    assert plan.status == "approved" and plan.approved_on == dt.date(2026, 1, 15)
    plan = services.plan_transition(plan=plan, target="closed", by=quality_manager)
    assert plan.closed_on == dt.date(2026, 3, 10)
    with pytest.raises(ValidationError):
        services.plan_create(entity=org.arles_entity, year=2026, by=quality_manager)
    assert ActionPlan.objects.count() == 1


def test_actions_of_a_closed_plan_are_archived_not_overdue(org):
    plan = ActionPlanFactory(entity=org.arles_entity, year=2025)
    action = ActionFactory(plan=plan, start_on=dt.date(2025, 1, 1), due_on=dt.date(2025, 6, 30))
    assert action.is_overdue and Action.objects.overdue().count() == 1
    ActionPlan.objects.filter(pk=plan.pk).update(status="closed", approved_on=dt.date(2025, 1, 1))
    action = Action.objects.select_related("plan").get(pk=action.pk)
    assert not action.is_overdue and Action.objects.overdue().count() == 0
