"""Occurrences of a deadline: a pure function over dates (no database), built on dateutil's rrule.

A deadline starts on `starts_on`; `ends_on`, when given, closes the first occurrence's period (a May–June
survey: 1 May → 30 June). A recurring deadline repeats that period every month, quarter or year until
`until`. A day that does not exist in a month (31, or 29 February) falls on the month's last day.

A recurring meeting (`working_days=True`: the monthly steering committee, the yearly users' committee)
falls on a working day: an occurrence on a Saturday, a Sunday or a French public holiday (the calendar of
the `holidays` library, as the answer deadlines count them, with the département's subdivision) moves
to the next working day, its period with it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, rrule

from complaints.deadlines import is_working_day

ONCE, MONTHLY_, QUARTERLY, YEARLY = "once", "monthly", "quarterly", "yearly"
STEP_MONTHS = {MONTHLY_: 1, QUARTERLY: 3, YEARLY: 12}


@dataclass(frozen=True)
class Occurrence:
    starts_on: dt.date
    ends_on: dt.date  # same as starts_on for a one-day deadline

    @property
    def is_period(self) -> bool:
        return self.ends_on != self.starts_on


def _clamped(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_working_day(day: dt.date, subdiv: str | None = None) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, subdiv):
        day += dt.timedelta(days=1)
    return day


def occurrences(
    *,
    frequency: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    until: dt.date | None = None,
    window_start: dt.date,
    window_end: dt.date,
    working_days: bool = False,
    subdiv: str | None = None,
) -> list[Occurrence]:
    """The occurrences whose period meets [window_start, window_end], in date order; with `working_days`,
    each recurrence is moved to a working day (the first occurrence is the date a person chose)."""
    if window_end < window_start:
        return []
    period_end = ends_on or starts_on
    if frequency == ONCE:
        if starts_on <= window_end and period_end >= window_start:
            return [Occurrence(starts_on, period_end)]
        return []
    if frequency not in STEP_MONTHS:
        raise ValueError(f"Périodicité inconnue : {frequency}")
    step = STEP_MONTHS[frequency]
    # The period's length in months and days, kept for every occurrence (1 May → 30 June stays so).
    span = relativedelta(period_end, starts_on)
    last_start = min(window_end, until) if until else window_end
    # Months from the first occurrence, on the first of the month; the day is applied afterwards so
    # that a deadline on the 31st falls on the last day of shorter months instead of being skipped.
    first_month = starts_on.replace(day=1)
    # Skip ahead to just before the window: occurrences cannot start earlier than window_start - span.
    earliest = window_start - span - relativedelta(months=step)
    if earliest > first_month:
        months_between = (earliest.year - first_month.year) * 12 + earliest.month - first_month.month
        first_month = first_month + relativedelta(months=months_between - months_between % step)
    result = []
    for month in rrule(MONTHLY, interval=step, dtstart=first_month, until=last_start.replace(day=1)):
        nominal = _clamped(month.year, month.month, starts_on.day)
        if nominal < starts_on or nominal > last_start:
            continue
        start = nominal
        if working_days and nominal != starts_on:
            start = next_working_day(nominal, subdiv)
            if start > window_end:
                continue
        end = start + span if ends_on else start
        if end >= window_start:
            result.append(Occurrence(start, end))
    return result


def next_occurrence(*, frequency, starts_on, ends_on=None, until=None, after: dt.date) -> Occurrence | None:
    """The first occurrence whose period has not ended before `after`."""
    found = occurrences(
        frequency=frequency,
        starts_on=starts_on,
        ends_on=ends_on,
        until=until,
        window_start=after,
        window_end=after + relativedelta(years=2),
    )
    return found[0] if found else None


DONE, OVERDUE, DUE_SOON, UPCOMING, PAST = "done", "overdue", "due_soon", "upcoming", "past"
STATUS_LABELS = {DONE: "Fait", OVERDUE: "En retard", DUE_SOON: "Bientôt", UPCOMING: "À venir", PAST: "Passé"}
STATUS_BADGES = {
    DONE: "success",
    OVERDUE: "danger",
    DUE_SOON: "warning",
    UPCOMING: "secondary",
    PAST: "light",
}
OVERDUE_LOOKBACK_DAYS = 30


def occurrence_status(occurrence: Occurrence, *, today: dt.date, remind_days: int, done: bool) -> str:
    """Done; overdue for a month after its period ended undone (then simply past); due soon from
    `remind_days` before it starts to its end; upcoming otherwise."""
    if done:
        return DONE
    if occurrence.ends_on < today:
        if (today - occurrence.ends_on).days <= OVERDUE_LOOKBACK_DAYS:
            return OVERDUE
        return PAST
    if occurrence.starts_on - dt.timedelta(days=remind_days) <= today:
        return DUE_SOON
    return UPCOMING
