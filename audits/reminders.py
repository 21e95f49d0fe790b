"""Reminders about self-assessments: due within 15 days (to the entity's referents) and overdue (to the
referents and the département's quality managers). Selects only what is due (index kind/status/end)."""

import datetime as dt

from qualipref.notifications.registry import Level, NoticeSpec, due_level
from sites.responsibles import Responsibles

from .models import Audit

DUE_SOON_DAYS = 15


def due_notices(today: dt.date):
    audits = list(
        Audit.objects.filter(
            kind=Audit.Kind.SELF_ASSESSMENT,
            status__in=Audit.OPEN_STATUSES,
            end_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
            # an old forgotten one stops nagging after a quarter
            end_on__gte=today - dt.timedelta(days=92),
        ).select_related("entity")
    )
    if not audits:
        return
    responsibles = Responsibles.of_departments({a.entity.department_id for a in audits})
    for audit in audits:
        department_id = audit.entity.department_id
        level = due_level(audit.end_on, today, DUE_SOON_DAYS)
        overdue = level == Level.OVERDUE
        recipients = responsibles.referents(entity_id=audit.entity_id)
        if overdue or not recipients:
            recipients |= responsibles.managers(department_id)
        detail = (
            f"En retard depuis le {audit.end_on:%d/%m/%Y}"
            if overdue
            else f"À faire avant le {audit.end_on:%d/%m/%Y}"
        )
        for user_id in sorted(recipients):
            yield NoticeSpec(
                item=audit,
                level=level,
                recipient_id=user_id,
                department_id=department_id,
                title=f"Auto-évaluation : {audit.title}",
                detail=detail,
                url=audit.get_absolute_url(),
                due_on=audit.end_on,
            )
