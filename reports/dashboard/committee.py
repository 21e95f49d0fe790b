"""The committee's month as plain data, declared once and shown by the page and by the monthly pack:

- the grid: indicators × sites, each cell the month's value against its target (a state, a symbol and
  words, never a colour alone), a 12-month sparkline per indicator, a link per cell to what is behind it;
- what needs a decision: indicators off target two months running, overdue actions, late requests,
  upcoming audits;
- what changed since the last steering committee (the month of its last meeting).

Built from the indicators' grid (`indicators.grid.build`, the whole 12-month window) and the other apps'
figures; no figure is computed here, only compared with its target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from indicators import rules
from indicators.grid import Dashboard, url_maker
from qualipref import charts

# The state of a cell: its symbol and its words (the colour comes from the state, in CSS).
STATES = {
    "ok": ("✓", "Cible atteinte"),
    "off": ("✗", "Hors cible"),
    "off2": ("!", "Hors cible deux mois de suite"),
    "neutral": ("•", "Sans cible"),
    "empty": ("", "Pas de valeur"),
}
UPCOMING_AUDIT_DAYS = 90
CHANGES_SHOWN = 6


@dataclass
class GridCell:
    text: str  # the value, French format, or "—"
    state: str  # a key of STATES
    label: str  # the whole cell in words: screen readers and the tooltip
    url: str
    note: str = ""  # "(oct. 26)" for an older value; "cible 45 min" for a site's own target

    @property
    def symbol(self) -> str:
        return STATES[self.state][0]

    @property
    def state_label(self) -> str:
        return STATES[self.state][1]


@dataclass
class GridRow:
    indicator: object
    how: str
    target_text: str  # the target shared by the row's sites, "par site", or ""
    sparkline: str
    cells: list[GridCell]
    detail_url: str
    department: bool = False  # one value for the whole département (one cell across the sites)


@dataclass
class SiteColumn:
    site: object
    color: str  # the site's line in the sparklines


@dataclass
class EntityGroup:
    entity: object
    span: int


@dataclass
class Change:
    indicator_name: str
    place: str
    before: str
    after: str
    url: str


@dataclass
class CommitteeMonth:
    board: Dashboard
    columns: list[SiteColumn]
    groups: list[EntityGroup]
    rows: list[GridRow]
    off_twice: list[Change]  # cells off target this month and the month before
    reference_month: dt.date | None  # the month of the last committee (or the month before)
    last_meeting: dt.date | None
    entered: list[Change] = field(default_factory=list)  # back on target since the last committee
    left: list[Change] = field(default_factory=list)  # off target since the last committee
    overdue_actions: dict = field(default_factory=dict)  # {"total", "sites": [(site, n)], "url"}
    late_requests: dict = field(default_factory=dict)
    upcoming_audits: list[dict] = field(default_factory=list)
    upcoming_until: dt.date | None = None

    @property
    def month(self) -> dt.date:
        return self.board.month

    @property
    def month_label(self) -> str:
        return self.board.month_label

    @property
    def reference_label(self) -> str:
        return rules.month_label(self.reference_month, long=True) if self.reference_month else ""

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATES, 0)
        for row in self.rows:
            for cell in row.cells:
                counts[cell.state] += 1
        return counts

    @property
    def off_target(self) -> int:
        return self.counts["off"] + self.counts["off2"]

    @property
    def on_target(self) -> int:
        return self.counts["ok"]

    @property
    def registers(self) -> list[tuple[str, dict, str]]:
        """The registers' overdue items, as the decision strip shows them: (title, figure, empty text)."""
        return [
            ("Actions en retard", self.overdue_actions, "Aucune action en retard."),
            ("Demandes en retard", self.late_requests, "Aucune réclamation ni demande en retard."),
        ]

    @property
    def columns_count(self) -> int:
        return len(self.columns) + 2  # the indicator, its target, the sites


# ---- links behind a cell -----------------------------------------------------------------------------


def _requests_behind(site, month: dt.date) -> str:
    """The complaints register filtered to the requests an on-time rate (or a mean answer time) of one site
    and one month is computed from: the complaints received at that site in that month."""
    query = {
        "site": site.pk,
        "kind": "complaint",
        "received_from": month.isoformat(),
        "received_to": rules.month_end(month).isoformat(),
    }
    return f"{reverse('complaints:correspondence_list')}?{urlencode(query)}"


