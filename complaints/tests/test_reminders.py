import datetime as dt

import pytest
from django.core import mail

from complaints.reminders import due_notices
from complaints.services import correspondence_transition
from qualipref.notifications.models import Notice
from qualipref.notifications.services import reminders_run
from tests import factories as f

from .factories import make_correspondence

D = dt.date


@pytest.fixture
def istres_referent(org):
    return f.persona("referent.istres", "site_referent", org.bdr, entity=org.istres_entity, site=org.istres)


def levels(specs):
    return sorted(
        (s.level, s.recipient.username if hasattr(s, "recipient") else s.recipient_id) for s in specs
    )


@pytest.mark.django_db
def test_each_level_goes_to_the_right_people(
    org, referential, istres_agent, istres_referent, quality_manager
):
    today = D(2015, 6, 30)
    soon = make_correspondence(org.istres, received_on=D(2015, 6, 17), assigned_to=istres_agent)  # due 2 July
    late = make_correspondence(
        org.istres, received_on=D(2015, 6, 10), assigned_to=istres_agent
    )  # due 25 June
    very_late = make_correspondence(
        org.istres, received_on=D(2015, 6, 1), assigned_to=istres_agent
    )  # due 16 June
    make_correspondence(
        org.istres, received_on=D(2015, 6, 25), assigned_to=istres_agent
    )  # due 10 July: nothing
    paused = make_correspondence(org.istres, received_on=D(2015, 6, 1), assigned_to=istres_agent)
    correspondence_transition(
        correspondence=paused, to="waiting", by=None, on=D(2015, 6, 2), today=D(2015, 6, 2)
    )
    specs = {(s.item.pk, s.level, s.recipient_id) for s in due_notices(today)}
    assert specs == {
        (soon.pk, "due_soon", istres_agent.pk),
        (late.pk, "overdue", istres_agent.pk),
        (late.pk, "escalation_referent", istres_referent.pk),
        (very_late.pk, "overdue", istres_agent.pk),
        (very_late.pk, "escalation_referent", istres_referent.pk),
        (very_late.pk, "escalation_manager", quality_manager.pk),
    }


@pytest.mark.django_db
def test_an_unassigned_request_reminds_the_site_referents(org, referential, istres_referent):
    correspondence = make_correspondence(org.istres, received_on=D(2015, 6, 17))
    specs = {(s.item.pk, s.level, s.recipient_id) for s in due_notices(D(2015, 6, 30))}
    assert specs == {(correspondence.pk, "due_soon", istres_referent.pk)}


@pytest.mark.django_db
def test_the_sweep_query_count_does_not_grow_with_the_number_due(
    org, referential, istres_agent, django_assert_num_queries
):
    for day in range(1, 6):
        make_correspondence(org.istres, received_on=D(2015, 6, day), assigned_to=istres_agent)
    with django_assert_num_queries(6):  # referential, parameters ×2, requests, sites, memberships
        specs = list(due_notices(D(2015, 6, 30)))
    assert len(specs) == 5


@pytest.mark.django_db
def test_two_runs_send_each_notice_once(org, referential, istres_agent, istres_referent, quality_manager):
    late = make_correspondence(org.istres, received_on=D(2015, 6, 1), assigned_to=istres_agent)
    first = reminders_run(today=D(2015, 6, 30))
    second = reminders_run(today=D(2015, 6, 30))
    assert first["emails"] == 3 and second["emails"] == 0
    assert Notice.objects.filter(object_id=late.pk).count() == 3
    assert len(mail.outbox) == 3


@pytest.mark.broker
def test_through_a_real_worker_two_runs_send_each_notice_once(celery_worker_app, settings):
    from tests.factories import build_organisation

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    org = build_organisation()
    from referential.loader import DEFAULT_FILE, load_referential

    load_referential(DEFAULT_FILE)
    agent = f.persona("agent.istres", "agent", org.bdr, entity=org.istres_entity, site=org.istres)
    late = make_correspondence(
        org.istres, received_on=dt.date.today() - dt.timedelta(days=30), assigned_to=agent
    )
    from qualipref.notifications.tasks import send_daily_reminders

    first = send_daily_reminders.delay().get(timeout=60)
    second = send_daily_reminders.delay().get(timeout=60)
    notices = Notice.objects.filter(object_id=late.pk, recipient=agent)
    assert set(notices.values_list("level", flat=True)) == {"overdue"}
    assert notices.filter(sent_at__isnull=False).count() == 1
    assert first["notices"] >= 1 and second["emails"] == 0
