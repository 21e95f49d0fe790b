"""Dates as a person reads them, in French: « aujourd'hui », « hier », « dans 3 jours », « depuis le
12 mars 2024 ». A pure module (no database): `today` is always an input, so tests and the template
filter (`{% load human_dates %}`, `{{ day|human_date }}`) give the same words for the same day.

Near days are said as a count (up to `NEAR_DAYS`), farther ones as the date itself: nobody reads
« en retard de 3457 jours ».
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import ngettext

NEAR_DAYS = 14


def long_date(day: dt.date, today: dt.date | None = None) -> str:
    """« 12 mars 2024 » (« 1er mars 2024 »); the year is left out for a day of the current year."""
    number = "1er" if day.day == 1 else str(day.day)
    if today is not None and day.year == today.year:
        return f"{number} {date_format(day, 'F')}"
    return f"{number} {date_format(day, 'F Y')}"


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def relative(day: dt.date, today: dt.date) -> str:
    """« aujourd'hui », « demain », « hier », « dans 3 jours », « il y a 3 jours »; farther, « le 12 mars
    2024 »."""
    n = (day - today).days
    if n == 0:
        return "aujourd'hui"
    if n == 1:
        return "demain"
    if n == -1:
        return "hier"
    if 1 < n <= NEAR_DAYS:
        return ngettext("dans %(n)d jour", "dans %(n)d jours", n) % {"n": n}
    if -NEAR_DAYS <= n < -1:
        return ngettext("il y a %(n)d jour", "il y a %(n)d jours", -n) % {"n": -n}
    return f"le {long_date(day, today)}"


def since(day: dt.date, today: dt.date) -> str:
    """How long something has been so: « depuis aujourd'hui », « depuis hier », « depuis 3 jours »,
    else « depuis le 12 mars 2024 »."""
    n = (today - day).days
    if n <= 0:
        return "depuis aujourd'hui"
    if n == 1:
        return "depuis hier"
    if n <= NEAR_DAYS:
        return ngettext("depuis %(n)d jour", "depuis %(n)d jours", n) % {"n": n}
    return f"depuis le {long_date(day, today)}"


def due_phrase(day: dt.date, today: dt.date) -> str:
    """A deadline in words: « en retard depuis le 12 mars 2024 », « à faire aujourd'hui »,
    « échéance demain », « échéance dans 3 jours », « échéance le 2 juin »."""
    if day < today:
        return f"en retard {since(day, today)}"
    if day == today:
        return "échéance aujourd'hui"
    return f"échéance {relative(day, today)}"


def human_date(value, mode: str = "", today: dt.date | None = None) -> str:
    """The one entry point of the template filter: `mode` is "" (relative), "depuis" (since) or
    "echeance" (a deadline). Anything that is not a date is returned as an empty string."""
    day = _as_date(value)
    if day is None:
        return ""
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    if mode == "depuis":
        return since(day, today)
    if mode == "echeance":
        return due_phrase(day, today)
    return relative(day, today)
