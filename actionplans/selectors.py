"""Every read of action plans and actions, filtered by what the user may see, and `loop_panel(user)`
(home page and plan page). The figures are in `actionplans/figures.py`."""

from __future__ import annotations

from collections import OrderedDict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from sites.access import (
    READ,
    WRITE,
    allows,
    entity_ids_reached,
    get_for_user,
    scope_for,
    visible,
)
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
    # The plan's entity names the plan in the breadcrumbs; the engagement's module starts its counterparts.
    # The origin (one of six kinds) is read on its own when there is one: joining the six in this query
    # (17 tables) made PostgreSQL spend 43 ms planning it for 2 ms of work (its default join_collapse_limit).
    related = [
        "entity__department",
        "owner",
        "module",
        "engagement__module",
        "plan__entity",
        "verified_by",
        "created_by",
    ]
    return get_for_user(
        Action.objects.select_related(*related).prefetch_related("sites", "contributors"), user, pk=pk
    )


def can_write_action(user, action) -> bool:
    """Write on the entity, or on every site the action names (a referent manages their site's actions)."""
    return allows(user, action, WRITE)


def writable_entity_ids(user) -> set[int]:
    """Entities where the user may create actions: held whole, or through one of their sites."""
    return entity_ids_reached(user)


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


def findings_without_action_queryset(user, perm: str = READ):
    """The findings of the user's scope (`perm` held on them) whose type requires an action and that have
    none, not closed yet, of the entity's current label cycle: the one rule of the loop panel, the
    readiness, the inbox and its badge. A finding observed before its entity moved to another referential
    (a label scope started after it; for a finding of the whole département, one of its entities) belongs
    to a past cycle: kept in its audit and its year's report, it no longer asks for an action."""
    from audits.models import Finding
    from referential.models import LabelScope

    queryset = visible(user, Finding.objects, perm).filter(finding_type__requires_action=True)
    queryset = queryset.exclude(status=Finding.Status.VERIFIED_CLOSED)
    later = LabelScope.objects.filter(started_on__gt=OuterRef("observed_on"))
    # an entity's finding: its entity moved; a finding of the whole département: one of its entities did
    past_cycle = Exists(later.filter(entity=OuterRef("entity"))) | Q(entity__isnull=True) & Exists(
        later.filter(entity__department=OuterRef("department"))
    )
    return queryset.filter(~Exists(Action.objects.filter(origin_finding=OuterRef("pk")))).exclude(past_cycle)


def findings_without_action(user, *, entity=None, limit=50):
    """Findings whose type requires an action and that have none (not yet closed)."""
    if "finding" not in ORIGIN_FIELDS:
        return []

    queryset = findings_without_action_queryset(user)
    if entity is not None:
        queryset = queryset.filter(entity=entity)
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
