"""Reading the actions linked to findings and audits, without importing the action-plans app.

The `actionplans.Action` model holds `origin_finding` / `origin_audit` (nullable FKs, related_name
"actions"). Until it exists, a finding has no actions: the rules below then answer "no action".
Expected on Action: `status` with "done" and "verified" for finished actions and "cancelled";
`due_on` (date) for the due date.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, FieldError

DONE_STATUSES = ("done", "verified")
CLOSED_STATUSES = ("done", "verified", "cancelled")


def action_model():
    try:
        return apps.get_model("actionplans", "Action")
    except LookupError:
        return None


def has_actions_relation(obj) -> bool:
    return hasattr(obj, "actions")


def finding_action_state(finding) -> tuple[int, int]:
    """(linked actions, finished actions) of a finding; (0, 0) when actions do not exist yet."""
    if not has_actions_relation(finding):
        return 0, 0
    statuses = list(finding.actions.values_list("status", flat=True))
    return len(statuses), sum(1 for s in statuses if s in DONE_STATUSES)


def overdue_actions_by_entity_module(entity_ids, today) -> dict[tuple[int, int | None], int]:
    """{(entity id, module id of the finding): overdue actions from findings} in one query."""
    model = action_model()
    if model is None:
        return {}
    try:
        model._meta.get_field("origin_finding")
        model._meta.get_field("due_on")
        rows = (
            model.objects.filter(
                origin_finding__entity_id__in=entity_ids, due_on__lt=today, origin_finding__isnull=False
            )
            .exclude(status__in=CLOSED_STATUSES)
            .values_list("origin_finding__entity_id", "origin_finding__module_id")
        )
        counts: dict[tuple[int, int | None], int] = {}
        for key in rows:
            counts[key] = counts.get(key, 0) + 1
        return counts
    except (FieldDoesNotExist, FieldError):
        return {}


def findings_with_actions(finding_ids) -> set[int]:
    """Ids, among `finding_ids`, of findings that have at least one linked action (one query)."""
    model = action_model()
    if model is None or not finding_ids:
        return set()
    try:
        return set(
            model.objects.filter(origin_finding_id__in=finding_ids).values_list(
                "origin_finding_id", flat=True
            )
        )
    except (FieldDoesNotExist, FieldError):
        return set()
