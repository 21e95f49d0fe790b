"""Pure rules of publication periods and figure formatting (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def last_day_of_month(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` away from `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def last_twelve_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """The 12 complete months before `today`'s month: (first day, last day)."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    return add_months(end, -11), end


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before [start, end] (whole months when it is whole months)."""
    if start.day == 1 and end == last_day_of_month(end):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        before = add_months(start, -months)
        return before, start - dt.timedelta(days=1)
    length = (end - start).days + 1
    return start - dt.timedelta(days=length), start - dt.timedelta(days=1)


def month_label(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def day_label(day: dt.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def period_label(start: dt.date, end: dt.date) -> str:
    """ "année 2015", "mars 2015", "décembre 2014 à novembre 2015", or "1er mars 2015 au 15 avril 2015"."""
    whole_months = start.day == 1 and end == last_day_of_month(end)
    if whole_months:
        if start.month == 1 and end.month == 12 and start.year == end.year:
            return f"année {start.year}"
        if (start.year, start.month) == (end.year, end.month):
            return month_label(start)
        return f"{month_label(start)} à {month_label(end)}"
    return f"du {day_label(start)} au {day_label(end)}"


def rounded(value, places: int = 1) -> Decimal | None:
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def open_data_number(value) -> str:
    """A figure as written in the open-data files: a dot as decimal separator, no trailing zeros
    beyond the first decimal ("51.5", "80", "4.3"); empty when there is no value."""
    if value is None:
        return ""
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")
