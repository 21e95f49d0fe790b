"""The action plans' figures (actions done, overdue, planned), read by the indicators, the dashboard and the
annual report: plain functions over a scope and a period."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from sites.models import Site

from .models import Action, ActionPlan


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


def done_on_time_by_site_and_month(*, site_ids, start: dt.date, end: dt.date) -> dict[tuple, tuple[int, int]]:
    """{(site id, month): (done, done on time)} for the actions due in [start, end], counted as
    `action_figures` counts them in its "by_site" rows (the site None: actions for every site of their
    entity), per month of their due date. One query, whatever the number of months."""
    counts = _counts(timezone.localdate())  # only "done" and "done_on_time" are read
    rows = (
        Action.objects.filter(
            pk__in=_scoped(site_ids=site_ids).filter(due_on__gte=start, due_on__lte=end).values("pk")
        )
        .annotate(month=TruncMonth("due_on"))
        .order_by()
        .values("sites__id", "month")
        .annotate(done=counts["done"], done_on_time=counts["done_on_time"])
        .values_list("sites__id", "month", "done", "done_on_time")
    )
    return {(site_id, month): (done, on_time) for site_id, month, done, on_time in rows}


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
