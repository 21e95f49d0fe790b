"""The surveys' figures (satisfaction rates per criterion and unit), read by the campaign pages, the annual
report, the public pages and the open-data export: plain functions over site ids and a campaign or year."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from . import rates as rules
from .models import Campaign, Result, SurveyUnit, UnitPoint
from .selectors import Cell, Matrix, RateRow, UnitRow


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


# Each RateRow field, read from a Result along this path.
_RATE_ROW_PATHS = {
    "campaign_id": "unit__campaign_id",
    "campaign_name": "unit__campaign__name",
    "year": "unit__campaign__year",
    "population": "unit__campaign__population",
    "unit_id": "unit_id",
    "unit_code": "unit__code",
    "unit_name": "unit__name",
    "site_id": "unit__site_id",
    "criterion_code": "criterion__code",
    "criterion_label": "criterion__label",
    "rate": "rate",
    "satisfied": "satisfied",
    "concerned": "concerned",
    "target": "criterion__target_rate",
    "source": "source",
}


def rates(*, site_ids, year: int | None = None, campaign: Campaign | int | None = None) -> list[RateRow]:
    """Every rate of the units of `site_ids` (None: no site filter), for one campaign or one year
    (all campaigns of that year), ordered by campaign, unit and criterion. One query."""
    qs = Result.objects.all()
    if site_ids is not None:
        qs = qs.filter(unit__site_id__in=site_ids)
    if campaign is not None:
        qs = qs.filter(unit__campaign_id=getattr(campaign, "pk", campaign))
    if year is not None:
        qs = qs.filter(unit__campaign__year=year)
    qs = qs.order_by(
        "unit__campaign__year", "unit__campaign_id", "unit__order", "unit__name", "criterion__order"
    )
    # Plain values: no Result, unit, campaign and criterion built per rate only to copy
    # fifteen of their fields (the committee dashboard reads a year of rates on every view).
    names = list(_RATE_ROW_PATHS)
    return [
        RateRow(**dict(zip(names, row, strict=True))) for row in qs.values_list(*_RATE_ROW_PATHS.values())
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
