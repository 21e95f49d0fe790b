"""The complaints app's figures, read by the register, the dashboard, the annual report, the public pages
and the open-data export: plain functions over a scope (site ids or a département) and a period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import Avg, Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import Correspondence, DaysKind, Kind
from .selectors import late_unanswered_q, overdue_q


def overdue_counts(*, site_ids: Iterable[int], today: dt.date | None = None) -> dict[int, int]:
    """Requests overdue on `today` per site ({site id: n}, sites without any left out): the figure
    `correspondence_figures` gives as "overdue_now", read from the open requests only (partial index
    `request_open_due`) rather than by aggregating each site's whole history. One query."""
    today = today or timezone.localdate()
    rows = (
        Correspondence.objects.filter(overdue_q(today), site_id__in=list(site_ids))
        .order_by()
        .values("site_id")
        .annotate(n=Count("pk"))
        .values_list("site_id", "n")
    )
    return dict(rows)


# How delays are counted, in words: every printed delay says which days it counts.
DAYS_WORDS = dict(DaysKind.choices)  # "jours calendaires", "jours ouvrés"


MIXED_DAYS_WORDS = "jours calendaires ou ouvrés selon la demande"


def days_words(working: int, total: int, default: str = DaysKind.CALENDAR) -> str:
    """ "jours ouvrés" when every request counts working days, "jours calendaires" when none does."""
    if not total:
        return DAYS_WORDS[default]
    if working == total:
        return DAYS_WORDS[DaysKind.WORKING]
    return DAYS_WORDS[DaysKind.CALENDAR] if not working else MIXED_DAYS_WORDS


def on_time_share(answered_on_time: int, answered: int, late_unanswered: int) -> float | None:
    """THE on-time rate: answered on time ÷ (answered + past due without an answer), in percent.

    A yearly (or any period's) rate is computed from the period's counts, never as a mean of monthly
    rates. None when no request is answered or late."""
    basis = answered + late_unanswered
    return round(100 * answered_on_time / basis, 1) if basis else None


# The kinds of request the annual report's section « Les réclamations et suggestions » counts.
REPORT_KINDS = (Kind.COMPLAINT, Kind.SUGGESTION)


SUMMED = (
    "received",
    "complaints",
    "suggestions",
    "answered",
    "answered_on_time",
    "late_unanswered",
    "sum_answer_days",
    "overdue_now",
)


def total_of(rows: list[dict]) -> dict:
    """The figures of several groups together, computed from their counts (never a mean of rates)."""
    total = {key: sum(r[key] for r in rows) for key in SUMMED}
    total["on_time_basis"] = total["answered"] + total["late_unanswered"]
    total["on_time_share"] = on_time_share(
        total["answered_on_time"], total["answered"], total["late_unanswered"]
    )
    total["mean_answer_days"] = (
        round(total["sum_answer_days"] / total["answered"], 1) if total["answered"] else None
    )
    maxima = [r["max_answer_days"] for r in rows if r["max_answer_days"] is not None]
    total["max_answer_days"] = max(maxima) if maxima else None
    words = {r["days_words"] for r in rows if r["received"]}
    total["days_words"] = words.pop() if len(words) == 1 else (MIXED_DAYS_WORDS if words else "")
    return total


def _figures_aggregates(today: dt.date) -> dict:
    return {
        "received": Count("pk"),
        "complaints": Count("pk", filter=Q(kind=Kind.COMPLAINT)),
        "suggestions": Count("pk", filter=Q(kind=Kind.SUGGESTION)),
        "answered": Count("pk", filter=Q(answered_on__isnull=False)),
        "answered_on_time": Count("pk", filter=Q(answered_on__isnull=False, answered_on_time=True)),
        "late_unanswered": Count("pk", filter=late_unanswered_q(today)),
        "mean_answer_days": Avg("answer_days", filter=Q(answered_on__isnull=False)),
        "max_answer_days": Max("answer_days", filter=Q(answered_on__isnull=False)),
        "sum_answer_days": Sum("answer_days", filter=Q(answered_on__isnull=False)),
        "overdue_now": Count("pk", filter=overdue_q(today)),
        "working_days": Count("pk", filter=Q(deadline_kind=DaysKind.WORKING)),
    }


def _finish(row: dict) -> dict:
    row["late_unanswered"] = row.get("late_unanswered") or 0
    row["on_time_basis"] = row["answered"] + row["late_unanswered"]
    row["on_time_share"] = on_time_share(row["answered_on_time"], row["answered"], row["late_unanswered"])
    mean = row["mean_answer_days"]
    row["mean_answer_days"] = round(float(mean), 1) if mean is not None else None
    row["sum_answer_days"] = row["sum_answer_days"] or 0
    row["days_words"] = days_words(row.pop("working_days", 0) or 0, row["received"])
    return row


GROUPS = {
    "department": ("site__entity__department_id",),
    "site": ("site_id", "site__name"),
    "entity": ("site__entity_id", "site__entity__name"),
    "kind": ("kind",),
    "month": ("month",),
    "year": ("year",),
}


