"""Pure rules of indicators (no database): months, the target in force, on/off target and the gap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from qualipref.lists import parse_month  # noqa: F401  (one month parser, bounded years)

HIGHER, LOWER = "higher", "lower"
MONTHS_FR = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]
MONTHS_FR_LONG = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_window(last: dt.date, count: int = 12) -> list[dt.date]:
    """The `count` months ending with `last`'s month, oldest first (first days of months)."""
    last = last.replace(day=1)
    return [add_months(last, -i) for i in range(count - 1, -1, -1)]


def month_end(month: dt.date) -> dt.date:
    return add_months(month, 1) - dt.timedelta(days=1)


def month_label(month: dt.date, *, long: bool = False) -> str:
    if long:
        return f"{MONTHS_FR_LONG[month.month - 1]} {month.year}"
    return f"{MONTHS_FR[month.month - 1]} {str(month.year)[2:]}"


@dataclass(frozen=True)
class TargetRow:
    entity_id: int
    site_id: int | None
    year: int
    value: Decimal


def target_in_force(
    targets: Iterable[TargetRow], *, entity_id: int, site_id: int, year: int
) -> Decimal | None:
    """The site's own target if it has one in force in `year`, else the entity's (latest year ≤ `year`)."""
    best_site = best_entity = None
    for t in targets:
        if t.year > year or t.entity_id != entity_id:
            continue
        if t.site_id == site_id and (best_site is None or t.year > best_site.year):
            best_site = t
        elif t.site_id is None and (best_entity is None or t.year > best_entity.year):
            best_entity = t
    chosen = best_site or best_entity
    return chosen.value if chosen else None


def shared_target(targets: Iterable[TargetRow], *, entity_ids: Iterable[int], year: int) -> Decimal | None:
    """The target of a département-wide figure (crisis exercises, newsletters…), which has no site: the
    entity-wide target in force in `year` when every entity of `entity_ids` has the same one, else None."""
    entity_wide = [t for t in targets if t.site_id is None]
    found = {target_in_force(entity_wide, entity_id=e, site_id=0, year=year) for e in entity_ids}
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class Verdict:
    on_target: bool
    gap: Decimal  # value − target (signed)

    @property
    def badge(self) -> str:
        return "success" if self.on_target else "danger"

    @property
    def label(self) -> str:
        return "Cible atteinte" if self.on_target else "Hors cible"


def verdict(value, target, direction: str) -> Verdict | None:
    """Whether `value` reaches `target` for an indicator whose better side is `direction`."""
    if value is None or target is None:
        return None
    value, target = Decimal(str(value)), Decimal(str(target))
    on_target = value >= target if direction == HIGHER else value <= target
    return Verdict(on_target, (value - target).quantize(Decimal("0.1")))


def format_value(value, unit: str) -> str:
    """French display: 51.5, 'percent' -> '51,5 %'; 12, 'minutes' -> '12 min'."""
    if value is None:
        return "—"
    number = Decimal(str(value)).quantize(Decimal("0.1"))
    text = f"{number:,f}".rstrip("0").rstrip(".").replace(",", "\u202f").replace(".", ",").replace("-", "−")
    suffix = {"percent": "\u00a0%", "minutes": "\u00a0min", "days": "\u00a0j", "count": ""}.get(unit, "")
    return text + suffix


def format_gap(gap, unit: str) -> str:
    if gap is None:
        return ""
    sign = "+" if gap > 0 else ""
    suffix = {"percent": "\u00a0pt", "minutes": "\u00a0min", "days": "\u00a0j", "count": ""}.get(unit, "")
    return sign + format_value(gap, "count") + suffix
