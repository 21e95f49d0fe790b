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

from django.urls import reverse

from qualipref.humandates import long_date, since
from qualipref.notifications.registry import Level, NoticeSpec
from qualipref.sqlcache import SQLCache, as_date
from referential.params import parameter_value
from referential.selectors import current_referential
from sites.models import Department
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
        late_words = since(action.due_on, today)  # « depuis 3 jours », « depuis le 12 mars 2024 »
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
            specs.append(spec(Level.OVERDUE, action.owner_id, f"En retard {late_words} (échéance {due})"))
        if Level.ESCALATION_REFERENT in levels:
            referents = responsibles.responsible(
                department_id=department_id,
                entity_id=action.entity_id,
                site_ids=[s.pk for s in action.sites.all()],
            )
            detail = f"Action de {action.entity} en retard {late_words} (échéance {due})"
            specs += [
                spec(Level.ESCALATION_REFERENT, u, detail) for u in sorted(referents - {action.owner_id})
            ]
    return specs


# ---- the same rule for one person's inbox (the home page's « À traiter », the navigation's badges) -----


def my_actions(user):
    """The actions that are the user's to carry: those they may change (their sites, their entity, their
    département) and those they own."""
    from django.db.models import Q

    from sites.access import writable

    return Action.objects.filter(Q(pk__in=writable(user, Action.objects).values("pk")) | Q(owner=user))


def late_queryset(user, today: dt.date):
    """Actions late on `today` (open, of a running plan, past their due date) that are the user's."""
    return my_actions(user).overdue(today)


def findings_late_queryset(user):
    """Findings that require an action and have none, on the entities where the user plans actions."""
    from sites.access import WRITE

    from .selectors import findings_without_action_queryset

    return findings_without_action_queryset(user, WRITE)


def _soon_days(user) -> int:
    from sites.access import scope_for
    from sites.models import Department

    departments = list(Department.objects.filter(pk__in=sorted(scope_for(user).ids("department"))))
    days = _days(current_referential(), REMINDER_DAYS_KEY, REMINDER_DAYS_DEFAULT, departments)
    return max(days.values(), default=REMINDER_DAYS_DEFAULT)


# The inbox's three readings (the user's actions, their sites, the findings waiting for an action) compiled
# once per process (qualipref.sqlcache): building them (the scope's subqueries, the finding's past-cycle
# rule) cost more than running them, on every home page of a referent or a quality manager. Their SQL
# depends on the user (the actions they own), their scope (its key), the day, the horizon and the limit,
# all in the key; the queries run every time, so an action closed or planned shows at once.
_COMPILED_DUE = SQLCache()
_ACTION_COLUMNS = ("pk", "title", "due_on", "status", "entity__name")
_FINDING_COLUMNS = (
    "pk", "title", "observed_on", "finding_type__label", "site_id", "site__name", "entity_id",
    "entity__name", "department__name", "department__code",
)  # fmt: skip


def _due_querysets(user, today: dt.date, late_only: bool, soon: int, limit: int):
    actions = (
        my_actions(user)
        .followed()
        .filter(due_on__lt=today if late_only else today + dt.timedelta(days=soon + 1))
        .order_by("due_on", "pk")[:limit]
    )
    # the sites of those actions, in the order of the sites' register
    sites = (
        Action.sites.through.objects.filter(action_id__in=actions.values("pk"))
        .order_by("site__entity__department__code", "site__entity__order", "site__order", "site__name")
        .values_list("action_id", "site__name")
    )
    findings = findings_late_queryset(user).order_by("observed_on", "pk")[:limit]
    return actions.values_list(*_ACTION_COLUMNS), sites, findings.values_list(*_FINDING_COLUMNS)


def _rows(user, today: dt.date, late_only: bool, soon: int, limit: int):
    """(actions, {action id: [site names]}, findings) as dicts, from the compiled readings."""
    from sites.access import scope_for

    key = (user.pk, scope_for(user).key, today, late_only, soon, limit)
    actions, sites, findings = _COMPILED_DUE.get_all(
        key, lambda: _due_querysets(user, today, late_only, soon, limit), 3
    )
    names = defaultdict(list)
    for action_id, name in sites.rows():
        names[action_id].append(name)
    return (
        [
            {**dict(zip(_ACTION_COLUMNS, row, strict=True)), "due_on": as_date(row[2])}
            for row in actions.rows()
        ],
        names,
        [
            {**dict(zip(_FINDING_COLUMNS, row, strict=True)), "observed_on": as_date(row[2])}
            for row in findings.rows()
        ],
    )


def due_items(user, today: dt.date, *, late_only: bool = False, limit: int | None = None):
    """The user's actions late or due within the reminder's horizon (`late_only`: late), by due date, and
    the findings still waiting for an action. The levels are the reminders' (`rules.reminder_levels`)."""
    from qualipref import inbox

    limit = limit or inbox.LIST_LIMIT
    soon = 0 if late_only else _soon_days(user)
    actions, sites, findings = _rows(user, today, late_only, soon, limit)
    items = []
    for action in actions:
        levels = rules.reminder_levels(
            status=action["status"],
            due_on=action["due_on"],
            today=today,
            soon_days=soon,
            escalation_days=10**6,
        )
        url = reverse("actionplans:action_detail", args=[action["pk"]])
        items.append(
            inbox.DueItem(
                kind="action",
                kind_label="Action",
                title=action["title"],
                url=url,
                level=inbox.LATE if Level.OVERDUE in levels else inbox.SOON,
                due_on=action["due_on"],
                action_url=f"{url}#evidence-title",
                action_label="Clore avec une preuve",
                group=", ".join(sites[action["pk"]]) or action["entity__name"],
            )
        )
    plan = reverse("actionplans:action_create")
    for finding in findings:
        items.append(
            inbox.DueItem(
                kind="finding",
                kind_label=finding["finding_type__label"],
                title=finding["title"],
                url=reverse("audits:finding_detail", args=[finding["pk"]]),
                level=inbox.TODO,
                action_url=f"{plan}?origin_kind=finding&origin_id={finding['pk']}",
                action_label="Planifier une action",
                # a finding names a site, or an entity, or only its département (a finding of the whole
                # département's organisation)
                group=finding["site__name"]
                if finding["site_id"]
                else finding["entity__name"]
                if finding["entity_id"]
                else Department.label(finding["department__name"], finding["department__code"]),
                detail=f"Constaté le {long_date(finding['observed_on'], today)}, sans action",
            )
        )
    return items
