"""Reads of indicators, always within the user's scope, and the figures other apps may use.

Figures for other apps (stable names, plain data):

- ``monthly_values(*, indicators, site_ids, start, end) -> {(indicator_id, site_id, month): float}``

``indicator_table`` (every active indicator's monthly value per site with its target) is in
`indicators/figures.py`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Avg, DateField, FloatField, Func, QuerySet, Sum
from django.db.models.functions import Cast

from sites.access import READ, get_for_user, visible
from sites.models import Site

from . import computed, rules
from .models import ApiClient, Indicator, Measurement, Target


def indicators_for_user(user) -> QuerySet[Indicator]:
    return visible(user, Indicator.objects).select_related("department", "module", "engagement")


def indicator_for_user(user, pk: int, *, perm: str = READ) -> Indicator:
    return get_for_user(indicators_for_user(user), user, perm=perm, pk=pk)


def measurements_for_user(user) -> QuerySet[Measurement]:
    return visible(user, Measurement.objects).select_related("indicator", "site", "recorded_by", "api_client")


def measurement_for_user(user, pk: int, *, perm: str = READ) -> Measurement:
    return get_for_user(measurements_for_user(user), user, perm=perm, pk=pk)


def targets_of(indicator: Indicator, user) -> QuerySet[Target]:
    return visible(user, Target.objects).filter(indicator=indicator).select_related("entity", "site")


def target_for_user(user, pk: int, *, perm: str = READ) -> Target:
    return get_for_user(Target.objects.select_related("indicator", "entity", "site"), user, perm=perm, pk=pk)


def api_clients_for_user(user) -> QuerySet[ApiClient]:
    return visible(user, ApiClient.objects).select_related("created_by").prefetch_related("sites")


def sites_for_user(user, *, entity_id: int | None = None) -> list[Site]:
    sites = visible(user, Site.objects).select_related("entity__department")
    if entity_id:
        sites = sites.filter(entity_id=entity_id)
    return list(sites.order_by("entity__department__code", "entity__order", "entity__name", "order", "name"))


# ---- values ----------------------------------------------------------------------------------------


class MonthOf(Func):
    """The first day of a date's month, as a date. Unlike TruncMonth on PostgreSQL, the date is not
    turned into a timestamp with time zone first (a time-zone conversion per row, several times slower
    on large windows) and the database returns a plain date."""

    template = "CAST(DATE_TRUNC('month', CAST(%(expressions)s AS timestamp)) AS date)"
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="DATE(%(expressions)s, 'start of month')")


def monthly_values(
    *,
    indicators: Iterable[Indicator],
    site_ids: Iterable[int],
    start: dt.date,
    end: dt.date,
    costly_from: dt.date | None = None,
    site_departments: dict[int, int] | None = None,
) -> dict[tuple[int, int | None, dt.date], float]:
    """Each indicator's value per site and month between `start` and `end` (inclusive).

    Keys are (indicator id, site id, month); a département-level indicator (crisis exercises…) is
    keyed (indicator id, None, month). Measured indicators: one query for all of them (daily values are
    averaged or summed per month, as the indicator says). Computed ones: one call per computation,
    whatever the number of sites; computations read at one date at a time (`per_month`) are asked only
    from `costly_from` on when it is given (the dashboard's table needs only its month).
    """
    indicators = list(indicators)
    site_ids = list(site_ids)
    values: dict[tuple[int, int | None, dt.date], float] = {}
    measured = {i.pk: i for i in indicators if not i.is_computed}
    if measured and site_ids:
        # Plain dates and floats from the database: no time-zone conversion of the month per row (as a
        # timestamp with time zone would need) and no Decimal per value (the value is rounded below).
        rows = (
            Measurement.objects.filter(
                indicator_id__in=list(measured), site_id__in=site_ids, period__gte=start, period__lte=end
            )
            .annotate(month=MonthOf("period"))
            .order_by()
            .values("indicator_id", "site_id", "month")
            .annotate(mean=Cast(Avg("value"), FloatField()), total=Cast(Sum("value"), FloatField()))
            .values_list("indicator_id", "site_id", "month", "mean", "total")
        )
        summed = {pk for pk, i in measured.items() if i.aggregation == Indicator.Aggregation.SUM}
        for indicator_id, site_id, month, mean, total in rows:
            value = total if indicator_id in summed else mean
            values[(indicator_id, site_id, month)] = round(value, 2)
    groups: dict[tuple[str, str], list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        if indicator.is_computed and computed.get(indicator.computed_code) and site_ids:
            groups[(indicator.computed_code, indicator.computed_param)].append(indicator)
    if any(computed.get(code).level == "department" for code, _ in groups) and site_departments is None:
        site_departments = dict(
            Site.objects.filter(pk__in=site_ids).values_list("pk", "entity__department_id")
        )
    # A computation that answers for several parameters at once is called once for all of them.
    many: dict[str, dict[str, computed.Values]] = {}
    for code in {code for code, _ in groups}:
        computation = computed.get(code)
        if computation.compute_many is not None and computation.level == "site":
            params = [param for c, param in groups if c == code]
            many[code] = computation.compute_many(site_ids, start, end, params)
    readings: dict[tuple, object] = {}
    for (code, param), group in groups.items():
        computation = computed.get(code)
        if code in many:
            for (site_id, month), value in many[code][param].items():
                for indicator in group:
                    values[(indicator.pk, site_id, month)] = value
            continue
        first = max(start, costly_from.replace(day=1)) if computation.per_month and costly_from else start
        if computation.level == "department":
            for indicator in group:
                own = [s for s in site_ids if site_departments.get(s) == indicator.department_id]
                if own:
                    for (_, month), value in computation.compute(own, first, end, param).items():
                        values[(indicator.pk, None, month)] = value
            continue
        if computation.reading is not None:  # one reading for every computation of the same rows
            key = (computation.reading, first, end)
            if key not in readings:
                readings[key] = computation.reading(site_ids, first, end)
            computed_values = computation.pick(readings[key], param)
        else:
            computed_values = computation.compute(site_ids, first, end, param)
        for (site_id, month), value in computed_values.items():
            for indicator in group:
                values[(indicator.pk, site_id, month)] = value
    return values


def targets_by_indicator(
    indicators: Iterable[Indicator], entity_ids: Iterable[int]
) -> dict[int, list[rules.TargetRow]]:
    """Every target of these indicators for these entities (one query)."""
    result: dict[int, list[rules.TargetRow]] = defaultdict(list)
    # No ordering: the model's default one would join four tables to sort rows used as a set.
    rows = (
        Target.objects.filter(indicator__in=[i.pk for i in indicators], entity_id__in=list(entity_ids))
        .order_by()
        .values_list("indicator_id", "entity_id", "site_id", "year", "value")
    )
    for indicator_id, entity_id, site_id, year, value in rows:
        result[indicator_id].append(rules.TargetRow(entity_id, site_id, year, value))
    return result


def how_computed(indicator: Indicator) -> str:
    if indicator.is_computed:
        computation = computed.get(indicator.computed_code)
        return (
            computation.how if computation else "Calcul indisponible : la source n'est pas encore en place."
        )
    source = "saisie mensuelle, import Excel ou API"
    if indicator.frequency == Indicator.Frequency.DAILY:
        how = "moyenne" if indicator.aggregation == Indicator.Aggregation.MEAN else "somme"
        return f"Mesuré ({source}) : valeurs quotidiennes, {how} des jours du mois."
    return f"Mesuré ({source})."
