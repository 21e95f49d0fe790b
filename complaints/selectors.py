"""Reads: the register (scoped) and one request. The figures are in `complaints/figures.py`."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from sites.access import READ, get_for_user, visible

from . import deadline_rule
from .models import DONE_STATUSES, RUNNING_STATUSES, Correspondence, ModelAnswer, Status


def correspondences_for_user(user, *, perm: str = READ) -> QuerySet[Correspondence]:
    """The register of the user's scope, with what a list row shows (no query per row)."""
    return visible(user, Correspondence.objects, perm=perm).select_related(
        "site__entity__department", "reception_point", "assigned_to"
    )


def correspondence_for_user(user, pk: int, *, perm: str = READ) -> Correspondence:
    """One request of the user's scope: 404 outside it, 403 when `perm` is not held on it."""
    # what the pages show (the département's code counts working days); each join costs planning time
    queryset = Correspondence.objects.select_related(
        "site__entity__department", "reception_point", "assigned_to", "created_by"
    )
    return get_for_user(queryset, user, perm=perm, pk=pk)


def overdue_q(today: dt.date) -> Q:
    """Open requests whose clock runs and whose due date has passed (paused ones are not overdue)."""
    return Q(status__in=RUNNING_STATUSES, due_on__lt=today)


def late_unanswered_q(today: dt.date) -> Q:
    """Past its due date without an answer on `today`: late in every on-time figure."""
    return overdue_q(today) & Q(answered_on__isnull=True)


def due_soon_q(today: dt.date, days: int) -> Q:
    """Running requests due within `days` days, each under its own rule (calendar or working days)."""
    return deadline_rule.due_within_q(today, days)


def model_answers_for(correspondence: Correspondence) -> list[ModelAnswer]:
    """Model answers of the request's département that fit its kind (or every kind)."""
    return list(
        ModelAnswer.objects.filter(department_id=correspondence.site.entity.department_id)
        .filter(Q(kind="") | Q(kind=correspondence.kind))
        .order_by("topic", "title")
    )


__all__ = [
    "DONE_STATUSES",
    "Status",
    "due_soon_q",
    "model_answers_for",
    "overdue_q",
    "correspondence_for_user",
    "correspondences_for_user",
]
