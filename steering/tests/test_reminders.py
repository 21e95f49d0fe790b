"""Reminders through the shared mechanism: due soon / overdue, once per occurrence and level."""

import datetime as dt

import pytest
from django.core import mail

from qualipref.notifications.models import Notice
from qualipref.notifications.services import notices_collect, reminders_run
from steering import services

from .factories import AgentFactory, DeadlineFactory, DocumentFactory, TrainingFactory

pytestmark = pytest.mark.django_db

D = dt.date


def levels(user=None):
    qs = Notice.objects.all() if user is None else Notice.objects.filter(recipient=user)
    return sorted(qs.values_list("level", flat=True))


def test_a_monthly_copil_is_reminded_once_per_occurrence_and_level(org, quality_manager):
    copil = DeadlineFactory(department=org.bdr, title="COPIL", starts_on=D(2016, 1, 12), remind_days=7)
    notices_collect(today=D(2016, 1, 5), only="steering")
    notices_collect(today=D(2016, 1, 6), only="steering")
    assert levels() == ["due_soon:2016-01-12"]
    notices_collect(today=D(2016, 1, 13), only="steering")
    notices_collect(today=D(2016, 1, 14), only="steering")
    assert levels() == ["due_soon:2016-01-12", "overdue:2016-01-12"]
    notices_collect(today=D(2016, 2, 5), only="steering")
    assert levels() == ["due_soon:2016-01-12", "due_soon:2016-02-12", "overdue:2016-01-12"]
    assert set(Notice.objects.values_list("recipient", flat=True)) == {quality_manager.pk}
    assert Notice.objects.filter(object_id=copil.pk).count() == 3


def test_an_occurrence_marked_done_is_not_reminded_as_overdue(org, quality_manager):
    copil = DeadlineFactory(department=org.bdr, starts_on=D(2016, 1, 12), remind_days=0, frequency="once")
    services.occurrence_mark_done(
        deadline=copil, occurrence_on=D(2016, 1, 12), by=quality_manager, today=D(2016, 1, 12)
    )
    notices_collect(today=D(2016, 1, 13), only="steering")
    assert levels() == []


def test_the_responsible_or_else_the_site_referents_are_reminded(
    org, quality_manager, arles_referent, istres_agent
):
    DeadlineFactory(
        department=org.bdr,
        entity=org.arles_entity,
        site=org.arles,
        frequency="once",
        starts_on=D(2016, 3, 15),
    )
    DeadlineFactory(department=org.bdr, frequency="once", starts_on=D(2016, 3, 15), responsible=istres_agent)
    notices_collect(today=D(2016, 3, 10), only="steering")
    assert set(Notice.objects.values_list("recipient__username", flat=True)) == {
        "referent.arles",
        "agent.istres",
    }


def test_document_reviews_are_reminded(org, quality_manager):
    DocumentFactory(department=org.bdr, review_on=D(2016, 2, 1), status="in_force")
    DocumentFactory(department=org.bdr, review_on=D(2016, 2, 1), status="withdrawn")
    notices_collect(today=D(2016, 1, 15), only="steering")
    notices_collect(today=D(2016, 2, 2), only="steering")
    notices_collect(today=D(2016, 2, 3), only="steering")
    assert levels() == ["review_due_soon:2016-02-01", "review_overdue:2016-02-01"]


def test_training_deadlines_are_reminded_to_the_sites_referent(org, arles_referent, quality_manager):
    agent = AgentFactory(site=org.arles, took_post_on=D(2010, 1, 1))
    TrainingFactory(agent=agent, trained_on=D(2012, 3, 1))
    services.agent_refresh_due(agent)
    assert agent.training_due_on == D(2016, 3, 1)
    notices_collect(today=D(2015, 11, 1), only="steering")
    assert levels() == []
    notices_collect(today=D(2015, 12, 15), only="steering")
    notices_collect(today=D(2016, 1, 15), only="steering")
    notices_collect(today=D(2016, 3, 2), only="steering")
    assert levels(arles_referent) == ["training_due_soon:2016-03-01", "training_overdue:2016-03-01"]
    assert levels(quality_manager) == []
    # a new training opens a new cycle with its own notices
    services.training_add(agent=agent, topic="reception", trained_on=D(2016, 3, 2), by=quality_manager)
    notices_collect(today=D(2019, 12, 15), only="steering")
    assert "training_due_soon:2020-03-02" in levels(arles_referent)


def test_the_daily_run_sends_one_digest_and_nothing_twice(org, quality_manager):
    DeadlineFactory(department=org.bdr, title="COPIL", starts_on=D(2016, 1, 12))
    DocumentFactory(department=org.bdr, review_on=D(2016, 1, 20), status="in_force")
    reminders_run(today=D(2016, 1, 6))
    reminders_run(today=D(2016, 1, 6))
    assert len(mail.outbox) == 1
    assert "COPIL" in mail.outbox[0].body


def test_the_inbox_rows_of_agents_and_documents_name_their_place_and_follow_the_data(org, quality_manager):
    """The inbox's readings of agents and documents are compiled once per scope, day and horizon: the rows
    still follow the data (a review postponed leaves), and a document is grouped under its site, its
    entity or its département, as its `scope_label` says."""
    from qualipref.inbox import LATE, SOON
    from steering.reminders import due_items

    today = D(2016, 1, 10)
    # took the post in 2012: four years on, the training is late
    agent = services.agent_refresh_due(AgentFactory(site=org.arles))
    at_site = DocumentFactory(
        department=org.bdr, entity=org.arles_entity, site=org.arles, reference="PR-1", review_on=D(2016, 1, 5)
    )
    at_entity = DocumentFactory(department=org.bdr, entity=org.arles_entity, review_on=D(2016, 1, 20))
    department_wide = DocumentFactory(department=org.bdr, review_on=D(2016, 2, 1))

    def rows(**options):
        return [
            (i.kind, i.title, i.group, i.level, i.due_on)
            for i in due_items(quality_manager, today, **options)
            if i.kind in ("training", "document")
        ]

    assert agent.training_due_on <= today
    assert rows() == [
        ("training", str(agent), org.arles.name, LATE, agent.training_due_on),
        ("document", str(at_site), at_site.scope_label, LATE, D(2016, 1, 5)),
        ("document", str(at_entity), at_entity.scope_label, SOON, D(2016, 1, 20)),
        ("document", str(department_wide), department_wide.scope_label, SOON, D(2016, 2, 1)),
    ]
    assert at_site.scope_label == org.arles.name and department_wide.scope_label == str(org.bdr)
    assert [title for _, title, *_ in rows(late_only=True)] == [str(agent), str(at_site)]
    at_site.review_on = D(2017, 1, 5)
    at_site.save()
    assert [title for _, title, *_ in rows(late_only=True)] == [str(agent)]
