"""Reading the actions linked to findings and audits.

The `actionplans.Action` model holds `origin_finding` / `origin_audit` (nullable FKs, related_name
"actions"): a finding reaches its actions through that reverse relation, and the counts below read
`Action` directly. Finished actions are "done" or "verified"; "cancelled" ones are closed too.
"""

from __future__ import annotations

from actionplans.models import Action

DONE_STATUSES = ("done", "verified")
CLOSED_STATUSES = ("done", "verified", "cancelled")


def finding_action_state(finding) -> tuple[int, int]:
    """(linked actions, finished actions) of a finding."""
    statuses = list(finding.actions.values_list("status", flat=True))
    return len(statuses), sum(1 for s in statuses if s in DONE_STATUSES)


def overdue_actions_by_entity_module(entity_ids, today) -> dict[tuple[int, int | None], int]:
    """{(entity id, module id of the finding): overdue actions from findings} in one query."""
    rows = (
        Action.objects.filter(
            origin_finding__entity_id__in=entity_ids, due_on__lt=today, origin_finding__isnull=False
        )
        .exclude(status__in=CLOSED_STATUSES)
        .values_list("origin_finding__entity_id", "origin_finding__module_id")
    )
    counts: dict[tuple[int, int | None], int] = {}
    for key in rows:
        counts[key] = counts.get(key, 0) + 1
    return counts


def has_action():
    """An annotation of a finding: whether an action comes from it (a subquery of the finding's query)."""
    from django.db.models import Exists, OuterRef

    return Exists(Action.objects.filter(origin_finding=OuterRef("pk")))