def correspondence_figures(
    *,
    site_ids: Iterable[int],
    start: dt.date | None,
    end: dt.date | None,
    kinds: Sequence[str] | None = None,
    group_by: Sequence[str] = ("site",),
    today: dt.date | None = None,
    queryset: QuerySet[Correspondence] | None = None,
) -> list[dict]:
    """Figures of the requests received between `start` and `end` (inclusive) on `site_ids`.

    One SQL query. Returns plain dicts, one per group (group_by: any of "department", "site", "entity",
    "kind", "month", "year"; () for one total row), with:
    received (complaints, suggestions: those of each kind), answered, answered_on_time,
    late_unanswered (past due without an answer as of `today`), on_time_basis (answered +
    late_unanswered), on_time_share (`on_time_share`: percent 0–100 of on_time_basis, None when it is 0),
    mean_answer_days, max_answer_days, sum_answer_days (days of the request's own deadline kind,
    paused days excluded), days_words ("jours calendaires", "jours ouvrés" or both), overdue_now (still
    open, clock running, due date passed as of `today`), plus the group keys (department_id,
    site_id/site_name, entity_id/entity_name, kind/kind_label, month, year).
    """
    today = today or timezone.localdate()
    qs = queryset if queryset is not None else Correspondence.objects.all()
    qs = qs.filter(site_id__in=list(site_ids))
    if start:
        qs = qs.filter(received_on__gte=start)
    if end:
        qs = qs.filter(received_on__lte=end)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    qs = qs.order_by()
    if "month" in group_by:
        qs = qs.annotate(month=TruncMonth("received_on"))
    if "year" in group_by:
        from django.db.models.functions import ExtractYear

        qs = qs.annotate(year=ExtractYear("received_on"))
    fields = [f for g in group_by for f in GROUPS[g]]
    rows = (
        list(qs.values(*fields).annotate(**_figures_aggregates(today)))
        if fields
        else [qs.aggregate(**_figures_aggregates(today))]
    )
    kind_labels = dict(Kind.choices)
    result = []
    for row in rows:
        row = _finish(dict(row))
        if "site__name" in row:
            row["site_name"] = row.pop("site__name")
        if "site__entity__department_id" in row:
            row["department_id"] = row.pop("site__entity__department_id")
        if "site__entity_id" in row:
            row["entity_id"] = row.pop("site__entity_id")
            row["entity_name"] = row.pop("site__entity__name")
        if "kind" in row:
            row["kind_label"] = kind_labels.get(row["kind"], row["kind"])
        if isinstance(row.get("month"), dt.datetime):
            row["month"] = row["month"].date()
        result.append(row)
    order = [k for g in group_by for k in {"site": ["site_name"], "entity": ["entity_name"]}.get(g, [g])]
    result.sort(key=lambda r: tuple(str(r.get(k) or "") for k in order))
    return result


def selection_figures(
    *, user, queryset: QuerySet[Correspondence], site_ids, today: dt.date | None = None
) -> dict:
    """The figures of a register's selection (`correspondence_figures`, one total row) for this user, over
    their readable `site_ids` (which hold every row of the selection): kept until a write on their
    départements (`sites.versions.kept`), else computed (one query). The key names the selection's SQL with
    its parameters (scope, filters, the day's dates); `kept` adds the user and their scope: never shared
    across users. One query when kept (the stamp).

    A scope over several départements (the administrator's: the whole country) adds up one part per
    département (`total_of`), each kept until a write on its own département (`sites.versions.kept_parts`):
    a request logged in one département counts that département's rows again, not the country's."""
    from sites.access import scope_for
    from sites.versions import kept, kept_parts

    today = today or timezone.localdate()
    site_ids = sorted(site_ids)
    sql, params = queryset.order_by().query.sql_with_params()
    name = f"complaints.register|{sql}|{params!r}"
    department_of_site = scope_for(user).department_of_site
    sites_of: dict[int, list[int]] = {}
    for site_id in site_ids:
        sites_of.setdefault(department_of_site.get(site_id), []).append(site_id)
    if len(sites_of) <= 1:
        return kept(
            user,
            name,
            lambda: correspondence_figures(
                site_ids=site_ids, start=None, end=None, group_by=(), queryset=queryset, today=today
            )[0],
            today=today,
        )

    def parts(department_ids):
        rows = correspondence_figures(
            site_ids=[s for d in department_ids for s in sites_of.get(d, [])],
            start=None,
            end=None,
            group_by=("department",),
            queryset=queryset,
            today=today,
        )
        found = {row["department_id"]: row for row in rows}
        return {d: found.get(d, _NOTHING) for d in department_ids}

    total = total_of(list(kept_parts(user, name, parts, today=today).values()))
    if not total["received"]:
        total["days_words"] = days_words(0, 0)
    return total


# The part of a département with no request in the selection.
_NOTHING = {**dict.fromkeys(SUMMED, 0), "max_answer_days": None, "days_words": ""}


def yearly_complaints_by_site(*, department, year: int, today: dt.date | None = None) -> dict:
    """Complaints and suggestions of a département's sites received in `year`, for the annual report
    (two queries).

    Returns {"year", "rows": [{site_id, site_name, entity_name, received, complaints, suggestions,
    answered, answered_on_time, late_unanswered, on_time_basis, on_time_share, mean_answer_days,
    max_answer_days, days_words, overdue_now}] (every site, zero included), "total": {same figures over
    the département}}.
    """
    from sites.models import Site

    department_id = getattr(department, "pk", department)
    sites = list(
        Site.objects.filter(entity__department_id=department_id)
        .select_related("entity")
        .order_by("entity__order", "order", "name")
    )
    figures = {
        r["site_id"]: r
        for r in correspondence_figures(
            site_ids=[s.pk for s in sites],
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
            kinds=REPORT_KINDS,
            group_by=("site",),
            today=today,
        )
    }
    empty = {
        **dict.fromkeys(SUMMED, 0),
        "on_time_basis": 0,
        "on_time_share": None,
        "mean_answer_days": None,
        "max_answer_days": None,
        "days_words": "",
    }
    rows = []
    for site in sites:
        row = {**empty, **figures.get(site.pk, {})}
        row.update(site_id=site.pk, site_name=site.name, entity_name=site.entity.name)
        rows.append(row)
    return {"year": year, "rows": rows, "total": total_of(rows)}
