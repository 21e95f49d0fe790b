"""Every read of action plans and actions, filtered by what the user may see; figures for other apps.

Figures for indicators and the annual report (plain data, every number counted in the database):

- ``action_figures(*, start, end, site_ids=None, entity_ids=None, department=None)``
- ``overdue_action_counts(*, site_ids, today=None)`` (the steering committee's dashboard)
- ``actions_done_in_year(*, department, year)``
- ``communication_actions(*, department, year)``
- ``outlook(*, department, year)``
- ``loop_panel(user)`` (home page and plan page)
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from sites.access import READ, WRITE, allows, entities_reached, get_for_user, scope_for, visible
from sites.models import Site

from .models import ORIGIN_FIELDS, Action, ActionPlan

# ---- plans --------------------------------------------------------------------------------------------


def plans_for_user(user):
    return (
        visible(user, ActionPlan.objects)
        .select_related("entity")
        .annotate(
            action_count=Count("actions", filter=~Q(actions__status=Action.Status.CANCELLED), distinct=True),
            done_count=Count("actions", filter=Q(actions__status__in=Action.DONE_STATUSES), distinct=True),
            overdue_count=Count(
                "actions",
                filter=Q(actions__status__in=Action.OPEN_STATUSES, actions__due_on__lt=timezone.localdate())
                & ~Q(status=ActionPlan.Status.CLOSED),
                distinct=True,
            ),
        )
    )


def plan_for_user(user, pk, *, perm=READ):
    return get_for_user(ActionPlan.objects.select_related("entity__department"), user, perm=perm, pk=pk)


# ---- actions ------------------------------------------------------------------------------------------


def _with_related(queryset):
    return queryset.select_related("entity", "owner", "module", "plan").prefetch_related(
        Prefetch("sites", queryset=Site.objects.only("id", "name", "code", "entity_id").order_by("order"))
    )


def actions_for_user(user):
    return _with_related(visible(user, Action.objects))


def my_actions(user):
    """Open and recent actions the user leads or contributes to."""
    return _with_related(
        visible(user, Action.objects).filter(Q(owner=user) | Q(contributors=user)).distinct()
    )


def action_for_user(user, pk):
    related = ["entity__department", "owner", "module", "engagement", "plan", "verified_by", "created_by"]
    related += list(ORIGIN_FIELDS.values())
    return get_for_user(
        Action.objects.select_related(*related).prefetch_related("sites", "contributors"), user, pk=pk
    )


def can_write_action(user, action) -> bool:
    """Write on the entity, or on every site the action names (a referent manages their site's actions)."""
    return allows(user, action, WRITE)


def writable_entity_ids(user) -> set[int]:
    """Entities where the user may create actions: held whole, or through one of their sites."""
    return set(entities_reached(user).values_list("pk", flat=True))


def actions_for_origin(origin):
    """An origin object's actions (finding, survey unit, complaint, decision…), for its detail page."""
    if not hasattr(origin, "actions"):
        return []
    return list(origin.actions.select_related("owner", "plan").order_by("due_on", "pk"))


def board_columns(queryset) -> list[dict]:
    """The board: one column per status, in the workflow's order (one query)."""
    columns = OrderedDict(
        (s, {"status": s, "label": label, "actions": []}) for s, label in Action.Status.choices
    )
    for action in queryset:
        columns[action.status]["actions"].append(action)
    for status, column in columns.items():
        column["badge"] = Action.STATUS_BADGES[status]
    return list(columns.values())


# ---- closing the loop ---------------------------------------------------------------------------------


def findings_without_action(user, *, entity=None, limit=50):
    """Findings whose type requires an action and that have none (not yet closed)."""
    if "finding" not in ORIGIN_FIELDS:
        return []
    from audits.models import Finding

    queryset = visible(user, Finding.objects).filter(finding_type__requires_action=True)
    queryset = queryset.exclude(status=Finding.Status.VERIFIED_CLOSED)
    if entity is not None:
        queryset = queryset.filter(entity=entity)
    queryset = queryset.filter(~Exists(Action.objects.filter(origin_finding=OuterRef("pk"))))
    return list(
        queryset.select_related("finding_type", "entity", "audit", "site").order_by("observed_on", "pk")[
            :limit
        ]
    )


def vigilance_points_without_action(user, *, entity=None, limit=50):
    """Survey points of vigilance that no action answers yet."""
    if "survey_point" not in ORIGIN_FIELDS:
        return []
    from surveys.models import UnitPoint

    queryset = visible(user, UnitPoint.objects).filter(kind=UnitPoint.Kind.VIGILANCE)
    if entity is not None:
        queryset = queryset.filter(unit__site__entity=entity)
    queryset = queryset.filter(~Exists(Action.objects.filter(origin_survey_point=OuterRef("pk"))))
    return list(
        queryset.select_related("unit__site", "unit__campaign").order_by(
            "-unit__campaign__year", "unit", "order"
        )[:limit]
    )


def loop_panel(user, *, entity=None, limit=10) -> dict:
    """The "closing the loop" panel: findings and vigilance points without an action, overdue actions.

    A constant number of queries whatever the number of rows (three, plus the scope once per request).
    """
    today = timezone.localdate()
    overdue = visible(user, Action.objects).overdue(today)
    if entity is not None:
        overdue = overdue.filter(entity=entity)
    overdue = list(overdue.select_related("owner", "entity", "plan").order_by("due_on", "pk")[: limit + 1])
    findings = findings_without_action(user, entity=entity, limit=limit + 1)
    points = vigilance_points_without_action(user, entity=entity, limit=limit + 1)
    return {
        "loop_findings": findings[:limit],
        "loop_findings_more": len(findings) > limit,
        "loop_points": points[:limit],
        "loop_points_more": len(points) > limit,
        "loop_overdue": overdue[:limit],
        "loop_overdue_more": len(overdue) > limit,
        "loop_empty": not (findings or points or overdue),
        "loop_can_write": scope_for(user).can(WRITE),
    }


# ---- figures for indicators and the annual report ----------------------------------------------------


def _scoped(*, site_ids=None, entity_ids=None, department=None):
    queryset = Action.objects.exclude(status=Action.Status.CANCELLED)
    if department is not None:
        queryset = queryset.filter(entity__department=department)
    if entity_ids is not None:
        queryset = queryset.filter(entity_id__in=entity_ids)
    if site_ids is not None:
        # An action without sites is for every site of its entity.
        site_entities = Site.objects.filter(pk__in=site_ids).values("entity_id")
        queryset = queryset.filter(
            Q(sites__in=site_ids) | Q(sites__isnull=True, entity_id__in=site_entities)
        ).distinct()
    return queryset


def _counts(today):
    return {
        "total": Count("pk", distinct=True),
        "done": Count("pk", filter=Q(status__in=Action.DONE_STATUSES), distinct=True),
        "done_on_time": Count(
            "pk",
            filter=Q(status__in=Action.DONE_STATUSES, completed_on__lte=F("due_on")),
            distinct=True,
        ),
        "overdue": Count(
            "pk",
            filter=Q(status__in=Action.OPEN_STATUSES, due_on__lt=today)
            & ~Q(plan__status=ActionPlan.Status.CLOSED),
            distinct=True,
        ),
        "open": Count("pk", filter=Q(status__in=Action.OPEN_STATUSES), distinct=True),
    }


def _rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


def action_figures(
    *,
    start: dt.date,
    end: dt.date,
    site_ids=None,
    entity_ids=None,
    department=None,
    today: dt.date | None = None,
) -> dict:
    """Actions due in [start, end] (cancelled ones left out): totals and breakdowns.

    Returns {"total", "done", "done_on_time", "overdue", "open", "done_rate", "on_time_rate",
    "by_entity": [...], "by_site": [...], "by_module": [...], "by_origin": [...]}; each breakdown row is
    {"key", "label", "total", "done", "done_on_time", "overdue", "open"}. "overdue" counts open actions
    whose due date is before `today` (default: today). Actions without sites appear under the site key
    None ("Tous les sites de l'entité"). Five queries.
    """
    today = today or timezone.localdate()
    base = _scoped(site_ids=site_ids, entity_ids=entity_ids, department=department).filter(
        due_on__gte=start, due_on__lte=end
    )
    ids = base.values("pk")
    queryset = Action.objects.filter(pk__in=ids)
    counts = _counts(today)
    totals = queryset.aggregate(**counts)
    totals["done_rate"] = _rate(totals["done"], totals["total"])
    totals["on_time_rate"] = _rate(totals["done_on_time"], totals["done"])

    def rows(group, label_of):
        result = []
        for row in queryset.values(*group).annotate(**counts).order_by(*group):
            key = row[group[0]]
            result.append({"key": key, "label": label_of(row), **{k: row[k] for k in counts}})
        return result

    origin_labels = dict(Action.OriginKind.choices)
    totals["by_entity"] = rows(["entity_id", "entity__name"], lambda r: r["entity__name"])
    totals["by_site"] = rows(
        ["sites__id", "sites__name"], lambda r: r["sites__name"] or "Tous les sites de l'entité"
    )
    totals["by_module"] = rows(
        ["module__number", "module__title"],
        lambda r: (
            f"Module {r['module__number']} – {r['module__title']}" if r["module__number"] else "Sans module"
        ),
    )
    totals["by_origin"] = rows(
        ["origin_kind"], lambda r: origin_labels.get(r["origin_kind"], r["origin_kind"])
    )
    return totals


def overdue_action_counts(*, site_ids, today: dt.date | None = None) -> dict:
    """Open actions past their due date on `today`, for these sites, counted as `action_figures` counts
    "overdue" (cancelled actions and actions of closed plans left out; an action without sites is for
    every site of its entity): {"sites": {site id: n}, "entities": {entity id: n}, "total": n}.

    One query, which reads only the overdue actions (not every action of the sites' history).
    """
    today = today or timezone.localdate()
    site_ids = list(site_ids)
    # The same scope as `_scoped`, written so that PostgreSQL starts from the sites' links and their
    # entities' actions (both indexed) rather than from every overdue action of the country: the
    # candidates are the actions naming one of the sites and those of the sites' entities; among them an
    # action is kept when it names one of the sites or names none (for its whole entity).
    open_due = {"status__in": Action.OPEN_STATUSES, "due_on__lt": today}
    named = Action.sites.through.objects.filter(
        site_id__in=site_ids, **{f"action__{k}": v for k, v in open_due.items()}
    ).values("action_id")
    site_entities = Site.objects.filter(pk__in=site_ids).values("entity_id")
    of_entities = Action.objects.filter(entity_id__in=site_entities, **open_due).order_by().values("pk")
    rows = (
        Action.objects.filter(pk__in=named.union(of_entities))
        .exclude(plan__status=ActionPlan.Status.CLOSED)
        .order_by()
        .values_list("pk", "entity_id", "sites__id")
    )
    wanted = set(site_ids)
    links: dict[int, tuple[int, set]] = {}
    for pk, entity_id, site_id in rows:
        links.setdefault(pk, (entity_id, set()))[1].add(site_id)
    sites: dict[int, int] = {}
    entities: dict[int, int] = {}
    for entity_id, named_sites in links.values():
        if named_sites == {None} or named_sites & wanted:
            entities[entity_id] = entities.get(entity_id, 0) + 1
            for site_id in named_sites & wanted:
                sites[site_id] = sites.get(site_id, 0) + 1
    return {"sites": sites, "entities": entities, "total": sum(entities.values())}


def _year_actions(department, year):
    return (
        Action.objects.filter(
            entity__department=department,
            status__in=Action.DONE_STATUSES,
            completed_on__year=year,
        )
        .select_related("entity", "module")
        .prefetch_related(Prefetch("sites", queryset=Site.objects.order_by("entity__order", "order")))
        .order_by("module__number", "entity__order", "completed_on", "pk")
    )


def _plain(action) -> dict:
    return {
        "id": action.pk,
        "title": action.title,
        "entity": action.entity.name,
        "entity_id": action.entity_id,
        "sites": [s.name for s in action.sites.all()],
        "module": action.module.number if action.module_id else None,
        "category": action.category,
        "origin_kind": action.origin_kind,
        "origin_label": action.get_origin_kind_display(),
        "origin_text": action.origin_text,
        "due_on": action.due_on,
        "completed_on": action.completed_on,
        "status": action.status,
    }


def actions_done_in_year(*, department, year: int) -> dict:
    """Section II of the annual report: actions completed in `year` (done or verified).

    Returns {"by_module": [{"module": n, "title": str, "actions": [plain action…]}],
             "by_site": [{"site_id", "site": name, "entity": name, "actions": [...]}],
             "communication": [...], "count": int}.
    Compliance actions with a module are listed by module; improvement actions by site (each action under
    every site it names; an action without sites under each site of its entity); communication apart.
    Plain actions carry origin_kind / origin_label / origin_text. Three queries.
    """
    actions = list(_year_actions(department, year))
    by_module: OrderedDict[int, dict] = OrderedDict()
    by_site: OrderedDict[int, dict] = OrderedDict()
    communication = []
    sites = list(Site.objects.filter(entity__department=department).select_related("entity"))
    sites.sort(key=lambda s: (s.entity.order, s.order, s.name))
    for site in sites:
        by_site[site.pk] = {"site_id": site.pk, "site": site.name, "entity": site.entity.name, "actions": []}
    for action in actions:
        plain = _plain(action)
        if action.category == Action.Category.COMMUNICATION:
            communication.append(plain)
        elif action.category == Action.Category.COMPLIANCE and action.module_id:
            group = by_module.setdefault(
                action.module.number,
                {"module": action.module.number, "title": action.module.title, "actions": []},
            )
            group["actions"].append(plain)
        else:
            targets = [s.pk for s in action.sites.all()] or [
                s.pk for s in sites if s.entity_id == action.entity_id
            ]
            for site_id in targets:
                if site_id in by_site:
                    by_site[site_id]["actions"].append(plain)
    return {
        "by_module": list(by_module.values()),
        "by_site": [s for s in by_site.values() if s["actions"]],
        "communication": communication,
        "count": len(actions),
    }


def communication_actions(*, department, year: int) -> list[dict]:
    """Communication actions (category "communication", no module) completed in `year`."""
    return [_plain(a) for a in _year_actions(department, year).filter(category=Action.Category.COMMUNICATION)]


def outlook(*, department, year: int) -> list[dict]:
    """Section V: the actions planned for year + 1, by entity: [{"entity", "entity_id", "actions": [...]}]."""
    actions = (
        Action.objects.filter(entity__department=department, plan__year=year + 1)
        .exclude(status=Action.Status.CANCELLED)
        .select_related("entity", "module")
        .prefetch_related("sites")
        .order_by("entity__order", "due_on", "pk")
    )
    groups: OrderedDict[int, dict] = OrderedDict()
    for action in actions:
        group = groups.setdefault(
            action.entity_id, {"entity": action.entity.name, "entity_id": action.entity_id, "actions": []}
        )
        group["actions"].append(_plain(action))
    return list(groups.values())
