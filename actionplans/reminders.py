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
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse

from qualipref.notifications.registry import NoticeSpec
from referential.params import parameter_value
from referential.selectors import current_referential

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
    from sites.models import Department, Membership, Role, Site

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
    entity_ids = {a.entity_id for a in actions}
    sites_of_entity = defaultdict(set)
    for site_id, entity_id in Site.objects.filter(entity_id__in=entity_ids).values_list("id", "entity_id"):
        sites_of_entity[entity_id].add(site_id)
    referents_by_site, referents_by_entity, managers = defaultdict(set), defaultdict(set), defaultdict(set)
    for m in (
        Membership.objects.filter(
            Q(role=Role.SITE_REFERENT, entity_id__in=entity_ids)
            | Q(role=Role.QUALITY_MANAGER, department_id__in=department_ids)
        )
        .filter(user__is_active=True)
        .values("role", "user_id", "site_id", "entity_id", "department_id")
    ):
        if m["role"] == Role.QUALITY_MANAGER:
            managers[m["department_id"]].add(m["user_id"])
        elif m["site_id"]:
            referents_by_site[m["site_id"]].add(m["user_id"])
        else:
            referents_by_entity[m["entity_id"]].add(m["user_id"])

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

        if "due_soon" in levels:
            specs.append(spec("due_soon", action.owner_id, f"Échéance le {due}"))
        if "overdue" in levels:
            specs.append(
                spec("overdue", action.owner_id, f"En retard de {days_late} jour(s) (échéance {due})")
            )
        if "escalation_referent" in levels:
            site_ids = {s.pk for s in action.sites.all()} or sites_of_entity[action.entity_id]
            referents = (
                set().union(*(referents_by_site[s] for s in site_ids)) | referents_by_entity[action.entity_id]
            )
            referents = referents or managers[department_id]
            detail = f"Action de {action.entity} en retard de {days_late} jour(s) (échéance {due})"
            specs += [spec("escalation_referent", u, detail) for u in sorted(referents - {action.owner_id})]
    return specs
