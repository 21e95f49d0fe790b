"""Reads of the surveys app. Views go through the `*_for_user` functions; other apps (indicators, annual
report, public pages) use `surveys/figures.py`, which takes site ids and returns the dataclasses below.

Scope: a campaign belongs to a département; its units belong to sites. A user reads the campaigns of
the départements where they read a site, and, inside a campaign, the units of the sites they read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Case, Count, IntegerField, OuterRef, Subquery, When
from django.db.models.functions import Coalesce

from sites.access import READ, WRITE, allows, get_for_user, scope_for, visible

from . import rates as rules
from .models import Campaign, Criterion, Response, SurveyUnit, UnitPoint

# ---- plain data ---------------------------------------------------------------------------------------


@dataclass
class RateRow:
    """One rate of one unit on one criterion of one campaign."""

    campaign_id: int
    campaign_name: str
    year: int
    population: str
    unit_id: int
    unit_code: str
    unit_name: str
    site_id: int
    criterion_code: str
    criterion_label: str
    rate: Decimal
    satisfied: int | None
    concerned: int | None
    target: Decimal | None
    source: str


@dataclass
class Cell:
    criterion: Criterion
    rate: Decimal | None = None
    satisfied: int | None = None
    concerned: int | None = None
    source: str = ""
    previous: Decimal | None = None

    @property
    def css(self):
        return rules.scale_class(self.rate)

    @property
    def below_target(self):
        return rules.below_target(self.rate, self.criterion.target_rate)

    @property
    def difference(self):
        return rules.change(self.rate, self.previous)

    @property
    def arrow(self):
        return rules.arrow(self.difference)


@dataclass
class UnitRow:
    unit: SurveyUnit
    cells: list[Cell]
    strengths: list[UnitPoint] = field(default_factory=list)
    vigilance: list[UnitPoint] = field(default_factory=list)
    previous_unit_id: int | None = None

    @property
    def mean(self):
        values = [c.rate for c in self.cells if c.rate is not None]
        if not values:
            return None
        return (sum(values) / len(values)).quantize(rules.ONE_DECIMAL)

    @property
    def mean_css(self):
        return rules.scale_class(self.mean)


@dataclass
class Matrix:
    campaign: Campaign
    criteria: list[Criterion]
    rows: list[UnitRow]
    previous_campaign: Campaign | None = None

    def _rated(self):
        return [(row.unit, cell) for row in self.rows for cell in row.cells if cell.rate is not None]

    @property
    def lowest(self):
        rated = self._rated()
        if not rated:
            return []
        low = min(cell.rate for _u, cell in rated)
        return [(unit, cell) for unit, cell in rated if cell.rate == low]

    @property
    def highest(self):
        rated = self._rated()
        if not rated:
            return []
        high = max(cell.rate for _u, cell in rated)
        return [(unit, cell) for unit, cell in rated if cell.rate == high]

    @property
    def has_targets(self):
        return any(c.target_rate is not None for c in self.criteria)

    def column(self, criterion):
        """(unit, cell) for one criterion across units (for the per-criterion charts)."""
        return [(row.unit, row.cells[self.criteria.index(criterion)]) for row in self.rows]


# ---- user-facing getters ------------------------------------------------------------------------------


def campaigns_for_user(user):
    """Campaigns of the user's départements, with counts restricted to the units the user may read."""
    scope = scope_for(user)
    readable_units = scope.q(SurveyUnit, READ, via="units__")
    responses = (
        Response.objects.filter(scope.q(SurveyUnit, READ, via="unit__"), unit__campaign=OuterRef("pk"))
        .order_by()
        .values("unit__campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        visible(user, Campaign.objects)
        .select_related("department")
        .annotate(
            unit_count=Count("units", filter=readable_units, distinct=True),
            mean_rate=Avg("units__results__rate", filter=readable_units),
            response_count=Coalesce(Subquery(responses, output_field=IntegerField()), 0),
        )
    )


def campaign_for_user(user, pk, *, perm=READ):
    return get_for_user(
        Campaign.objects.select_related("department", "status_changed_by"), user, perm=perm, pk=pk
    )


def unit_for_user(user, pk, *, perm=READ):
    return get_for_user(
        SurveyUnit.objects.select_related("campaign__department", "site__entity"), user, perm=perm, pk=pk
    )


def can_manage_campaign(user, campaign) -> bool:
    return allows(user, campaign, WRITE)


# ---- the matrix ---------------------------------------------------------------------------------------


# ---- (the figures for other apps are in surveys/figures.py) ------------------------------------------


# ---- the public questionnaire -------------------------------------------------------------------------


def open_units_for_site(site) -> list[SurveyUnit]:
    """Units of `site` in the open users' campaigns (usually one campaign)."""
    return list(
        SurveyUnit.objects.filter(
            site=site,
            campaign__status=Campaign.Status.OPEN,
            campaign__population=Campaign.Population.USERS,
        )
        .select_related("campaign", "site")
        .order_by("-campaign__year", "order", "name")
    )


def unit_for_questionnaire(site, code) -> SurveyUnit | None:
    """The unit `code` of `site` in the most recent users' campaign having it (open or not: a closed
    campaign answers with a message rather than a 404, posters stay valid from one year to the next)."""
    return (
        SurveyUnit.objects.filter(site=site, code=code, campaign__population=Campaign.Population.USERS)
        .select_related("campaign", "site")
        .annotate(not_open=Case(When(campaign__status=Campaign.Status.OPEN, then=0), default=1))
        .order_by("not_open", "-campaign__year")
        .first()
    )


def criterion_choices(department) -> list[tuple[str, str]]:
    """The survey criteria an indicator may follow: the default criteria of every population, and those
    of the département's campaigns (one query), as (code, "label (code)") sorted by label."""
    from .defaults import LOCAL_AUTHORITY_CRITERIA, USER_CRITERIA
    from .models import Criterion

    labels = {code: label for code, label, *_ in (*USER_CRITERIA, *LOCAL_AUTHORITY_CRITERIA)}
    for code, label in (
        Criterion.objects.filter(campaign__department=department)
        .order_by("campaign__year")
        .values_list("code", "label")
    ):
        labels.setdefault(code, label)
    return sorted(((code, f"{label} ({code})") for code, label in labels.items()), key=lambda c: c[1].lower())
