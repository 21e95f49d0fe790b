"""The shared reminder mechanism: each notice once per item, level and recipient, whatever the runs."""

import datetime as dt

import pytest
from django.core import mail

from qualipref.notifications import registry
from qualipref.notifications.models import Notice
from qualipref.notifications.services import digests_send, notices_collect, notices_for, reminders_run
from qualipref.timeline import timeline_for

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def site_provider(org, arles_referent, quality_manager):
    """A provider saying: Arles is due soon for its referent, and overdue for the quality manager."""

    def provider(today):
        yield registry.NoticeSpec(
            item=org.arles,
            level="due_soon",
            recipient_id=arles_referent.pk,
            department_id=org.bdr.pk,
            title="Arles : échéance proche",
            due_on=today,
            url="/organisation/sites/arles/",
        )
        yield registry.NoticeSpec(
            item=org.arles,
            level="overdue",
            recipient_id=quality_manager.pk,
            department_id=org.bdr.pk,
            title="Arles : en retard",
            due_on=today,
        )

    saved = registry.providers()
    registry._providers.clear()
    registry.register("test", provider)
    yield provider
    registry._providers.clear()
    registry._providers.update(saved)


def test_it_records_each_notice_once_however_many_sweeps(site_provider):
    assert notices_collect(today=TODAY) == 2
    assert notices_collect(today=TODAY) == 0  # reports what it inserted, not what it offered
    assert Notice.objects.count() == 2


def test_the_run_reports_what_it_inserted_and_sent(site_provider):
    assert reminders_run(today=TODAY) == {"notices": 2, "emails": 2}
    assert reminders_run(today=TODAY) == {"notices": 0, "emails": 0}


def test_it_sends_one_digest_per_person_and_never_twice(site_provider, arles_referent):
    result = reminders_run(today=TODAY)
    assert result["emails"] == 2
    assert reminders_run(today=TODAY)["emails"] == 0
    assert len(mail.outbox) == 2
    digest = next(m for m in mail.outbox if m.to == [arles_referent.email])
    assert "Arles : échéance proche" in digest.body
    assert "27 novembre 2026" in digest.body
    assert Notice.objects.filter(sent_at__isnull=True).count() == 0


def test_a_claimed_notice_is_not_sent_by_a_second_digest(site_provider):
    notices_collect(today=TODAY)
    Notice.objects.update(claimed_at=dt.datetime(2026, 11, 27, tzinfo=dt.UTC), claim_token="other-worker")
    assert digests_send() == 0
    assert mail.outbox == []


def test_the_item_timeline_shows_the_notices_sent(site_provider, org):
    reminders_run(today=TODAY)
    assert [n.level for n in notices_for(org.arles)] == ["due_soon", "overdue"]
    events = timeline_for(org.arles)
    assert [e.what for e in events if e.kind == "notice"] == ["Relance envoyée", "Relance envoyée"]


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_the_daily_task_runs_through_a_real_worker_once_per_level(site_provider, settings, celery_worker_app):
    from qualipref.notifications.tasks import send_daily_reminders

    send_daily_reminders.delay().get(timeout=30)
    send_daily_reminders.delay().get(timeout=30)
    assert Notice.objects.count() == 2
    assert Notice.objects.filter(sent_at__isnull=False).count() == 2
    assert len(mail.outbox) == 2
