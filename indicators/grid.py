"""The indicators' grid as plain data: each indicator's values per site over twelve months, with the
target in force and its verdict, and its trend chart. The indicator's page shows it; the committee
dashboard (`reports/dashboard/`) adds its side panels and deadlines and the monthly pack prints it.

Queries are constant whatever the number of sites, indicators and months: sites (1), indicators (1),
targets (1), measured values (1), one call per computation in use, one per side panel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from qualipref import charts

from . import computed, rules, selectors
from .models import Indicator

WINDOW_MONTHS = 12


@dataclass
class Cell:
    indicator: Indicator
    value: float | None = None
    month: dt.date | None = None
    target: Decimal | None = None
    verdict: rules.Verdict | None = None
    stale: bool = False  # the latest value is older than the month shown

    @property
    def display(self) -> str:
        return rules.format_value(self.value, self.indicator.unit)

    @property
    def target_display(self) -> str:
        return rules.format_value(self.target, self.indicator.unit) if self.target is not None else ""

    @property
    def gap_display(self) -> str:
        return rules.format_gap(self.verdict.gap, self.indicator.unit) if self.verdict else ""

    @property
    def month_label(self) -> str:
        return rules.month_label(self.month) if self.month else ""

    @property
    def html(self) -> str:
        """The cell's content on the page: one string per cell rather than a dozen template lookups and
        tags for each of the page's hundreds of cells (the value, its month when older, the verdict with
        the gap, the target)."""
        target = (
            format_html('<div class="small text-body-secondary">cible {}</div>', self.target_display)
            if self.target is not None
            else ""
        )
        if self.value is None:
            return format_html('<span class="text-body-secondary">—</span>{}', target)
        stale = (
            format_html('<div class="small text-body-secondary">({})</div>', self.month_label)
            if self.stale
            else ""
        )
        verdict = (
            format_html(
                '<div><span class="badge text-bg-{}">{} ({})</span></div>',
                self.verdict.badge,
                self.verdict.label,
                self.gap_display,
            )
            if self.verdict
            else ""
        )
        return format_html(
            '<span class="fs-5 fw-semibold">{}</span>{}{}{}', self.display, stale, verdict, target
        )


@dataclass
class Row:
    indicator: Indicator
    how: str
    cells: list[Cell]
    detail_url: str = ""
    trend_url: str = ""  # the 12-month chart, loaded by htmx when shown


@dataclass
class PanelRow:
    title: str
    values: list[int | float | None]  # per site
    total: int | float | None  # the entity's figure
    unit: str = "count"
    entity_wide: int = 0  # items of the whole entity, not of one site

    @property
    def displays(self) -> list[tuple[str, bool]]:
        """(text, alarming) per site: a count above zero, or a rate below 100 %."""
        alarming = (lambda v: v is not None and v < 100) if self.unit == "percent" else (lambda v: bool(v))
        return [(rules.format_value(v, self.unit), alarming(v)) for v in self.values]

    @property
    def total_display(self) -> str:
        return rules.format_value(self.total, self.unit)


@dataclass
class Block:
    entity: object  # an Entity, or the Department for the département-wide indicators
    sites: list  # the columns: the entity's sites, or [the department]
    rows: list[Row] = field(default_factory=list)
    panels: list[PanelRow] = field(default_factory=list)
    is_department: bool = False

    @property
    def dom_id(self) -> str:
        return f"{'department' if self.is_department else 'entity'}-{self.entity.pk}"

    def key(self, column) -> int | None:
        """The values' key of a column: the site id, or None for a département-wide figure."""
        return None if self.is_department else column.pk

    @property
    def off_target(self) -> int:
        return sum(1 for r in self.rows for c in r.cells if c.verdict and not c.verdict.on_target)

    @property
    def on_target(self) -> int:
        return sum(1 for r in self.rows for c in r.cells if c.verdict and c.verdict.on_target)