# Indicators whose figure is read from a register: the cell opens the register's rows behind it.
REGISTER_BEHIND = {
    "complaints_on_time_share": _requests_behind,
    "complaints_mean_answer_days": _requests_behind,
}


def history_url_maker():
    """`reverse("dashboard:history", args=[indicator id, site code])`, resolved once for the whole grid."""
    pattern = reverse("dashboard:history", args=[900_000_001, "site-code-sentinel"])
    prefix, rest = pattern.split("900000001", 1)
    before_code, after_code = rest.split("site-code-sentinel", 1)
    return lambda indicator_pk, site_code: f"{prefix}{indicator_pk}{before_code}{site_code}{after_code}"


def cell_url(indicator, site, month: dt.date, history_url) -> str:
    behind = REGISTER_BEHIND.get(indicator.computed_code) if indicator.is_computed else None
    if behind is not None:
        return behind(site, month)
    return f"{history_url(indicator.pk, site.code)}?month={month:%Y-%m}"


# ---- the grid -----------------------------------------------------------------------------------------


def _verdict(board: Dashboard, indicator, site, month: dt.date, value):
    target = rules.target_in_force(
        board.targets.get(indicator.pk, []), entity_id=site.entity_id, site_id=site.pk, year=month.year
    )
    return target, rules.verdict(value, target, indicator.direction)


def _department_target(board: Dashboard, indicator, month: dt.date):
    entity_ids = sorted(
        {s.entity_id for s in board.sites if s.entity.department_id == indicator.department_id}
    )
    return rules.shared_target(board.targets.get(indicator.pk, []), entity_ids=entity_ids, year=month.year)


def _state(verdict, previous_verdict) -> str:
    if verdict is None:
        return "neutral"
    if verdict.on_target:
        return "ok"
    return "off2" if previous_verdict is not None and not previous_verdict.on_target else "off"


def _cell(board, indicator, site, history_url, department=False) -> tuple[GridCell, object, object]:
    """The cell of the month shown: its value (or the latest of the window, marked with its month)."""
    month, previous = board.month, rules.add_months(board.month, -1)
    key = None if department else site.pk
    value_month = next(
        (m for m in reversed(board.months) if board.values.get((indicator.pk, key, m)) is not None), None
    )
    if value_month is None:
        url = (
            f"{reverse('indicators:indicator_detail', args=[indicator.pk])}"
            if department
            else cell_url(indicator, site, month, history_url)
        )
        target = (
            _department_target(board, indicator, month)
            if department
            else _verdict(board, indicator, site, month, None)[0]
        )
        words = f"{indicator.name} : pas de valeur sur 12 mois"
        return GridCell("—", "empty", words, url), target, None
    value = board.values[(indicator.pk, key, value_month)]
    if department:
        target = _department_target(board, indicator, value_month)
        verdict = rules.verdict(value, target, indicator.direction)
        prev_value = board.values.get((indicator.pk, None, previous))
        prev_verdict = rules.verdict(
            prev_value, _department_target(board, indicator, previous), indicator.direction
        )
    else:
        target, verdict = _verdict(board, indicator, site, value_month, value)
        prev_value = board.values.get((indicator.pk, key, previous))
        prev_verdict = _verdict(board, indicator, site, previous, prev_value)[1]
    stale = value_month != month
    state = _state(verdict, None if stale else prev_verdict)
    text = rules.format_value(value, indicator.unit)
    words = [f"{text}", STATES[state][1]]
    if target is not None:
        words.append(f"cible {rules.format_value(target, indicator.unit)}")
    if stale:
        words.append(f"valeur de {rules.month_label(value_month, long=True)}")
    note = f"({rules.month_label(value_month)})" if stale else ""
    url = (
        f"{reverse('indicators:indicator_detail', args=[indicator.pk])}"
        if department
        else cell_url(indicator, site, month, history_url)
    )
    return GridCell(text, state, " · ".join(words), url, note=note), target, verdict


