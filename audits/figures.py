"""The audits' figures (findings counted per entity and type, open non-conformities, the audits of a year),
read by the dashboard and the annual report: plain functions over a scope and a period."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from referential.models import FindingType
from sites.models import Entity, Site

from .models import Audit, Finding
from .selectors import finding_types, type_columns


def finding_counts(*, department, year: int, kinds=None, entity_ids=None) -> dict[Entity, dict[str, int]]:
    """{entity: {finding type code: number}} for the findings of the audits that started in `year`
    (of `kinds`, e.g. [Audit.Kind.EXTERNAL]), entities of `department` in their order. Two queries."""
    audits = Audit.objects.filter(entity__department=department, start_on__year=year)
    if kinds:
        audits = audits.filter(kind__in=list(kinds))
    if entity_ids is not None:
        audits = audits.filter(entity_id__in=entity_ids)
    rows = (
        Finding.objects.filter(audit__in=audits)
        .values("entity_id", "finding_type__code")
        .annotate(n=Count("pk"))
    )
    by_entity = defaultdict(dict)
    for r in rows:
        by_entity[r["entity_id"]][r["finding_type__code"]] = r["n"]
    entities = Entity.objects.filter(pk__in=list(by_entity)).order_by("order", "name")
    return {e: by_entity[e.pk] for e in entities}


@dataclass
class FindingGroup:
    finding_type: FindingType
    findings: list[Finding]


def general_findings(*, department, year: int) -> list[FindingGroup]:
    """The général findings (whole département) observed in `year`, grouped by type in the type order
    ("Points forts généraux", "Points sensibles généraux", "Pistes de progrès générales"). One query."""
    findings = list(
        Finding.objects.filter(department=department, entity__isnull=True, observed_on__year=year)
        .select_related("finding_type")
        .order_by("finding_type__order", "number", "pk")
    )
    groups: dict[int, FindingGroup] = {}
    for f in findings:
        groups.setdefault(f.finding_type_id, FindingGroup(f.finding_type, [])).findings.append(f)
    return list(groups.values())


def open_nonconformity_counts(*, entity_ids=None, site_ids=None, on: dt.date | None = None) -> dict:
    """Open non-conformities (minor and major, not verified closed): {"entities": {entity id: n},
    "sites": {site id: n}} (entity-wide findings count for the entity only). `on`: as of that date
    (findings observed until then). One query."""
    qs = _open_nonconformities(entity_ids=entity_ids, site_ids=site_ids)
    if on is not None:
        qs = qs.filter(observed_on__lte=on)
    return _tally(qs.values_list("entity_id", "site_id"))


def open_nonconformity_counts_on(*, site_ids, dates) -> dict[dt.date, dict]:
    """`open_nonconformity_counts` of these sites as of each of `dates`, in one query."""
    dates = sorted(set(dates))
    if not dates:
        return {}
    rows = list(
        _open_nonconformities(site_ids=site_ids)
        .filter(observed_on__lte=dates[-1])
        .values_list("entity_id", "site_id", "observed_on")
    )
    return {
        on: _tally((entity_id, site_id) for entity_id, site_id, observed_on in rows if observed_on <= on)
        for on in dates
    }


def _open_nonconformities(*, entity_ids=None, site_ids=None):
    qs = Finding.objects.filter(finding_type__code__endswith="nonconformity", entity__isnull=False).exclude(
        status=Finding.Status.VERIFIED_CLOSED
    )
    if entity_ids is not None:
        qs = qs.filter(entity_id__in=entity_ids)
    if site_ids is not None:
        site_entities = Site.objects.filter(pk__in=site_ids).values("entity_id")
        qs = qs.filter(Q(site_id__in=site_ids) | Q(site__isnull=True, entity_id__in=site_entities))
    return qs


def _tally(rows) -> dict:
    entities, sites = defaultdict(int), defaultdict(int)
    for entity_id, site_id in rows:
        entities[entity_id] += 1
        if site_id:
            sites[site_id] += 1
    return {"entities": dict(entities), "sites": dict(sites)}


def audits_of_year(
    *, department, year: int, kinds=None, include_self_assessments: bool = False
) -> list[Audit]:
    """Audits that started in `year` in `department` (for the report's "label events"), with their
    entity and finding counts per type code (`n_<code>`)."""
    qs = Audit.objects.filter(entity__department=department, start_on__year=year)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    elif not include_self_assessments:
        qs = qs.exclude(kind=Audit.Kind.SELF_ASSESSMENT)
    columns = type_columns(finding_types())
    annotations = {
        f"n_{t.code}": Count("findings", filter=Q(findings__finding_type__code=t.code)) for t in columns
    }
    return list(
        qs.select_related("entity")
        .annotate(n_findings=Count("findings"), **annotations)
        .order_by("start_on", "entity__order")
    )


def self_assessments_between(*, department, start: dt.date, end: dt.date) -> list[Audit]:
    """Self-assessments whose deadline (end date) falls in [start, end], for the steering calendar."""
    return list(
        Audit.objects.filter(
            entity__department=department, kind=Audit.Kind.SELF_ASSESSMENT, end_on__range=(start, end)
        )
        .select_related("entity")
        .order_by("end_on", "entity__order")
    )


def upcoming_audits(*, site_ids, start: dt.date, end: dt.date, limit: int = 6) -> list[dict]:
    """Audits (self-assessments included) not yet reported whose start falls in [start, end], soonest
    first, of the entities of `site_ids`: [{"pk", "title", "kind_label", "start_on", "entity_name"}]. One
    query (the committee dashboard's "upcoming audits")."""
    site_entities = Site.objects.filter(pk__in=list(site_ids)).values("entity_id")
    rows = (
        Audit.objects.filter(
            entity_id__in=site_entities,
            start_on__range=(start, end),
            status__in=[Audit.Status.PLANNED, Audit.Status.IN_PROGRESS],
        )
        .order_by("start_on", "pk")
        .values("pk", "title", "kind", "start_on", "entity__name")[:limit]
    )
    kinds = dict(Audit.Kind.choices)
    return [
        {
            "pk": r["pk"],
            "title": r["title"],
            "kind_label": kinds.get(r["kind"], r["kind"]),
            "start_on": r["start_on"],
            "entity_name": r["entity__name"],
        }
        for r in rows
    ]
