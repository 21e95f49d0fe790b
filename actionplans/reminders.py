"""What is due about actions, for whom and at which level (the shared sweep in qualipref.notifications
records each notice once and sends one digest per person).

Levels:
- ``due_soon``: the owner, due within N days (parameter ``action_reminder_days``, default 7);
- ``overdue``: the owner, due date passed;
- ``escalation_referent``: the quality referents of the action's sites (of its entity when it names no
  site), M days after the due date (parameter ``action_escalation_days``, default 7); the département's
  quality managers when the entity has no referent.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from qualipref.notifications.registry import Level, NoticeSpec
from referential.params import parameter_value
from referential.selectors import current_referential
from sites.responsibles import Responsibles

from . import rules
from .models import Action

REMINDER_DAYS_KEY, REMINDER_DAYS_DEFAULT = "action_reminder_days", 7
ESCALATION_DAYS_KEY, ESCALATION_DAYS_DEFAULT = "action_escalation_days", 7


def _days(referential, key, default, departments):
    """{département id: value}: one query per département (a handful), not per action."""
    if referential is None:
        return {d.pk: default for d in departments}
    return {d.pk: int(parameter_value(referential, key, department=d, default=default)) for d in departments}


def due_notices(today: dt.date):
    """Provider for `qualipref.notifications`: only open actions due by the horizon (indexed filter)."""
    from sites.models import Department

    referential = current_referential()
    department_ids = set(
        Action.objects.followed()
        .filter(due_on__lte=today + dt.timedelta(days=60))
        .values_list("entity__department_id", flat=True)
    )
    if not department_ids:
        return []
    departments = list(Department.objects.filter(pk__in=department_ids))
    soon = _days(referential, REMINDER_DAYS_KEY, REMINDER_DAYS_DEFAULT, departments)
    late = _days(referential, ESCALATION_DAYS_KEY, ESCALATION_DAYS_DEFAULT, departments)
    actions = list(
        Action.objects.followed()
        .filter(due_on__lte=today + dt.timedelta(days=max(soon.values())))
        .select_related("entity")
        .prefetch_related("sites")
    )
    if not actions:
        return []
    responsibles = Responsibles.of_departments(department_ids)

    specs = []
    for action in actions:
        department_id = action.entity.department_id
        levels = rules.reminder_levels(
            status=action.status,
            due_on=action.due_on,
            today=today,
            soon_days=soon.get(department_id, REMINDER_DAYS_DEFAULT),
            escalation_days=late.get(department_id, ESCALATION_DAYS_DEFAULT),
        )
        if not levels:
            continue
        url = reverse("actionplans:action_detail", args=[action.pk])
        days_late = (today - action.due_on).days
        due = action.due_on.strftime("%d/%m/%Y")

        def spec(level, recipient_id, detail, action=action, url=url, department_id=department_id):
            return NoticeSpec(
                item=action,
                level=level,
                recipient_id=recipient_id,
                department_id=department_id,
                title=f"Action : {action.title}"[:255],
                detail=detail,
                url=url,
                due_on=action.due_on,
            )

        if Level.DUE_SOON in levels:
            specs.append(spec(Level.DUE_SOON, action.owner_id, f"Échéance le {due}"))
        if Level.OVERDUE in levels:
            specs.append(
                spec(Level.OVERDUE, action.owner_id, f"En retard de {days_late} jour(s) (échéance {due})")
            )
        if Level.ESCALATION_REFERENT in levels:
            referents = responsibles.responsible(
                department_id=department_id,
                entity_id=action.entity_id,
                site_ids=[s.pk for s in action.sites.all()],
            )
            detail = f"Action de {action.entity} en retard de {days_late} jour(s) (échéance {due})"
            specs += [
                spec(Level.ESCALATION_REFERENT, u, detail) for u in sorted(referents - {action.owner_id})
            ]
    return specs
