import datetime as dt

import pytest
from django.core import mail

from actionplans.reminders import due_notices
from qualipref.notifications.models import Notice
from qualipref.notifications.services import notices_collect, reminders_run

from .factories import ActionFactory, ActionPlanFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def actions(org, istres_agent, quality_manager, arles_referent):
    plan = ActionPlanFactory(entity=org.arles_entity)
    owner = quality_manager
    return {
        "soon": ActionFactory(plan=plan, owner=owner, sites=[org.arles], due_on=TODAY + dt.timedelta(days=5)),
        "late": ActionFactory(plan=plan, owner=owner, sites=[org.arles], due_on=TODAY - dt.timedelta(days=2)),
        "escalated": ActionFactory(
            plan=plan, owner=owner, sites=[org.arles], due_on=TODAY - dt.timedelta(days=9)
        ),
        "far": ActionFactory(plan=plan, owner=owner, sites=[org.arles], due_on=TODAY + dt.timedelta(days=40)),
    }


def levels(specs):
    return sorted((s.item.title, s.level, s.recipient_id) for s in specs)


def test_owners_get_due_soon_and_overdue_and_the_referent_an_escalation(
    actions, quality_manager, arles_referent
):
    specs = list(due_notices(TODAY))
    got = {(s.item.pk, s.level, s.recipient_id) for s in specs}
    assert got == {
        (actions["soon"].pk, "due_soon", quality_manager.pk),
        (actions["late"].pk, "overdue", quality_manager.pk),
        (actions["escalated"].pk, "overdue", quality_manager.pk),
        (actions["escalated"].pk, "escalation_referent", arles_referent.pk),
    }


def test_each_notice_is_recorded_and_sent_once(actions, quality_manager, arles_referent):
    result = reminders_run(today=TODAY)
    first = Notice.objects.filter(content_type__app_label="actionplans").count()
    assert first == 4 and result["emails"] >= 2
    sent = len(mail.outbox)
    reminders_run(today=TODAY)
    assert Notice.objects.filter(content_type__app_label="actionplans").count() == first
    assert len(mail.outbox) == sent


def test_done_cancelled_and_archived_actions_are_not_reminded(org, quality_manager):
    plan = ActionPlanFactory(entity=org.arles_entity)
    ActionFactory(plan=plan, owner=quality_manager, due_on=TODAY, status="done", completed_on=TODAY)
    ActionFactory(plan=plan, owner=quality_manager, due_on=TODAY, status="cancelled", cancel_reason="Abandon")
    old = ActionPlanFactory(
        entity=org.arles_entity, year=2016, status="closed", approved_on=dt.date(2016, 1, 14)
    )
    ActionFactory(plan=old, owner=quality_manager, start_on=None, due_on=dt.date(2016, 6, 30))
    assert list(due_notices(TODAY)) == []
    assert notices_collect(today=TODAY, only="actionplans") == 0


def test_an_action_without_sites_escalates_to_its_entitys_referents_else_the_managers(org, quality_manager):
    plan = ActionPlanFactory(entity=org.istres_entity)
    action = ActionFactory(plan=plan, owner=quality_manager, due_on=TODAY - dt.timedelta(days=10))
    specs = [s for s in due_notices(TODAY) if s.level == "escalation_referent"]
    # Istres has no referent in these fixtures: the département's quality managers hear of it, but the
    # owner is not told twice.
    assert specs == [] or {s.recipient_id for s in specs} == {quality_manager.pk} - {action.owner_id}


def test_the_reminder_sweep_through_a_real_worker(celery_worker_app, org, quality_manager):
    from qualipref.notifications.tasks import send_daily_reminders

    plan = ActionPlanFactory(entity=org.arles_entity)
    from django.utils import timezone

    today = timezone.localdate()
    action = ActionFactory(
        plan=plan, owner=quality_manager, start_on=None, due_on=today - dt.timedelta(days=1)
    )
    send_daily_reminders.delay().get(timeout=30)
    assert Notice.objects.filter(object_id=action.pk, level="overdue", recipient=quality_manager).count() == 1


def test_a_finding_of_the_whole_departement_is_listed_under_the_departement(
    client, org, quality_manager, finding_types
):
    """A finding may name no site and no entity (the département's organisation): the inbox groups it under
    the département, the calendar feed names it too."""
    from actionplans.reminders import due_items
    from audits.models import Finding

    finding = Finding.objects.create(
        department=org.bdr,
        finding_type=finding_types["minor_nonconformity"],
        title="Organisation départementale des accueils",
        observed_on=dt.date(2026, 3, 2),
    )
    rows = [r for r in due_items(quality_manager, dt.date(2026, 4, 1)) if r.kind == "finding"]
    assert [(r.title, r.group) for r in rows] == [(finding.title, str(org.bdr))]
    client.force_login(quality_manager)
    assert finding.title in client.get("/").content.decode()


def test_the_inbox_rows_name_their_sites_or_entity_and_follow_the_data_from_one_reading_to_the_next(
    org, quality_manager, django_assert_max_num_queries
):
    """The inbox's readings are compiled once per user, day and horizon: the rows still follow the data
    (an action closed leaves, one added appears) and name their sites in the sites' order, or their
    entity when they name none."""
    from actionplans.reminders import due_items

    plan = ActionPlanFactory(entity=org.arles_entity)
    both = ActionFactory(
        plan=plan, owner=quality_manager, sites=[org.istres, org.arles], due_on=TODAY - dt.timedelta(days=3)
    )
    none = ActionFactory(plan=plan, owner=quality_manager, sites=[], due_on=TODAY + dt.timedelta(days=2))

    def rows():
        return [
            (r.title, r.group, r.level, r.url)
            for r in due_items(quality_manager, TODAY)
            if r.kind == "action"
        ]

    in_order = sorted([org.istres, org.arles], key=lambda s: (s.entity.order, s.order, s.name))
    expected_group = ", ".join(s.name for s in in_order)
    assert rows() == [
        (both.title, expected_group, "late", both.get_absolute_url()),
        (none.title, org.arles_entity.name, "soon", none.get_absolute_url()),
    ]
    both.status, both.completed_on = both.Status.DONE, TODAY
    both.save()
    added = ActionFactory(plan=plan, owner=quality_manager, sites=[org.arles], due_on=TODAY)
    with django_assert_max_num_queries(8):
        assert [title for title, *_ in rows()] == [added.title, none.title]  # by due date
    assert [r.title for r in due_items(quality_manager, TODAY, late_only=True) if r.kind == "action"] == []
