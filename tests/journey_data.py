"""The input of the onboarding journey (tests/test_onboarding_journey.py) and the figures it expects,
computed here in plain Python from the input rows alone.

The due dates are computed with the `holidays` library (French public holidays), NOT with the project's
deadline code (complaints/deadlines.py): the convention is the one the whole app states (DOMAIN.md §4):
day 0 is the day of receipt; in working days only Monday–Friday days that are not French public holidays
count, from the day after receipt, and the deadline ends at the end of the N-th such day; an answer on
that day is on time. The time an answer took counts, likewise, the working days d with
receipt < d <= answer.

The on-time rate is: answered on time ÷ (answered + past due without an answer), over the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import holidays

# ---- the organisation --------------------------------------------------------------------------------------

DEPARTMENT = {
    "code": "05",
    "name": "Hautes-Alpes",
    "prefecture": "Préfecture des Hautes-Alpes",
    "time_zone": "Europe/Paris",
}
QUALITY_EMAIL = "qualite@hautes-alpes.example"
ENTITIES = [
    # code, name, kind label
    ("prefecture-05", "Préfecture des Hautes-Alpes", "Préfecture"),
    ("sp-briancon", "Sous-préfecture de Briançon", "Sous-préfecture"),
]
SITES = [
    # code, name, entity code, city
    ("gap", "Gap", "prefecture-05", "Gap"),
    ("embrun", "Embrun", "prefecture-05", "Embrun"),
    ("briancon", "Briançon", "sp-briancon", "Briançon"),
]
# The deadlines the quality manager sets on /parametres/ (working days).
DEADLINES = {"complaint": 10, "suggestion": 15}
KIND_LABELS = {"complaint": "Réclamation", "suggestion": "Suggestion"}
CHANNELS = ["Courrier postal", "Courriel", "", "Registre sur site", "Formulaire en ligne", "Téléphone"]

# The users' survey: the seven default criteria of a new campaign (surveys.defaults.USER_CRITERIA), in
# their order; the test reads their labels from the template's « Valeurs acceptées » sheet.
CONCERNED = 40  # respondents per unit and criterion: every rate is a multiple of 2.5 (one decimal, exact)


# ---- working days (the `holidays` library) -----------------------------------------------------------------


@cache
def _french_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("FR", years=year))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def working_due_date(received: dt.date, days: int) -> dt.date:
    day, counted = received, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(received: dt.date, answered: dt.date) -> int:
    return sum(
        1 for n in range(1, (answered - received).days + 1) if is_working_day(received + dt.timedelta(days=n))
    )


# ---- the year of requests ----------------------------------------------------------------------------------

# Calendar days between receipt and answer, None for no answer; each site starts at a different place in
# the cycle, so that the sites' rates differ. 13 to 16 calendar days fall on either side of a 10-working-day
# deadline depending on weekends and holidays: the expected figure depends on the working-day rule.
ANSWER_AFTER = [3, 9, 13, None, 15, 6, 22, 14, 11, 16, 2, None, 8, 19]


@dataclass(frozen=True)
class Row:
    site: str  # site code
    kind: str  # "complaint" / "suggestion"
    received: dt.date
    answered: dt.date | None
    subject: str
    channel: str
    requester: str

    @property
    def due(self) -> dt.date:
        return working_due_date(self.received, DEADLINES[self.kind])

    @property
    def on_time(self) -> bool:
        return self.answered is not None and self.answered <= self.due

    def late_unanswered(self, today: dt.date) -> bool:
        return self.answered is None and self.due < today

    @property
    def answer_days(self) -> int | None:
        return working_days_between(self.received, self.answered) if self.answered else None


def requests_of(year: int) -> list[Row]:
    """A year of requests on the three sites: three a month from January to November, two on the first
    days of December. Every deadline (10 or 15 working days) ends before 31 December, so that "past due"
    is the same whatever day of the next years the test runs."""
    rows = []
    n = 0
    for site_index, (code, _name, _entity, _city) in enumerate(SITES):
        for month in range(1, 13):
            days = [1, 2] if month == 12 else [4, 12, 20]
            for day in days:
                received = dt.date(year, month, day + site_index)
                after = ANSWER_AFTER[(n + 5 * site_index) % len(ANSWER_AFTER)]
                kind = "suggestion" if n % 7 == 3 else "complaint"
                rows.append(
                    Row(
                        site=code,
                        kind=kind,
                        received=received,
                        answered=received + dt.timedelta(days=after) if after is not None else None,
                        subject=f"{KIND_LABELS[kind]} n° {n + 1} : accueil et délais",
                        channel=CHANNELS[n % len(CHANNELS)],
                        requester=f"Usager {n + 1}",
                    )
                )
                n += 1
    return rows


def register_row(row: Row, headers: list[str]) -> list:
    """The row as the register template's columns (read from the template's header row)."""
    values = {
        "Site (code)": row.site,
        "Type": KIND_LABELS[row.kind],
        "Canal": row.channel or None,
        "Reçue le": row.received,
        "Objet": row.subject,
        "Nom du requérant": row.requester,
        "Répondue le": row.answered,
        "Réponse": "Réponse envoyée au requérant." if row.answered else None,
    }
    return [values.get(h) for h in headers]


# ---- the figures expected ----------------------------------------------------------------------------------


def share(on_time: int, basis: int) -> float | None:
    return round(100 * on_time / basis, 1) if basis else None


def site_figures(rows: list[Row], today: dt.date) -> dict:
    """The annual report's figures of a group of requests (complaints and suggestions)."""
    answered = [r for r in rows if r.answered]
    late = [r for r in rows if r.late_unanswered(today)]
    days = [r.answer_days for r in answered]
    basis = len(answered) + len(late)
    return {
        "complaints": sum(1 for r in rows if r.kind == "complaint"),
        "suggestions": sum(1 for r in rows if r.kind == "suggestion"),
        "received": len(rows),
        "answered": len(answered),
        "answered_on_time": sum(1 for r in answered if r.on_time),
        "late_unanswered": len(late),
        "on_time_share": share(sum(1 for r in answered if r.on_time), basis),
        "on_time_basis": basis,
        "mean_answer_days": round(sum(days) / len(days), 1) if days else None,
        "max_answer_days": max(days) if days else None,
    }