@dataclass
class Dashboard:
    month: dt.date
    months: list[dt.date]
    sites: list
    entities: list  # the entities the user may choose from (filter)
    entity_id: int | None
    blocks: list[Block]
    indicators: list[Indicator]
    values: dict
    targets: dict
    deadlines: list  # dated items of the other apps (the dashboard's side panels)
    totals: list[tuple[str, int | float | None]]

    @property
    def month_label(self) -> str:
        return rules.month_label(self.month, long=True)

    @property
    def off_target(self) -> int:
        return sum(b.off_target for b in self.blocks)

    @property
    def on_target(self) -> int:
        return sum(b.on_target for b in self.blocks)

    def trend(self, indicator: Indicator, block: Block, *, width=800, height=360):
        """The 12-month chart of one indicator for the sites of one entity, with the target when shared."""
        labels = [rules.month_label(m) for m in self.months]
        series = {
            site.name: [self.values.get((indicator.pk, block.key(site), m)) for m in self.months]
            for site in block.sites
        }
        per_site = [
            [
                rules.target_in_force(
                    self.targets.get(indicator.pk, []), entity_id=site.entity_id, site_id=site.pk, year=m.year
                )
                for m in self.months
            ]
            for site in block.sites
            if not block.is_department
        ]
        shared = per_site[0] if per_site and all(t == per_site[0] for t in per_site) else None
        has_target = shared is not None and any(t is not None for t in shared)
        target = [float(t) if t is not None else None for t in shared] if has_target else None
        unit = indicator.unit_symbol
        y_range = (0, 100) if indicator.unit == Indicator.Unit.PERCENT else None
        return charts.line_chart(
            indicator.name,
            labels,
            series,
            target=target,
            unit=unit,
            y_range=y_range,
            width=width,
            height=height,
        )


def url_maker(name: str, arity: int):
    """`reverse(name, args=...)` for integer arguments, resolved once: the page links every row to its
    indicator and its chart, and a `reverse` per row costs more than the rest of the row's rendering."""
    sentinels = [900_000_001 + n for n in range(arity)]
    pattern = reverse(name, args=sentinels).replace("{", "{{").replace("}", "}}")
    for n, sentinel in enumerate(sentinels):
        pattern = pattern.replace(str(sentinel), f"{{{n}}}")
    return pattern.format


def default_month(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()).replace(day=1)