def _sparkline(board, indicator, sites, department: bool) -> str:
    keys = [None] if department else [s.pk for s in sites]
    series = [[board.values.get((indicator.pk, k, m)) for m in board.months] for k in keys]
    if department:
        target = [_department_target(board, indicator, m) for m in board.months]
    else:
        per_site = [[_verdict(board, indicator, s, m, None)[0] for m in board.months] for s in sites]
        target = per_site[0] if per_site and all(t == per_site[0] for t in per_site) else None
    target = [float(t) if t is not None else None for t in target] if target else None
    if target and all(t is None for t in target):
        target = None
    measured = [m for n, m in enumerate(board.months) if any(s[n] is not None for s in series)]
    if not measured:
        return ""
    first, last = rules.month_label(measured[0]), rules.month_label(measured[-1])
    what = "tout le département" if department else "une ligne par site, dans l'ordre des colonnes"
    label = f"Tendance de « {indicator.name} » de {first} à {last} ({what})"
    return charts.sparkline(series, target=target, width=112, height=26, label=label)


def _target_text(indicator, targets) -> str:
    found = {t for t in targets if t is not None}
    if not found:
        return ""
    if len(found) == 1 and len(targets) == len([t for t in targets if t is not None]):
        return rules.format_value(found.pop(), indicator.unit)
    return "par site"


def _change(indicator, place, before, after, url) -> Change:
    return Change(
        indicator.name,
        place,
        rules.format_value(before, indicator.unit),
        rules.format_value(after, indicator.unit),
        url,
    )


def build(board: Dashboard, *, last_meeting: dt.date | None = None) -> CommitteeMonth:
    """The grid, the cells off target twice and what changed since `last_meeting` (a steering committee
    held before the month shown; the month before when there was none in the window)."""
    history_url = history_url_maker()
    sites = board.sites
    columns = [SiteColumn(s, charts.PALETTE[n % len(charts.PALETTE)]) for n, s in enumerate(sites)]
    groups: list[EntityGroup] = []
    for site in sites:
        if groups and groups[-1].entity.pk == site.entity_id:
            groups[-1].span += 1
        else:
            groups.append(EntityGroup(site.entity, 1))

    month = board.month
    reference = last_meeting.replace(day=1) if last_meeting else None
    if reference is None or reference >= month or reference not in board.months:
        reference, last_meeting = rules.add_months(month, -1), None

    rows: list[GridRow] = []
    off_twice: list[Change] = []
    entered: list[Change] = []
    left: list[Change] = []
    detail_url = url_maker("indicators:indicator_detail", 1)
    levels = {r.indicator.pk for b in board.blocks if b.is_department for r in b.rows}
    hows = {r.indicator.pk: r.how for b in board.blocks for r in b.rows}
    for indicator in board.indicators:
        department = indicator.pk in levels
        if department:
            if not any(s.entity.department_id == indicator.department_id for s in sites):
                continue
            cell, target, _verdict_ = _cell(board, indicator, None, history_url, department=True)
            cells, targets, places = [cell], [target], [(None, "tout le département")]
        else:
            cells, targets, places = [], [], []
            for site in sites:
                if site.entity.department_id != indicator.department_id:
                    cells.append(GridCell("", "empty", "", ""))
                    targets.append(None)
                    places.append((site, site.name))
                    continue
                cell, target, _verdict_ = _cell(board, indicator, site, history_url)
                cells.append(cell)
                targets.append(target)
                places.append((site, site.name))
        rows.append(
            GridRow(
                indicator,
                hows.get(indicator.pk, ""),
                _target_text(indicator, targets),
                _sparkline(board, indicator, sites, department),
                cells,
                detail_url(indicator.pk),
                department=department,
            )
        )
        for cell, (site, place) in zip(cells, places, strict=True):
            key = site.pk if site is not None else None
            now = board.values.get((indicator.pk, key, month))
            if cell.state == "off2":
                off_twice.append(Change(indicator.name, place, "", cell.text, cell.url))
            before = board.values.get((indicator.pk, key, reference))
            if now is None or before is None:
                continue
            if site is None:
                v_now = rules.verdict(now, _department_target(board, indicator, month), indicator.direction)
                v_before = rules.verdict(
                    before, _department_target(board, indicator, reference), indicator.direction
                )
            else:
                v_now = _verdict(board, indicator, site, month, now)[1]
                v_before = _verdict(board, indicator, site, reference, before)[1]
            if v_now is None or v_before is None or v_now.on_target == v_before.on_target:
                continue
            (entered if v_now.on_target else left).append(_change(indicator, place, before, now, cell.url))
    return CommitteeMonth(
        board=board,
        columns=columns,
        groups=groups,
        rows=rows,
        off_twice=off_twice,
        reference_month=reference,
        last_meeting=last_meeting,
        entered=entered,
        left=left,
    )
