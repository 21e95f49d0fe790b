"""The answer-deadline rule applied to stored requests: the one place the Django code asks "how many days
are left", "which requests are due within N days" and "how do we say N days".

The arithmetic is the pure `complaints.deadlines` module. This module adds what the database knows: each
request carries the rule it was created under (`deadline_days`, `deadline_kind`: the département's
parameter in force at receipt, see `services.deadline_rule`) and its département gives the public
holidays of working days (`holiday_subdivision`). The due date (`Correspondence.due_on`, kept by the services
through `deadlines.due_date`) and the days left are computed under that same rule, so a working-day
département's "due in 1 working day" on a Friday means Monday, as its deadline does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import ngettext

from . import deadlines
from .models import RUNNING_STATUSES, DaysKind, Kind

# The bounds of an answer deadline a département may set (a deadline of 0 or 400 days is refused).
MIN_DEADLINE_DAYS, MAX_DEADLINE_DAYS = 1, 365
# The receipt date of the settings page's live example: a Friday that is a public holiday (1 May),
# followed by the 8 May and Ascension holidays, so calendar and working days visibly differ.
EXAMPLE_RECEIPT = dt.date(2026, 5, 1)


@dataclass(frozen=True)
class DeadlineRule:
    """How long a kind of request may wait for its answer: `days` of `days_kind` after receipt, the
    clock stopped while the request waits for the requester when `pauses`."""

    kind: str
    days: int
    days_kind: str
    pauses: bool = True


def rule_keys(kind: str) -> dict[str, str]:
    """The parameter keys of a kind's rule (the referential's YAML names the first two)."""
    return {
        "days": f"{kind}_answer_days",
        "days_kind": f"{kind}_days_kind",
        "pauses": f"{kind}_pause_when_waiting",
    }


def deadline_rule_errors(rule: DeadlineRule) -> list[str]:
    """French messages for a rule that cannot be applied."""
    label = Kind(rule.kind).label.lower() if rule.kind in Kind.values else rule.kind
    errors = []
    if rule.kind not in Kind.values:
        errors.append(f"Type de demande inconnu : « {rule.kind} ».")
    if not MIN_DEADLINE_DAYS <= rule.days <= MAX_DEADLINE_DAYS:
        errors.append(
            f"Délai de {rule.days} jours refusé ({label}) : choisissez entre {MIN_DEADLINE_DAYS} et "
            f"{MAX_DEADLINE_DAYS} jours."
        )
    if rule.days_kind not in DaysKind.values:
        errors.append(f"Décompte inconnu : « {rule.days_kind} » ({label}).")
    return errors


def french_date(day: dt.date) -> str:
    """« vendredi 1er mai 2026 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{date_format(day, 'l')} {number} {date_format(day, 'F Y')}"


def example_sentence(rule: DeadlineRule, department=None, received: dt.date = EXAMPLE_RECEIPT) -> str:
    """The live example of the settings page, computed by the rule code itself: « Une réclamation reçue le
    vendredi 1er mai 2026 est à traiter au plus tard le samedi 16 mai 2026 (15 jours calendaires). »"""
    due = deadlines.due_date(received, rule.days, rule.days_kind, [], subdiv=holiday_subdivision(department))
    noun = {
        Kind.COMPLAINT: "Une réclamation reçue",
        Kind.SUGGESTION: "Une suggestion reçue",
        Kind.LETTER: "Un courrier reçu",
        Kind.EMAIL: "Un courriel reçu",
        Kind.ELECTED_REQUEST: "Une demande d'élu reçue",
        Kind.OBSERVATION_LETTER: "Une lettre d'observation à préparer, reçue",
    }.get(rule.kind, "Une demande reçue")
    return (
        f"{noun} le {french_date(received)} est à traiter au plus tard le {french_date(due)} "
        f"({days_label(rule.days, rule.days_kind)})."
    )


# French subdivisions whose public holidays differ from the national calendar (holidays library codes).
HOLIDAY_SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
}


def holiday_subdivision(department) -> str | None:
    return HOLIDAY_SUBDIVISIONS.get(getattr(department, "code", None))


def days_left(correspondence, today: dt.date, *, department_code: str | None = None) -> int:
    """Days until the request's due date under its own rule: 0 on the due date, negative once past.

    Reads the département's code from `department_code`, else from `request.site.entity.department`
    (select it with the request)."""
    if department_code is None:
        department_code = correspondence.site.entity.department.code
    return deadlines.days_remaining(
        correspondence.due_on,
        today,
        correspondence.deadline_kind,
        subdiv=HOLIDAY_SUBDIVISIONS.get(department_code),
    )


def days_label(n: int, kind: str) -> str:
    """« 1 jour ouvré », « 3 jours calendaires »: a number of days always says which days it counts."""
    if kind == DaysKind.WORKING:
        return ngettext("%(n)d jour ouvré", "%(n)d jours ouvrés", n) % {"n": n}
    return ngettext("%(n)d jour calendaire", "%(n)d jours calendaires", n) % {"n": n}


def _last_day_within(today: dt.date, days: int, kind: str, subdiv: str | None) -> dt.date:
    """The latest due date whose `days_remaining` from `today` is at most `days`."""
    if kind == DaysKind.CALENDAR:
        return today + dt.timedelta(days=days)
    return deadlines.add_working_days(today, days + 1, subdiv) - deadlines.ONE_DAY


def due_within_q(today: dt.date, days: int) -> Q:
    """Running requests due today or within `days` days, each counted under its own rule (calendar days,
    or working days of its département's calendar). One condition per holiday calendar, no per-row work."""
    special = sorted(set(HOLIDAY_SUBDIVISIONS.values()))
    working = Q(
        ~Q(site__entity__department__code__in=list(HOLIDAY_SUBDIVISIONS)),
        due_on__lte=_last_day_within(today, days, DaysKind.WORKING, None),
    )
    for subdiv in special:
        codes = [code for code, s in HOLIDAY_SUBDIVISIONS.items() if s == subdiv]
        working |= Q(
            site__entity__department__code__in=codes,
            due_on__lte=_last_day_within(today, days, DaysKind.WORKING, subdiv),
        )
    calendar = Q(
        deadline_kind=DaysKind.CALENDAR, due_on__lte=_last_day_within(today, days, DaysKind.CALENDAR, None)
    )
    return Q(status__in=RUNNING_STATUSES, due_on__gte=today) & (
        calendar | Q(working, deadline_kind=DaysKind.WORKING)
    )


def reminder_horizon(today: dt.date, days: int) -> dt.date:
    """The latest due date that may be within `days` days of `today` under any rule (working days reach
    furthest): the bound of a query that `days_left` then refines row by row."""
    return max(
        _last_day_within(today, days, DaysKind.CALENDAR, None),
        *(_last_day_within(today, days, DaysKind.WORKING, s) for s in (None, *HOLIDAY_SUBDIVISIONS.values())),
    )
