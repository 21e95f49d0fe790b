"""Computed indicators: each reads another app's selector (never a copy of its data).

A computation is `compute(site_ids, start, end, param) -> {(site_id, month): value}` where `month` is
the first day of a month between `start` and `end`, plus the French text that says how the figure is
computed. One call covers every site and month asked for: the dashboard calls each computation once,
whatever the number of sites and months (a constant number of queries).

Only computations whose source selector exists are registered: a figure is never faked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import rules

Values = dict[tuple[int, dt.date], float]


@dataclass(frozen=True)
class Computation:
    code: str
    label: str
    unit: str  # Indicator.Unit value
    direction: str  # Indicator.Direction value
    how: str  # how it is computed, in French, shown next to the figure
    source: str  # the app whose records it reads
    compute: Callable[[list[int], dt.date, dt.date, str], Values]
    needs_param: bool = False
    # "site": values per site; "department": one value per département (keyed by its id), e.g. exercises
    level: str = "site"
    # True when the source answers for one date at a time (a stock such as training compliance): the
    # computation then costs a few queries per month, so the dashboard's table asks only for its month.
    per_month: bool = False
    # For a computation with a parameter: one call for several parameters (e.g. every survey criterion
    # at once), so that adding an indicator per criterion adds no query.
    compute_many: Callable[[list[int], dt.date, dt.date, list[str]], dict[str, Values]] | None = None
    # The figure over a whole period (a year) per site, computed from the period's counts: a rate over a
    # year is never the mean of its monthly rates. None when the computation has no such figure.
    compute_period: Callable[[list[int], dt.date, dt.date, str], dict[int, float]] | None = None
    # Computations that are figures of the same source rows (the complaints' monthly figures: the share
    # answered on time and the mean answer time) name the same `reading` (sites, start, end -> rows) and
    # take their values from its rows with `pick(rows, param)`: the dashboard reads those rows once for
    # all of them (`indicators.selectors.monthly_values`). `compute` is then `pick(reading(...), param)`.
    reading: Callable[[list[int], dt.date, dt.date], object] | None = None
    pick: Callable[[object, str], Values] | None = None


_registry: dict[str, Computation] = {}


def register(computation: Computation) -> None:
    _registry[computation.code] = computation


def registry() -> dict[str, Computation]:
    return dict(_registry)


def get(code: str) -> Computation | None:
    return _registry.get(code)


def choices() -> list[tuple[str, str]]:
    return [(c.code, c.label) for c in sorted(_registry.values(), key=lambda c: c.label)]


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.replace(day=1)


# ---- complaints ------------------------------------------------------------------------------------


def _complaint_figures(
    site_ids: Iterable[int], start: dt.date, end: dt.date, group_by=("site", "month")
) -> list[dict]:
    """The complaints' figures per site and month (by default): the one reading both complaint computations
    pick their figures from."""
    from complaints.figures import correspondence_figures
    from complaints.models import Kind

    return correspondence_figures(
        site_ids=site_ids, start=start, end=end, kinds=[Kind.COMPLAINT], group_by=group_by
    )


def complaints_on_time_period(site_ids, start, end, param="") -> dict[int, float]:
    return {
        row["site_id"]: row["on_time_share"]
        for row in _complaint_figures(site_ids, start, end, group_by=("site",))
        if row["on_time_share"] is not None
    }


def complaints_mean_days_period(site_ids, start, end, param="") -> dict[int, float]:
    return {
        row["site_id"]: row["mean_answer_days"]
        for row in _complaint_figures(site_ids, start, end, group_by=("site",))
        if row["mean_answer_days"] is not None
    }


def _picker(figure: str) -> Callable[[list[dict], str], Values]:
    def pick(rows: list[dict], param: str = "") -> Values:
        return {
            (row["site_id"], _month(row["month"])): row[figure] for row in rows if row[figure] is not None
        }

    return pick


def _from_reading(reading, pick) -> Callable[[list[int], dt.date, dt.date, str], Values]:
    def compute(site_ids, start, end, param="") -> Values:
        return pick(reading(site_ids, start, end), param)

    return compute


_pick_on_time_share = _picker("on_time_share")
_pick_mean_answer_days = _picker("mean_answer_days")
complaints_on_time_share = _from_reading(_complaint_figures, _pick_on_time_share)
complaints_mean_answer_days = _from_reading(_complaint_figures, _pick_mean_answer_days)


register(
    Computation(
        code="complaints_on_time_share",
        label="Réclamations répondues dans le délai",
        unit="percent",
        direction="higher",
        how=(
            "Réclamations reçues dans le mois et répondues dans le délai ÷ (réclamations reçues dans le "
            "mois et répondues + celles dont l'échéance est passée sans réponse), par site (registre des "
            "réclamations) ; sur l'année, le même calcul sur les réclamations de l'année."
        ),
        source="complaints",
        compute=complaints_on_time_share,
        compute_period=complaints_on_time_period,
        reading=_complaint_figures,
        pick=_pick_on_time_share,
    )
)
register(
    Computation(
        code="complaints_mean_answer_days",
        label="Délai moyen de réponse aux réclamations",
        unit="days",
        direction="lower",
        how=(
            "Moyenne, sur les réclamations reçues dans le mois et répondues, du nombre de jours entre la "
            "réception et la réponse (jours calendaires ou ouvrés selon le délai de chaque réclamation, "
            "jours de suspension exclus)."
        ),
        source="complaints",
        compute=complaints_mean_answer_days,
        compute_period=complaints_mean_days_period,
        reading=_complaint_figures,
        pick=_pick_mean_answer_days,
    )
)


# ---- steering: training compliance, crisis exercises, communication ----------------------------------


def _month_ends(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """(month, the date the stock is read on): the month's last day, or today for the current month."""
    from django.utils import timezone

    today = timezone.localdate()
    return [(m, min(rules.month_end(m), today)) for m in months_between(start, end) if m <= today]


