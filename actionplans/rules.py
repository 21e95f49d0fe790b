"""Pure rules of actions (no database): dates, what a status change needs, reminder levels."""

from __future__ import annotations

import datetime as dt

from qualipref.notifications.registry import Level, due_level

from . import models as m

OPEN = ("planned", "in_progress")


def date_errors(*, start_on: dt.date | None, due_on: dt.date | None) -> dict[str, str]:
    if start_on and due_on and due_on < start_on:
        return {"due_on": m.ERR_DUE_BEFORE_START}
    return {}


def transition_errors(
    *,
    target: str,
    start_on: dt.date | None,
    completed_on: dt.date | None,
    verification_note: str,
    cancel_reason: str,
    today: dt.date,
) -> dict[str, str]:
    """What is missing or wrong to move an action to `target` (the transition map is checked apart)."""
    errors = {}
    if target in m.Action.DONE_STATUSES:
        if completed_on is None:
            errors["completed_on"] = m.ERR_DONE_WITHOUT_DATE
        elif completed_on > today:
            errors["completed_on"] = m.ERR_COMPLETED_IN_FUTURE
        elif start_on and completed_on < start_on:
            errors["completed_on"] = m.ERR_COMPLETED_BEFORE_START
    if target == m.Action.Status.VERIFIED and not (verification_note or "").strip():
        errors["verification_note"] = m.ERR_VERIFIED_WITHOUT_NOTE
    if target == m.Action.Status.CANCELLED and not (cancel_reason or "").strip():
        errors["cancel_reason"] = m.ERR_CANCEL_WITHOUT_REASON
    return errors


def is_overdue(status: str, due_on: dt.date, today: dt.date) -> bool:
    return status in OPEN and due_on < today


def reminder_levels(*, status: str, due_on: dt.date, today: dt.date, soon_days: int, escalation_days: int):
    """The reminder levels an action has reached today: due_soon, overdue, escalation_referent."""
    if status not in OPEN:
        return []
    level = due_level(due_on, today, soon_days)
    if level is None:
        return []
    if level == Level.OVERDUE and (today - due_on).days >= escalation_days:
        return [level, Level.ESCALATION_REFERENT]
    return [level]
