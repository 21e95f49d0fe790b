"""The indicators' figures: monthly values per site with the target in force, read by the annual report, the
public pages and the open-data export: plain functions over a scope and a period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sites.models import Site

from . import computed, rules
from .models import Indicator
from .selectors import monthly_values, targets_by_indicator

# How a year's figure is obtained from an indicator, in words (the annual report prints it).
PERIOD_HOW = {
    "period": "calculé sur l'année",
    "sum": "total de l'année",
    "last": "au dernier mois mesuré",
    "none": "relevé mensuel : pas de valeur annuelle",
}


def period_rule(indicator: Indicator) -> str:
    """How the figure of a period (a year) is obtained: "period" (computed over the period's own counts),
    "sum" (a count: the months add up), "last" (a stock, or a yearly survey: the last month measured), or
    "none" (a rate or mean measured month by month without its counts: averaging the months would give a
    false figure, so there is none)."""
    computation = computed.get(indicator.computed_code) if indicator.is_computed else None
    if computation is not None and computation.compute_period is not None:
        return "period"
    if indicator.unit == Indicator.Unit.COUNT:
        return "sum"
    if computation is not None and (computation.per_month or computation.compute_many is not None):
        return "last"
    return "none"


def period_values(
    *, indicators: Iterable[Indicator], site_ids: Iterable[int], start: dt.date, end: dt.date, monthly: dict
) -> dict[tuple[int, int | None], float | None]:
    """Each indicator's figure over [start, end] per site ({(indicator id, site id): value}), by
    `period_rule`; `monthly` is `monthly_values` of the same window. One call per computation with a
    period figure."""
    site_ids = list(site_ids)
    result: dict[tuple[int, int | None], float | None] = {}
    by_site: dict[tuple[int, int | None], list[tuple[dt.date, float]]] = defaultdict(list)
    for (indicator_id, site_id, month), value in monthly.items():
        by_site[(indicator_id, site_id)].append((month, value))
    for indicator in indicators:
        rule = period_rule(indicator)
        if rule == "period":
            computation = computed.get(indicator.computed_code)
            values = computation.compute_period(site_ids, start, end, indicator.computed_param)
            for site_id in site_ids:
                result[(indicator.pk, site_id)] = values.get(site_id)
            continue
        for (indicator_id, site_id), months in by_site.items():
            if indicator_id != indicator.pk:
                continue
            if rule == "sum":
                result[(indicator_id, site_id)] = round(sum(v for _m, v in months), 2)
            elif rule == "last":
                result[(indicator_id, site_id)] = max(months)[1]
            else:
                result[(indicator_id, site_id)] = None
    return result


def indicator_table(
    *,
    department,
    site_ids: Iterable[int],
    start: dt.date,
    end: dt.date,
    codes: Iterable[str] | None = None,
    with_period: bool = False,
) -> list[dict]:
    """Monthly values of a département's active indicators per site, with the target and verdict.

    Returns [{indicator_code, indicator_name, description, unit, unit_label, direction, level, site_id,
    month, value, target, on_target, gap}] ordered by indicator, site and month; a month without a value is
    left out. A département-wide indicator (crisis exercises, newsletters…) gives rows of its own with
    level "department" and site_id None, computed from the sites asked; its target is the entity-wide
    target that all their entities share (`rules.shared_target`), if any.
    With `with_period`, each row also carries the figure of the whole window for its indicator and site
    (`period_value`, by `period_rule`, and `period_how`, in words).
    """
    department_id = getattr(department, "pk", department)
    indicators = list(
        Indicator.objects.filter(department_id=department_id, active=True).order_by("order", "name")
    )
    if codes is not None:
        wanted = set(codes)
        indicators = [i for i in indicators if i.code in wanted]
    entity_of = dict(
        Site.objects.filter(pk__in=list(site_ids), entity__department_id=department_id)
        .order_by()
        .values_list("pk", "entity_id")
    )
    values = monthly_values(
        indicators=indicators,
        site_ids=list(entity_of),
        start=start,
        end=end,
        site_departments=dict.fromkeys(entity_of, department_id),
    )
    entity_ids = sorted(set(entity_of.values()))
    targets = targets_by_indicator(indicators, entity_ids) if indicators else {}
    period = (
        period_values(indicators=indicators, site_ids=list(entity_of), start=start, end=end, monthly=values)
        if with_period
        else {}
    )
    order = {i.pk: n for n, i in enumerate(indicators)}
    by_pk = {i.pk: i for i in indicators}
    result = []
    # Département-wide rows (site None) first, then each site's.
    for (indicator_id, site_id, month), value in sorted(
        values.items(), key=lambda kv: (order[kv[0][0]], kv[0][1] is not None, kv[0][1] or 0, kv[0][2])
    ):
        indicator = by_pk[indicator_id]
        if site_id is None:
            target = rules.shared_target(
                targets.get(indicator_id, []), entity_ids=entity_ids, year=month.year
            )
        else:
            target = rules.target_in_force(
                targets.get(indicator_id, []), entity_id=entity_of[site_id], site_id=site_id, year=month.year
            )
        verdict = rules.verdict(value, target, indicator.direction)
        result.append(
            {
                "indicator_code": indicator.code,
                "indicator_name": indicator.name,
                "description": indicator.description,
                "unit": indicator.unit,
                "unit_label": indicator.get_unit_display(),
                "direction": indicator.direction,
                "level": "site" if site_id is not None else "department",
                "site_id": site_id,
                "month": month,
                "value": value,
                "target": float(target) if target is not None else None,
                "on_target": verdict.on_target if verdict else None,
                "gap": float(verdict.gap) if verdict else None,
                **(
                    {
                        "period_value": period.get((indicator_id, site_id)),
                        "period_how": PERIOD_HOW[period_rule(indicator)],
                    }
                    if with_period
                    else {}
                ),
            }
        )
    return result


def active_indicators(*, department) -> list[dict]:
    """The département's active indicators in their order: [{code, name, description, unit_label}] (the
    annual report lists those without any value in the year). One query."""
    department_id = getattr(department, "pk", department)
    return [
        {"code": i.code, "name": i.name, "description": i.description, "unit_label": i.get_unit_display()}
        for i in Indicator.objects.filter(department_id=department_id, active=True).order_by("order", "name")
    ]
