"""What is due about requests, for whom and at which level (the shared sweep records and sends it).

Levels:
- ``due_soon``: the assigned agent, due within N days (parameter ``request_reminder_days``, default 3);
  days are those of the request's rule (calendar, or working days of its département: ``deadline_rule``);
- ``overdue``: the assigned agent, due date passed;
- ``escalation_referent``: the site's quality referents (site_referent on the site or its entity);
- ``escalation_manager``: the département's quality managers, more than M days after the due date
  (parameter ``request_escalation_days``, default 5).
A request without an agent sends its agent-level notices to the site's referents.
Paused requests (waiting for the requester) are not reminded: their clock is stopped.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from qualipref.notifications.registry import Level, NoticeSpec, level_for_days_left
from qualipref.sqlcache import SQLCache, as_date
from referential.selectors import current_referential
from sites.responsibles import Responsibles

from . import deadline_rule
from .models import RUNNING_STATUSES, Correspondence

REMINDER_DAYS_KEY, REMINDER_DAYS_DEFAULT = "request_reminder_days", 3
ESCALATION_DAYS_KEY, ESCALATION_DAYS_DEFAULT = "request_escalation_days", 5


def _parameters(referential, key: str, default: int) -> tuple[int, dict[int, int]]:
    """(referential default, {department_id: override}) in one query."""
    from referential.models import Parameter

    if referential is None:
        return default, {}
    base, overrides = default, {}
    for row in Parameter.objects.filter(referential=referential, key=key):
        try:
            value = int(row.value)
        except ValueError:
            continue
        if row.department_id is None:
            base = value
        else:
            overrides[row.department_id] = value
    return base, overrides


def due_notices(today: dt.date):
    """Provider for `qualipref.notifications`: selects only what is due, by the indexed due date."""
    from sites.models import Site

    referential = current_referential()
    soon_default, soon_overrides = _parameters(referential, REMINDER_DAYS_KEY, REMINDER_DAYS_DEFAULT)
    late_default, late_overrides = _parameters(referential, ESCALATION_DAYS_KEY, ESCALATION_DAYS_DEFAULT)
    horizon = max([soon_default, *soon_overrides.values()])
    # One model instance per row (no joined site/entity rows): sites are few, fetched apart.
    requests = list(
        Correspondence.objects.filter(
            status__in=RUNNING_STATUSES, due_on__lte=deadline_rule.reminder_horizon(today, horizon)
        ).only("pk", "reference", "subject", "due_on", "deadline_kind", "assigned_to_id", "site_id")
    )
    if not requests:
        return []
    sites = {
        s["pk"]: s
        for s in Site.objects.filter(pk__in={r.site_id for r in requests}).values(
            "pk", "name", "entity_id", "entity__department_id", "entity__department__code"
        )
    }
    responsibles = Responsibles.of_departments({s["entity__department_id"] for s in sites.values()})
    url_pattern = reverse("complaints:correspondence_detail", args=[0]).replace("/0/", "/{}/")

    specs = []
    for r in requests:
        site = sites[r.site_id]
        department_id = site["entity__department_id"]
        soon = soon_overrides.get(department_id, soon_default)
        late = late_overrides.get(department_id, late_default)
        referents = responsibles.referents(entity_id=site["entity_id"], site_ids=[r.site_id])
        agents = {r.assigned_to_id} if r.assigned_to_id else referents
        url = url_pattern.format(r.pk)
        # Under the request's own rule (working days of its département, or calendar days).
        days_late = -deadline_rule.days_left(r, today, department_code=site["entity__department__code"])
        late_label = deadline_rule.days_label(days_late, r.deadline_kind)

        def spec(level, recipient_id, title, r=r, url=url, department_id=department_id):
            return NoticeSpec(
                item=r,
                level=level,
                recipient_id=recipient_id,
                department_id=department_id,
                title=f"{r.reference} · {r.subject}"[:255],
                detail=title,
                url=url,
                due_on=r.due_on,
            )

        level = level_for_days_left(-days_late, soon)
        if level == Level.DUE_SOON:
            due = r.due_on.strftime("%d/%m/%Y")
            specs += [spec(level, a, f"Réponse attendue au plus tard le {due}") for a in agents]
        if level != Level.OVERDUE:
            continue
        specs += [spec(Level.OVERDUE, a, f"En retard de {late_label}") for a in agents]
        specs += [
            spec(Level.ESCALATION_REFERENT, u, f"En retard de {late_label} (site {site['name']})")
            for u in referents
        ]
        if days_late > late:
            specs += [
                spec(Level.ESCALATION_MANAGER, u, f"En retard de {late_label} (site {site['name']})")
                for u in responsibles.managers(department_id)
            ]
    return specs


# ---- the same rule for one person's inbox (the home page's « À traiter », the navigation's badges) -----


def late_queryset(user, today: dt.date, *, mine: bool = False):
    """Requests late on `today` that are the user's to answer: those assigned to them (`mine`, an agent),
    else those of the sites where they answer requests. Paused ones are not late (their clock stops)."""
    from sites.access import REQUESTS, visible

    from .selectors import overdue_q

    queryset = (
        Correspondence.objects.filter(assigned_to=user)
        if mine
        else visible(user, Correspondence.objects, REQUESTS)
    )
    return queryset.filter(overdue_q(today))


def _soon_days(user) -> int:
    """The « due soon » horizon of the user's département (parameter `request_reminder_days`)."""
    from sites.access import scope_for

    base, overrides = _parameters(current_referential(), REMINDER_DAYS_KEY, REMINDER_DAYS_DEFAULT)
    mine = [overrides[d] for d in scope_for(user).ids("department") if d in overrides]
    return max(mine) if mine else base