def annual_figures(rows: list[Row], today: dt.date) -> dict[str, dict]:
    """{site code: figures}, and "total"."""
    result = {code: site_figures([r for r in rows if r.site == code], today) for code, *_ in SITES}
    result["total"] = site_figures(rows, today)
    return result


def monthly_complaint_share(rows: list[Row], site: str, month: dt.date, today: dt.date) -> float | None:
    """The dashboard's indicator « Réclamations répondues dans le délai » of one site and month: the
    complaints (not the suggestions) received in the month."""
    chosen = [
        r
        for r in rows
        if r.site == site
        and r.kind == "complaint"
        and (r.received.year, r.received.month) == (month.year, month.month)
    ]
    answered = [r for r in chosen if r.answered]
    late = [r for r in chosen if r.late_unanswered(today)]
    return share(sum(1 for r in answered if r.on_time), len(answered) + len(late))


def complaint_figures(rows: list[Row], site: str, today: dt.date) -> dict:
    """The year's figures of one site's complaints (the indicators' « valeur de l'année »)."""
    return site_figures([r for r in rows if r.site == site and r.kind == "complaint"], today)


def monthly_complaint_shares(rows: list[Row], site: str, year: int, today: dt.date) -> list[float | None]:
    return [monthly_complaint_share(rows, site, dt.date(year, m, 1), today) for m in range(1, 13)]


def latest_complaint_share(rows: list[Row], site: str, month: dt.date, today: dt.date) -> float | None:
    """What the dashboard shows for `month`: the latest month up to it with a value (12-month window)."""
    for back in range(12):
        year, index = divmod(month.year * 12 + month.month - 1 - back, 12)
        value = monthly_complaint_share(rows, site, dt.date(year, index + 1, 1), today)
        if value is not None:
            return value
    return None


def overdue_now(rows: list[Row], site: str, today: dt.date) -> int:
    """The dashboard's « Réclamations et demandes en retard » (open, due date passed)."""
    return sum(1 for r in rows if r.site == site and r.late_unanswered(today))


def satisfied_counts(site_index: int, criteria: int) -> list[int]:
    """Satisfied respondents (of CONCERNED) per criterion for one site's unit."""
    return [22 + (7 * site_index + 5 * c) % 17 for c in range(criteria)]


# ---- French formats (as printed) ---------------------------------------------------------------------------


def fr_number(value) -> str:
    if value is None:
        return "—"
    if float(value) == int(value):
        return str(int(value))
    return f"{float(value):.1f}".replace(".", ",")


def fr_percent(value) -> str:
    return "—" if value is None else f"{fr_number(value)} %"