def build(
    user,
    *,
    month: dt.date | None = None,
    entity_id: int | None = None,
    department_id: int | None = None,
    indicators: list[Indicator] | None = None,
    full_window: bool = False,
    costly_from: dt.date | None = None,
    today: dt.date | None = None,
    sites: list | None = None,
    site_panels=(),
    deadline_sources=(),
) -> Dashboard:
    """The grid of the user's sites; `site_panels` ((key, title, fn) triples) and `deadline_sources`
    add the side figures of other apps (the committee dashboard passes its own). The costly per-month
    computations are asked for the month shown only, from `costly_from` on when given, or for the whole
    window with `full_window`. `indicators`: only these (already read), else the active indicators of the
    sites' départements."""
    today = today or timezone.localdate()
    month = (month or default_month(today)).replace(day=1)
    months = rules.month_window(month, WINDOW_MONTHS)
    all_sites = sites if sites is not None else selectors.sites_for_user(user)
    if department_id:
        all_sites = [s for s in all_sites if s.entity.department_id == department_id]
    entities = list({s.entity_id: s.entity for s in all_sites}.values())
    if entity_id and entity_id not in {e.pk for e in entities}:
        entity_id = None
    sites = [s for s in all_sites if not entity_id or s.entity_id == entity_id]
    department_ids = {s.entity.department_id for s in sites}

    if indicators is None:
        indicators = list(
            Indicator.objects.filter(department_id__in=department_ids, active=True)
            .select_related("module")
            .order_by("order", "name")
        )
    else:  # the indicators asked for, read already (an indicator's page): kept as the query keeps them
        indicators = [i for i in indicators if i.active and i.department_id in department_ids]
    site_ids = [s.pk for s in sites]
    # The table needs each indicator's latest value; the costly per-month computations (stocks read at
    # one date) are then asked for the month shown only. Charts and the pack ask for the whole window.
    values = selectors.monthly_values(
        indicators=indicators,
        site_ids=site_ids,
        start=months[0],
        end=rules.month_end(months[-1]),
        costly_from=None if full_window else min(month, costly_from or month),
        site_departments={s.pk: s.entity.department_id for s in sites},
    )
    targets = selectors.targets_by_indicator(indicators, {s.entity_id for s in sites}) if indicators else {}

    panel_values = {}
    deadlines: list = []
    if site_ids:
        entity_of = {s.pk: s.entity_id for s in sites}
        panel_values = {
            key: (title, fn(site_ids, today, entity_of=entity_of)) for key, title, fn in site_panels
        }
        for source in deadline_sources:
            deadlines.extend(source(site_ids, today))
        deadlines.sort(key=lambda d: d.due_on)

    detail_url = url_maker("indicators:indicator_detail", 1)
    trend_url = url_maker("dashboard:trend", 2)
    department_trend_url = url_maker("dashboard:department_trend", 1)
    month_param = month.strftime("%Y-%m")
    blocks = []
    departments = list({s.entity.department_id: s.entity.department for s in sites}.values())
    for department in departments:
        block = Block(entity=department, sites=[department], is_department=True)
        for indicator in indicators:
            if indicator.department_id == department.pk and _level(indicator) == "department":
                block.rows.append(
                    Row(
                        indicator,
                        selectors.how_computed(indicator),
                        [_cell(indicator, None, months, values, {}, month)],
                        detail_url=detail_url(indicator.pk),
                        trend_url=f"{department_trend_url(indicator.pk)}?month={month_param}",
                    )
                )
        if block.rows:
            blocks.append(block)
    for entity in [e for e in entities if any(s.entity_id == e.pk for s in sites)]:
        block = Block(entity=entity, sites=[s for s in sites if s.entity_id == entity.pk])
        for indicator in indicators:
            if indicator.department_id != entity.department_id or _level(indicator) == "department":
                continue
            cells = [_cell(indicator, site, months, values, targets, month) for site in block.sites]
            block.rows.append(
                Row(
                    indicator,
                    selectors.how_computed(indicator),
                    cells,
                    detail_url=detail_url(indicator.pk),
                    trend_url=f"{trend_url(indicator.pk, entity.pk)}?month={month_param}",
                )
            )
        for title, figures in panel_values.values():
            per_site = [figures.sites.get(s.pk) for s in block.sites]
            block.panels.append(
                PanelRow(
                    title,
                    per_site,
                    figures.entities.get(entity.pk),
                    figures.unit,
                    figures.entity_wide.get(entity.pk, 0),
                )
            )
        blocks.append(block)
    totals = [
        (title, rules.format_value(figures.total, figures.unit)) for title, figures in panel_values.values()
    ]
    return Dashboard(
        month=month,
        months=months,
        sites=sites,
        entities=entities,
        entity_id=entity_id,
        blocks=blocks,
        indicators=indicators,
        values=values,
        targets=targets,
        deadlines=deadlines[:10],
        totals=totals,
    )


def _level(indicator) -> str:
    computation = computed.get(indicator.computed_code) if indicator.is_computed else None
    return computation.level if computation else "site"


def _cell(indicator, site, months, values, targets, month) -> Cell:
    """The latest value of the window (up to the month shown) and its target; `site` None: département."""
    cell = Cell(indicator)
    key = site.pk if site is not None else None
    for m in reversed(months):
        value = values.get((indicator.pk, key, m))
        if value is not None:
            cell.value, cell.month, cell.stale = value, m, m != month
            break
    if site is None:
        return cell
    year = (cell.month or month).year
    cell.target = rules.target_in_force(
        targets.get(indicator.pk, []), entity_id=site.entity_id, site_id=site.pk, year=year
    )
    cell.verdict = rules.verdict(cell.value, cell.target, indicator.direction)
    return cell
