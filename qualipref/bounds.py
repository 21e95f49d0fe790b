"""Plausible values at every entry point (staff form, import, API, public form): one rule, written once.

A register of the label holds dates from 2000 (the label's first years) to the end of next year; a date
of the year 1 or 99999 is a typing error, refused with a French message wherever it comes from. Model
fields carry `plausible_date` as a validator, so ModelForms and services' `full_clean()` both apply it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible

EARLIEST_YEAR = 2000


def latest_year(today: dt.date | None = None) -> int:
    return (today or timezone.localdate()).year + 1


def date_window_error(value: dt.date | None, today: dt.date | None = None) -> str | None:
    """The French reason why `value` is implausible, or None."""
    if value is None:
        return None
    last = latest_year(today)
    if not EARLIEST_YEAR <= value.year <= last:
        return f"Date invraisemblable : saisissez une date comprise entre {EARLIEST_YEAR} et {last}."
    return None


@deconstructible(path="qualipref.bounds.PlausibleDate")
class PlausibleDate:
    """Model/form field validator: a date between 1 January 2000 and 31 December of next year."""

    def __call__(self, value):
        if isinstance(value, dt.datetime):
            value = value.date()
        if (message := date_window_error(value)) is not None:
            raise ValidationError(message, code="implausible_date")

    def __eq__(self, other):
        return isinstance(other, PlausibleDate)

    def __hash__(self):
        return hash(PlausibleDate)


plausible_date = PlausibleDate()
