"""Reminders about self-assessments: due within 15 days (to the entity's referents) and overdue (to the
referents and the département's quality managers). Selects only what is due (index kind/status/end)."""

import datetime as dt

from django.db.models import Q

from qualipref.notifications.registry import NoticeSpec
from sites.models import Membership, Role

from .models import Audit

DUE_SOON_DAYS = 15
OPEN_STATUSES = (Audit.Status.PLANNED, Audit.Status.IN_PROGRESS)


def due_notices(today: dt.date):
    audits = list(
        Audit.objects.filter(
            kind=Audit.Kind.SELF_ASSESSMENT,
            status__in=OPEN_STATUSES,
            end_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
            # an old forgotten one stops nagging after a quarter
            end_on__gte=today - dt.timedelta(days=92),
        ).select_related("entity")
    )
    if not audits:
        return
    entity_ids = {a.entity_id for a in audits}
    department_ids = {a.entity.department_id for a in audits}
    referents, managers = {}, {}
    for m in Membership.objects.filter(
        Q(role=Role.SITE_REFERENT, entity_id__in=entity_ids)
        | Q(role=Role.QUALITY_MANAGER, department_id__in=department_ids, entity__isnull=True)
    ).values("user_id", "role", "entity_id", "department_id"):
        if m["role"] == Role.SITE_REFERENT:
            referents.setdefault(m["entity_id"], set()).add(m["user_id"])
        else:
            managers.setdefault(m["department_id"], set()).add(m["user_id"])
    for audit in audits:
        overdue = audit.end_on < today
        level = "overdue" if overdue else "due_soon"
        recipients = set(referents.get(audit.entity_id, set()))
        if overdue or not recipients:
            recipients |= managers.get(audit.entity.department_id, set())
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
                department_id=audit.entity.department_id,
                title=f"Auto-évaluation : {audit.title}",
                detail=detail,
                url=audit.get_absolute_url(),
                due_on=audit.end_on,
            )
