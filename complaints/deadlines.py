"""Answer deadlines of requests (complaints, letters, e-mails...) received by a préfecture.

This module is pure: no Django, no I/O, no clock. Callers pass every date in,
including "today" (``as_of``) when a pause is still open.

Conventions
===========

Day 0
    The day of receipt is day 0. It never counts towards a deadline.

Calendar days (``DayKind.CALENDAR``)
    A deadline of N calendar days ends at the end of day ``receipt + N``; an
    answer sent on that day is on time. Example: received on 1 March 2015 with
    15 calendar days, the request is due on 16 March 2015. A calendar deadline
    is never moved off a weekend or a public holiday.

Working days (``DayKind.WORKING``)
    Only Monday to Friday days that are not French public holidays count,
    starting the day after receipt; the deadline ends at the end of the N-th
    such day. A request received on a Sunday therefore has the following
    Monday as its first counted day (Tuesday if that Monday is a holiday).

Public holidays
    Those of metropolitan France given by the ``holidays`` library. Pass
    ``subdiv`` (for instance ``"57"`` for Moselle) to use a subdivision's
    calendar, such as Alsace-Moselle's Good Friday and 26 December.

Pauses
    While a request waits for the requester, the clock stops. A pause
    ``Pause(start=S, end=E)`` means the request was put on hold on day S and
    resumed on day E: the paused days are the days d with ``S <= d < E`` (the
    day of resumption counts again; a pause with ``S == E`` has no effect).
    Every paused day that would otherwise have counted pushes the deadline by
    one day of the deadline's kind:

    * calendar kind: each paused day pushes the deadline by one calendar day;
    * working kind: each paused working day pushes the deadline by one working
      day, while paused weekends and holidays push nothing.

    Equivalently, the deadline is the N-th day after receipt that is of the
    right kind and not paused. It follows that:

    * only pauses starting on or before the running due date have an effect
      (a pause starting on the due date itself pushes it);
    * days on or before the day of receipt never count, so pausing them
      pushes nothing;
    * overlapping or adjacent pauses are merged, so no day is counted twice.

    An open pause (``end=None``) is treated as if the request resumed on
    ``as_of``, so it pauses the days ``start <= d < as_of``. ``due_date``
    requires ``as_of`` as soon as one pause is open. ``elapsed_days`` and
    ``is_on_time`` close open pauses on the day of the answer.

Elapsed time and on-time answers
    ``elapsed_days`` counts the days of the kind, not paused, in
    ``receipt < d <= answer``: an answer on the day of receipt took 0 days.
    ``is_on_time`` compares dates (``answer <= due date``), which is not the
    same as ``elapsed_days <= N`` for working days: an answer on the Saturday
    after a Friday deadline has the same working-day count but is late.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import holidays

__all__ = [
    "DayKind",
    "Pause",
    "add_working_days",
    "days_remaining",
    "due_date",
    "elapsed_days",
    "is_on_time",
    "is_working_day",
]

ONE_DAY = timedelta(days=1)


class DayKind(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


@dataclass(frozen=True)
class Pause:
    """The request was put on hold on ``start`` and resumed on ``end`` (``None`` while still paused)."""

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"A pause cannot end ({self.end}) before it starts ({self.start}).")


@functools.lru_cache(maxsize=256)
def _holidays_of_year(year: int, subdiv: str | None) -> frozenset[date]:
    try:
        calendar = holidays.country_holidays("FR", subdiv=subdiv, years=year)
    except NotImplementedError as exc:
        raise ValueError(f"Unknown French subdivision for public holidays: {subdiv!r}.") from exc
    return frozenset(calendar)


def is_working_day(d: date, subdiv: str | None = None) -> bool:
    """Monday to Friday and not a French public holiday."""
    return d.weekday() < 5 and d not in _holidays_of_year(d.year, subdiv)


def add_working_days(start: date, n: int, subdiv: str | None = None) -> date:
    """The n-th working day strictly after ``start``; ``start`` itself when ``n == 0``."""
    if n < 0:
        raise ValueError(f"The number of working days must be zero or positive, got {n}.")
    d = start
    for _ in range(n):
        d += ONE_DAY
        while not is_working_day(d, subdiv):
            d += ONE_DAY
    return d


def _as_kind(kind: DayKind | str) -> DayKind:
    try:
        return DayKind(kind)
    except ValueError:
        allowed = ", ".join(repr(k.value) for k in DayKind)
        raise ValueError(f"Unknown kind of days {kind!r}; expected one of {allowed}.") from None


def _check_days(days: int) -> None:
    if days < 0:
        raise ValueError(f"A deadline must be zero or more days, got {days}.")


def _check_answer(received_on: date, answered_on: date) -> None:
    if answered_on < received_on:
        raise ValueError(f"The answer ({answered_on}) cannot predate the receipt ({received_on}).")


def _paused_spans(
    pauses: Iterable[Pause | tuple[date, date | None]], received_on: date, open_until: date | None
) -> list[tuple[date, date]]:
    """Sorted, disjoint, non-adjacent half-open spans [start, end) of paused days after receipt."""
    first_counted_day = received_on + ONE_DAY
    spans = []
    for pause in pauses:
        if not isinstance(pause, Pause):
            pause = Pause(*pause)
        end = pause.end
        if end is None:
            if open_until is None:
                raise ValueError("A pause is still open (end=None): pass as_of to compute the deadline.")
            end = open_until
        start = max(pause.start, first_counted_day)
        if start < end:
            spans.append((start, end))
    spans.sort()
    merged: list[tuple[date, date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _counted_days(
    received_on: date, kind: DayKind, spans: list[tuple[date, date]], subdiv: str | None
) -> Iterator[date]:
    """Endless, increasing stream of the days that count towards the deadline."""
    remaining = iter(spans)
    span = next(remaining, None)
    d = received_on
    while True:
        d += ONE_DAY
        if span is not None and span[0] <= d:
            # Spans are merged and non-adjacent, so the resumption day is never paused.
            d = span[1]
            span = next(remaining, None)
        if kind is DayKind.CALENDAR or is_working_day(d, subdiv):
            yield d


def due_date(
    received_on: date,
    days: int,
    kind: DayKind | str = DayKind.CALENDAR,
    pauses: Iterable[Pause] = (),
    *,
    as_of: date | None = None,
    subdiv: str | None = None,
) -> date:
    """Last day on which an answer is on time (see the module docstring for the rules).

    ``as_of`` ("today") is needed only to bound open pauses.
    """
    _check_days(days)
    kind = _as_kind(kind)
    spans = _paused_spans(pauses, received_on, as_of)
    if days == 0:
        return received_on
    return next(itertools.islice(_counted_days(received_on, kind, spans, subdiv), days - 1, None))


def elapsed_days(
    received_on: date,
    answered_on: date,
    kind: DayKind | str = DayKind.CALENDAR,
    pauses: Iterable[Pause] = (),
    subdiv: str | None = None,
) -> int:
    """Days of the given kind taken to answer, paused days excluded; 0 for an answer on the day of receipt."""
    _check_answer(received_on, answered_on)
    kind = _as_kind(kind)
    spans = _paused_spans(pauses, received_on, answered_on)
    counted = _counted_days(received_on, kind, spans, subdiv)
    return sum(1 for _ in itertools.takewhile(lambda d: d <= answered_on, counted))


def is_on_time(
    received_on: date,
    answered_on: date,
    days: int,
    kind: DayKind | str = DayKind.CALENDAR,
    pauses: Iterable[Pause] = (),
    subdiv: str | None = None,
) -> bool:
    """Whether the answer was sent on or before the due date; open pauses end on the day of the answer."""
    _check_answer(received_on, answered_on)
    due = due_date(received_on, days, kind, pauses, as_of=answered_on, subdiv=subdiv)
    return answered_on <= due


def days_remaining(
    due: date,
    today: date,
    kind: DayKind | str = DayKind.CALENDAR,
    subdiv: str | None = None,
) -> int:
    """Days left until the due date: 0 on the due date, negative once it has passed.

    Calendar kind: ``(due - today).days``.
    Working kind: the working days in ``today < d <= due`` when not overdue, and
    minus the working days in ``due < d <= today`` when overdue, but at least -1
    so that a request overdue only by a weekend or a holiday still shows as late.
    """
    kind = _as_kind(kind)
    if kind is DayKind.CALENDAR:
        return (due - today).days
    if today <= due:
        return _count_working_days_after(today, due, subdiv)
    return -max(1, _count_working_days_after(due, today, subdiv))


def _count_working_days_after(start: date, end: date, subdiv: str | None) -> int:
    """Working days d with ``start < d <= end``."""
    return sum(
        1 for offset in range(1, (end - start).days + 1) if is_working_day(start + offset * ONE_DAY, subdiv)
    )
