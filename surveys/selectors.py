"""Reads of the surveys app. Views go through the `*_for_user` functions; other apps (indicators, annual
report, public pages) use the plain-data functions below, which take site ids and return dataclasses.

Scope: a campaign belongs to a département; its units belong to sites. A user reads the campaigns of
the départements where they read a site, and, inside a campaign, the units of the sites they read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Case, Count, IntegerField, OuterRef, Prefetch, Subquery, When
from django.db.models.functions import Coalesce

from sites.access import READ, WRITE, allows, get_for_user, scope_for, visible

from . import rates as rules
from .models import Campaign, Criterion, Response, Result, SurveyUnit, UnitPoint

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


def _units(campaign_ids, site_ids):
    qs = SurveyUnit.objects.filter(campaign_id__in=campaign_ids).select_related("site__entity")
    if site_ids is not None:
        qs = qs.filter(site_id__in=site_ids)
    return qs.order_by("order", "name").prefetch_related(
        Prefetch("points", queryset=UnitPoint.objects.order_by("kind", "order", "pk"))
    )


def campaign_matrix(campaign: Campaign, *, site_ids=None, with_previous: bool = False) -> Matrix:
    """Units × criteria of a campaign with their rates, strengths and points of vigilance.

    `site_ids` keeps the units of those sites (None: every unit). With `with_previous`, each cell also
    carries the previous campaign's rate of the same unit (matched by unit code) and criterion (by
    code). A constant number of queries (5, or 9 with the previous campaign).
    """
    criteria = list(campaign.criteria.select_related("engagement").order_by("order", "pk"))
    units = list(_units([campaign.pk], site_ids))
    results = {(r.unit_id, r.criterion_id): r for r in Result.objects.filter(unit__in=[u.pk for u in units])}
    previous_campaign = previous_campaign_for(campaign) if with_previous else None
    previous_rates: dict[tuple[str, str], Decimal] = {}
    if previous_campaign is not None:
        previous_rates = {
            (r.unit_code, r.criterion_code): r.rate
            for r in rates(site_ids=site_ids, campaign=previous_campaign)
        }
    rows = []
    for unit in units:
        cells = []
        for criterion in criteria:
            result = results.get((unit.pk, criterion.pk))
            cell = Cell(criterion=criterion, previous=previous_rates.get((unit.code, criterion.code)))
            if result is not None:
                cell.rate, cell.satisfied, cell.concerned, cell.source = (
                    result.rate,
                    result.satisfied,
                    result.concerned,
                    result.source,
                )
            cells.append(cell)
        points = list(unit.points.all())
        rows.append(
            UnitRow(
                unit=unit,
                cells=cells,
                strengths=[p for p in points if p.kind == UnitPoint.Kind.STRENGTH],
                vigilance=[p for p in points if p.kind == UnitPoint.Kind.VIGILANCE],
            )
        )
    return Matrix(campaign=campaign, criteria=criteria, rows=rows, previous_campaign=previous_campaign)


def previous_campaign_for(campaign: Campaign) -> Campaign | None:
    """The latest earlier campaign of the same département and population."""
    return (
        Campaign.objects.filter(
            department_id=campaign.department_id, population=campaign.population, year__lt=campaign.year
        )
        .order_by("-year")
        .first()
    )


# ---- figures for other apps ---------------------------------------------------------------------------


def rates(*, site_ids, year: int | None = None, campaign: Campaign | int | None = None) -> list[RateRow]:
    """Every rate of the units of `site_ids` (None: no site filter), for one campaign or one year
    (all campaigns of that year), ordered by campaign, unit and criterion. One query."""
    qs = Result.objects.select_related("unit__campaign", "criterion")
    if site_ids is not None:
        qs = qs.filter(unit__site_id__in=site_ids)
    if campaign is not None:
        qs = qs.filter(unit__campaign_id=getattr(campaign, "pk", campaign))
    if year is not None:
        qs = qs.filter(unit__campaign__year=year)
    qs = qs.order_by(
        "unit__campaign__year", "unit__campaign_id", "unit__order", "unit__name", "criterion__order"
    )
    return [
        RateRow(
            campaign_id=r.unit.campaign_id,
            campaign_name=r.unit.campaign.name,
            year=r.unit.campaign.year,
            population=r.unit.campaign.population,
            unit_id=r.unit_id,
            unit_code=r.unit.code,
            unit_name=r.unit.name,
            site_id=r.unit.site_id,
            criterion_code=r.criterion.code,
            criterion_label=r.criterion.label,
            rate=r.rate,
            satisfied=r.satisfied,
            concerned=r.concerned,
            target=r.criterion.target_rate,
            source=r.source,
        )
        for r in qs
    ]


def lowest_and_highest(
    *, site_ids, year: int | None = None, campaign: Campaign | int | None = None
) -> tuple[list[RateRow], list[RateRow]]:
    """The lowest and the highest rates (every tie) among `rates(...)`."""
    rows = rates(site_ids=site_ids, year=year, campaign=campaign)
    if not rows:
        return [], []
    low, high = min(r.rate for r in rows), max(r.rate for r in rows)
    return [r for r in rows if r.rate == low], [r for r in rows if r.rate == high]


@dataclass
class RateChange:
    unit_code: str
    unit_name: str
    site_id: int
    criterion_code: str
    criterion_label: str
    current: Decimal | None
    previous: Decimal | None

    @property
    def difference(self):
        return rules.change(self.current, self.previous)


def changes_from_previous(campaign: Campaign, *, site_ids=None) -> tuple[Campaign | None, list[RateChange]]:
    """(previous campaign, a change per unit × criterion of `campaign`) — units matched by code,
    criteria by code; `previous` is None where the previous campaign has no such rate. Three queries."""
    previous = previous_campaign_for(campaign)
    current_rows = rates(site_ids=site_ids, campaign=campaign)
    previous_rows = (
        {(r.unit_code, r.criterion_code): r.rate for r in rates(site_ids=site_ids, campaign=previous)}
        if previous
        else {}
    )
    return previous, [
        RateChange(
            unit_code=r.unit_code,
            unit_name=r.unit_name,
            site_id=r.site_id,
            criterion_code=r.criterion_code,
            criterion_label=r.criterion_label,
            current=r.rate,
            previous=previous_rows.get((r.unit_code, r.criterion_code)),
        )
        for r in current_rows
    ]


@dataclass
class PublishedResults:
    campaign: Campaign
    matrix: Matrix  # the site's units, each cell with the previous campaign's rate when there is one
    previous_campaign: Campaign | None


def latest_published_for_site(site) -> PublishedResults | None:
    """The last published users' campaign with a unit on `site`, with the site's units and, per cell,
    the rate of the previous published campaign (None when there is none). For public pages."""
    published = (
        Campaign.objects.filter(
            department_id=site.entity.department_id,
            population=Campaign.Population.USERS,
            status=Campaign.Status.PUBLISHED,
            units__site=site,
        )
        .distinct()
        .order_by("-year")[:2]
    )
    published = list(published)
    if not published:
        return None
    campaign = published[0]
    previous = published[1] if len(published) > 1 else None
    matrix = campaign_matrix(campaign, site_ids=[site.pk])
    if previous is not None:
        before = {
            (r.unit_code, r.criterion_code): r.rate for r in rates(site_ids=[site.pk], campaign=previous)
        }
        for row in matrix.rows:
            for cell in row.cells:
                cell.previous = before.get((row.unit.code, cell.criterion.code))
        matrix.previous_campaign = previous
    return PublishedResults(campaign=campaign, matrix=matrix, previous_campaign=previous)


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