def training_compliance(site_ids, start, end, param="") -> Values:
    from steering.figures import training_compliance_on

    ends = _month_ends(start, end)
    by_date = training_compliance_on(site_ids, [on for _, on in ends])
    values: Values = {}
    for month, on in ends:
        for row in by_date[on]:
            if row["rate"] is not None:
                values[(row["site_id"], month)] = float(row["rate"])
    return values


def crisis_exercises(site_ids, start, end, param="") -> Values:
    from steering.figures import exercises_held

    counts = dict.fromkeys(months_between(start, end), 0)
    for item in exercises_held(site_ids, start, end)["items"]:
        counts[_month(item["date"])] += 1
    return {(None, m): n for m, n in counts.items()}


def newsletters(site_ids, start, end, param="") -> Values:
    from steering.figures import newsletters as source

    counts = dict.fromkeys(months_between(start, end), 0)
    for item in source(site_ids, start, end):
        counts[_month(item["date"])] += 1
    return {(None, m): n for m, n in counts.items()}


def social_posts(site_ids, start, end, param="") -> Values:
    from steering.figures import social_media_counts

    counts = dict.fromkeys(months_between(start, end), 0)
    for row in social_media_counts(site_ids, start, end)["by_month"]:
        counts[_month(row["month"])] += row["posts"]
    return {(None, m): n for m, n in counts.items()}


register(
    Computation(
        code="training_compliance",
        label="Agents d'accueil formés depuis moins de 4 ans",
        unit="percent",
        direction="higher",
        how=(
            "Agents d'accueil en poste à la fin du mois dont la dernière formation à l'accueil (ou, à "
            "défaut, "
            "la prise de poste) date de moins de la durée de validité du référentiel (4 ans) ÷ agents "
            "d'accueil en poste, par site (registre des formations)."
        ),
        source="steering",
        compute=training_compliance,
        per_month=True,
    )
)
register(
    Computation(
        code="crisis_exercises",
        label="Exercices de crise réalisés",
        unit="count",
        direction="higher",
        how=(
            "Nombre d'exercices de crise tenus dans le mois, avec ou sans activation de la CIP "
            "(registre du module 7)."
        ),
        source="steering",
        compute=crisis_exercises,
        level="department",
    )
)
register(
    Computation(
        code="newsletters",
        label="Numéros de la lettre qualité publiés",
        unit="count",
        direction="higher",
        how=(
            "Nombre de numéros de la lettre interne du département publiés dans le mois "
            "(registre de la communication)."
        ),
        source="steering",
        compute=newsletters,
        level="department",
    )
)
register(
    Computation(
        code="social_posts",
        label="Publications sur les réseaux sociaux",
        unit="count",
        direction="higher",
        how=(
            "Somme des publications déclarées pour le mois, tous réseaux confondus "
            "(registre de la communication)."
        ),
        source="steering",
        compute=social_posts,
        level="department",
    )
)


