"""The training rule of Module 1, as pure functions (no database).

A reception agent must have followed a reception training within N years (the referential's
`training_validity_years`, 4 in Qualipref 2.0) of taking the post or of their last training. So an
agent's deadline is: last reception training + N years; if never trained, taking the post + N years.
The agent is *in order* on a date when that date is before the deadline. An agent without a training
nor a date of taking the post has no deadline and is not in order (the register must be completed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from dateutil.relativedelta import relativedelta

IN_ORDER, DUE_SOON, OVERDUE = "in_order", "due_soon", "overdue"
LABELS = {IN_ORDER: "À jour", DUE_SOON: "À renouveler bientôt", OVERDUE: "Hors délai"}
BADGES = {IN_ORDER: "success", DUE_SOON: "warning", OVERDUE: "danger"}
DUE_SOON_MONTHS = 3


@lru_cache(maxsize=4096)
def _shifted(day: dt.date, *, years: int = 0, months: int = 0) -> dt.date:
    """`day` plus whole years and months (the end of a shorter month when the day is not in it). Kept per
    process: a dashboard asks the same dates for every agent and month end (300 times a view)."""
    return day + relativedelta(years=years, months=months)


def training_deadline(
    *, took_post_on: dt.date | None, reception_trainings: Iterable[dt.date], years: int, on: dt.date
) -> dt.date | None:
    """The deadline in force on `on` (only trainings held on or before `on` count)."""
    held = [d for d in reception_trainings if d <= on]
    if held:
        return _shifted(max(held), years=years)
    if took_post_on:
        return _shifted(took_post_on, years=years)
    return None


def agent_status(deadline: dt.date | None, on: dt.date, *, soon_months: int = DUE_SOON_MONTHS) -> str:
    if deadline is None or deadline <= on:
        return OVERDUE
    if deadline <= _shifted(on, months=soon_months):
        return DUE_SOON
    return IN_ORDER


def is_in_order(deadline: dt.date | None, on: dt.date) -> bool:
    return deadline is not None and deadline > on


@dataclass(frozen=True)
class Compliance:
    reception_agents: int
    in_order: int

    @property
    def rate(self) -> float | None:
        """Share of reception agents in order, in percent (None when the site has none)."""
        if not self.reception_agents:
            return None
        return round(100 * self.in_order / self.reception_agents, 1)


def compliance(deadlines: Iterable[dt.date | None], on: dt.date) -> Compliance:
    deadlines = list(deadlines)
    return Compliance(len(deadlines), sum(1 for d in deadlines if is_in_order(d, on)))