# The inbox's reading of requests compiled once per process (qualipref.sqlcache): building it (the scope's
# filters, each rule's horizon) cost more than running it, on every home page of an agent, a referent or a
# quality manager. Its SQL depends on the user (`mine`: assigned to them), their scope (its key), the day,
# the horizon and the limit, all in the key; the query runs every time, so an answer recorded shows at once.
_COMPILED_DUE = SQLCache()
_COLUMNS = (
    "pk", "reference", "subject", "kind", "due_on", "deadline_kind", "site__name",
    "site__entity__department__code",
)  # fmt: skip


def _due_queryset(user, today: dt.date, mine: bool, late_only: bool, soon: int, limit: int):
    from sites.access import REQUESTS, visible

    from .selectors import overdue_q

    if mine:
        queryset = Correspondence.objects.filter(assigned_to=user, status__in=RUNNING_STATUSES)
    else:
        wanted = overdue_q(today) if late_only else overdue_q(today) | deadline_rule.due_within_q(today, soon)
        queryset = visible(user, Correspondence.objects, REQUESTS).filter(wanted)
    return queryset.order_by("due_on", "pk")[:limit].values_list(*_COLUMNS)


def due_items(user, today: dt.date, *, mine: bool = False, late_only: bool = False, limit: int | None = None):
    """The user's requests to answer, as inbox rows, by due date. `mine` (an agent): every running request
    assigned to them, each with its level; otherwise the late ones and those due within the reminder's
    horizon (`late_only`: the late ones) on the sites where they answer. Levels are the reminders' own
    (`deadline_rule.days_left` under each request's rule). Three queries at most."""
    from types import SimpleNamespace

    from qualipref import inbox
    from sites.access import scope_for

    limit = limit or inbox.LIST_LIMIT
    soon = 0 if late_only else _soon_days(user)
    key = (user.pk if mine else None, scope_for(user).key, today, mine, late_only, soon, limit)
    compiled = _COMPILED_DUE.get(key, lambda: _due_queryset(user, today, mine, late_only, soon, limit))
    kinds = dict(Correspondence._meta.get_field("kind").flatchoices)
    items = []
    for row in compiled.rows():
        r = dict(zip(_COLUMNS, row, strict=True))
        due_on = as_date(r["due_on"])
        # the request's due date and how its days count: all the rule reads of it
        left = deadline_rule.days_left(
            SimpleNamespace(due_on=due_on, deadline_kind=r["deadline_kind"]),
            today,
            department_code=r["site__entity__department__code"],
        )
        level = level_for_days_left(left, soon)
        items.append(
            inbox.DueItem(
                kind="request",
                kind_label=kinds.get(r["kind"], r["kind"]),
                title=f"{r['reference']} · {r['subject']}",
                url=reverse("complaints:correspondence_detail", args=[r["pk"]]),
                level={Level.OVERDUE: inbox.LATE, Level.DUE_SOON: inbox.SOON}.get(level, inbox.OPEN),
                due_on=due_on,
                action_url=reverse("complaints:correspondence_answer", args=[r["pk"]]),
                action_label="Répondre",
                group=r["site__name"],
            )
        )
    return items