# ---- audits: open non-conformities -------------------------------------------------------------------


def open_nonconformities(site_ids, start, end, param="") -> Values:
    from audits.figures import open_nonconformity_counts_on

    ends = _month_ends(start, end)
    by_date = open_nonconformity_counts_on(site_ids=list(site_ids), dates=[on for _, on in ends])
    values: Values = {}
    for month, on in ends:
        per_site = by_date[on]["sites"]
        for site_id in site_ids:
            values[(site_id, month)] = per_site.get(site_id, 0)
    return values


register(
    Computation(
        code="open_nonconformities",
        label="Non-conformités ouvertes",
        unit="count",
        direction="lower",
        how=(
            "Non-conformités (mineures et majeures) constatées sur le site jusqu'à la fin du mois et non "
            "levées à ce jour (constats d'audit ; celles qui visent toute l'entité sont comptées à part)."
        ),
        source="audits",
        compute=open_nonconformities,
        per_month=True,
    )
)


# ---- action plans: actions done on time --------------------------------------------------------------


def actions_on_time_share(site_ids, start, end, param="") -> Values:
    from actionplans.figures import done_on_time_by_site_and_month

    months = months_between(start, end)
    if not months:
        return {}
    counts = done_on_time_by_site_and_month(
        site_ids=list(site_ids), start=months[0], end=rules.month_end(months[-1])
    )
    return {
        (site_id, month): round(100 * on_time / done, 1)
        for (site_id, month), (done, on_time) in counts.items()
        if site_id is not None and done
    }


def actions_on_time_period(site_ids, start, end, param="") -> dict[int, float]:
    from actionplans.figures import action_figures

    figures = action_figures(start=start, end=end, site_ids=list(site_ids))
    return {
        row["key"]: round(100 * row["done_on_time"] / row["done"], 1)
        for row in figures["by_site"]
        if row["key"] is not None and row["done"]
    }


register(
    Computation(
        code="actions_on_time_share",
        label="Actions réalisées dans les délais",
        unit="percent",
        direction="higher",
        how=(
            "Actions à échéance dans le mois, réalisées au plus tard à leur échéance ÷ actions à échéance "
            "dans "
            "le mois et réalisées, par site (plans d'actions ; actions annulées exclues)."
        ),
        source="actionplans",
        compute=actions_on_time_share,
        compute_period=actions_on_time_period,
        per_month=True,
    )
)


# ---- surveys: satisfaction per criterion -------------------------------------------------------------


def satisfaction_many(site_ids, start, end, params) -> dict[str, Values]:
    """Satisfied + very satisfied ÷ respondents concerned, per site, for each criterion code in `params`
    (one query per campaign year in the range)."""
    from surveys.figures import rates

    wanted = set(params)
    result: dict[str, Values] = {p: {} for p in params}
    for year in range(start.year, end.year + 1):
        december = dt.date(year, 12, 1)
        if not (start.replace(day=1) <= december <= end):
            continue
        sums: dict[tuple[str, int], list] = {}
        for row in rates(site_ids=list(site_ids), year=year):
            if row.criterion_code not in wanted:
                continue
            acc = sums.setdefault((row.criterion_code, row.site_id), [0, 0, []])
            if row.satisfied is not None and row.concerned:
                acc[0] += row.satisfied
                acc[1] += row.concerned
            acc[2].append(float(row.rate))
        for (code, site_id), (satisfied, concerned, plain) in sums.items():
            value = 100 * satisfied / concerned if concerned else sum(plain) / len(plain)
            result[code][(site_id, december)] = round(value, 1)
    return result


def satisfaction(site_ids, start, end, param="") -> Values:
    return satisfaction_many(site_ids, start, end, [param])[param]


register(
    Computation(
        code="satisfaction",
        label="Satisfaction des usagers (par critère)",
        unit="percent",
        direction="higher",
        how=(
            "Réponses « satisfait » et « très satisfait » ÷ réponses exprimées sur le critère, toutes unités "
            "du site confondues (enquête annuelle de satisfaction ; résultat rattaché à décembre de l'année)."
        ),
        source="surveys",
        compute=satisfaction,
        compute_many=satisfaction_many,
        needs_param=True,
    )
)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = rules.add_months(month, 1)
    return months
