import datetime as dt

import pytest

from audits import reminders
from audits.models import Audit

pytestmark = pytest.mark.django_db


def test_self_assessments_due_soon_and_overdue_reach_the_right_people(
    org, make_audit, arles_referent, quality_manager
):
    soon = make_audit(
        org.arles_entity, kind=Audit.Kind.SELF_ASSESSMENT, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)
    )
    late = make_audit(
        org.arles_entity,
        kind=Audit.Kind.SELF_ASSESSMENT,
        start=dt.date(2025, 10, 1),
        end=dt.date(2025, 12, 31),
    )
    make_audit(
        org.arles_entity, kind=Audit.Kind.SELF_ASSESSMENT, start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 30)
    )
    specs = list(reminders.due_notices(dt.date(2026, 3, 20)))
    got = {(s.item.pk, s.level, s.recipient_id) for s in specs}
    assert got == {
        (soon.pk, "due_soon", arles_referent.pk),
        (late.pk, "overdue", arles_referent.pk),
        (late.pk, "overdue", quality_manager.pk),
    }


def test_the_reminder_sweep_records_each_notice_once(org, make_audit, arles_referent):
    from qualipref.notifications.models import Notice
    from qualipref.notifications.services import notices_collect

    make_audit(
        org.arles_entity, kind=Audit.Kind.SELF_ASSESSMENT, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31)
    )
    notices_collect(today=dt.date(2026, 3, 25), only="audits")
    notices_collect(today=dt.date(2026, 3, 26), only="audits")
    assert Notice.objects.filter(level="due_soon", recipient=arles_referent).count() == 1
