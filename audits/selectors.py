"""Every read of the audits app, scoped by the user, with the joins it needs (constant query counts).

Figures other apps read (indicators, annual report, steering calendar) are in `audits/figures.py`: plain
data, no request, no user (the caller scopes by département or ids).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from referential import cycles
from referential import selectors as referential_selectors
from referential.models import Engagement, FindingType, LabelScope
from sites.access import READ, get_for_user, visible
from sites.models import Entity

from . import links, readiness
from .models import Audit, AuditPlanLine, Finding, SelfAssessmentRow
from .services import ERR_NOT_ASSIGNED, can_write_finding, can_write_findings

FINDINGS_WRITE = "findings_write"
DONE_SELF_ASSESSMENT = (Audit.Status.REPORT_ISSUED, Audit.Status.CLOSED)


# ---- getters ------------------------------------------------------------------------------------------


def audit_for_user(user, pk, *, perm: str = READ) -> Audit:
    """One audit of the user's scope (404 outside). perm WRITE: may edit the audit (403 otherwise);
    FINDINGS_WRITE: may write its findings (writers of the entity, or an assigned auditor)."""
    queryset = Audit.objects.select_related("entity__department", "referential", "status_changed_by")
    if perm == FINDINGS_WRITE:
        audit = get_for_user(queryset, user, pk=pk)
        if not can_write_findings(user, audit):
            raise PermissionDenied(ERR_NOT_ASSIGNED)
        return audit
    return get_for_user(queryset, user, perm=perm, pk=pk)


def finding_for_user(user, pk, *, write: bool = False) -> Finding:
    # Not the engagement's module nor the criterion's engagement (the counterparts read them when the
    # finding names them): joined here too, the query reached 16 tables, which PostgreSQL took 18 ms to
    # plan for 1 ms of work (EXPLAIN ANALYZE on benchmarks/pages.py's data, PostgreSQL's default
    # join_collapse_limit; 7 ms with 10 tables).
    finding = get_object_or_404(
        visible(user, Finding.objects).select_related(
            "audit__entity",
            "audit__referential",
            "entity",
            "department",
            "site",
            "finding_type",
            "module",
            "engagement",
            "criterion",
            "verified_by",
            "status_changed_by",
        ),
        pk=pk,
    )
    if write and not can_write_finding(user, finding):
        raise PermissionDenied(
            ERR_NOT_ASSIGNED if finding.audit_id else "Votre rôle ne permet pas cette action."
        )
    return finding


# ---- lists ----------------------------------------------------------------------------------------------


def finding_types(referential=None):
    """Finding types in display order (of one referential, or of all)."""
    qs = FindingType.objects.order_by("order", "pk")
    return list(qs.filter(referential=referential) if referential else qs)


def type_columns(types) -> list[FindingType]:
    """One column per type code (types of several referentials share a code)."""
    seen, columns = set(), []
    for t in types:
        if t.code not in seen:
            seen.add(t.code)
            columns.append(t)
    return columns


def audits_for_user(user, *, columns=None):
    """Audits of the user's scope with their entity, modules, sites, and finding counts per type code
    (annotation `n_<code>`): three queries whatever the number of audits."""
    columns = columns if columns is not None else type_columns(finding_types())
    annotations = {
        f"n_{t.code}": Count("findings", filter=Q(findings__finding_type__code=t.code)) for t in columns
    }
    return (
        visible(user, Audit.objects)
        .select_related("entity", "referential")
        .prefetch_related("modules", "sites")
        .annotate(n_findings=Count("findings"), **annotations)
    )


def findings_for_user(user):
    """Findings (of audits and général) of the user's scope, ready for a list or an export."""
    return visible(user, Finding.objects).select_related(
        "audit", "entity", "department", "site", "finding_type", "module", "engagement", "criterion"
    )


def audit_findings(audit: Audit):
    return list(
        Finding.objects.filter(audit=audit)
        .select_related("finding_type", "site", "module", "engagement", "criterion", "gap_sheet")
        .order_by("finding_type__order", "number", "pk")
    )


def audit_detail(audit: Audit) -> dict:
    """Everything the audit page and its PDF show, in a constant number of queries."""
    findings = audit_findings(audit)
    types = finding_types(audit.referential)
    counts = defaultdict(int)
    for f in findings:
        counts[f.finding_type_id] += 1
    rows = list(
        SelfAssessmentRow.objects.filter(audit=audit)
        .select_related("engagement__module", "criterion", "finding")
        .order_by("order")
        if audit.is_self_assessment
        else []
    )
    return {
        "audit": audit,
        "modules": list(audit.modules.order_by("number")),
        "sites": list(audit.sites.all()),
        "reception_points": list(audit.reception_points.select_related("site")),
        "auditors": list(audit.auditors.all()),
        "plan_lines": list(AuditPlanLine.objects.filter(audit=audit).order_by("date", "time", "pk")),
        "findings": findings,
        "type_counts": [(t, counts.get(t.pk, 0)) for t in types],
        "gap_sheets": [f for f in findings if hasattr(f, "gap_sheet")],
        "nonconformities": [f for f in findings if f.finding_type.code.endswith("nonconformity")],
        "checklist_rows": rows,
        "checklist_missing": sum(1 for r in rows if not r.answer),
    }


# ---- cycle comparison -----------------------------------------------------------------------------------


@dataclass
class CycleComparison:
    entity: Entity
    audits: list[Audit]
    types: list[FindingType]
    # rows: (type, [count per audit])
    rows: list[tuple[FindingType, list[int]]] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)


def cycle_comparison(user, entity_pk, *, include_self_assessments: bool = False) -> CycleComparison:
    """Findings per type for each audit of an entity, side by side (oldest first); three queries."""
    entity = get_for_user(Entity.objects.select_related("department"), user, pk=entity_pk)
    audits_qs = Audit.objects.filter(entity=entity).order_by("start_on", "pk")
    if not include_self_assessments:
        audits_qs = audits_qs.exclude(kind=Audit.Kind.SELF_ASSESSMENT)
    audits = list(audits_qs)
    counts = {
        (r["audit_id"], r["finding_type__code"]): r["n"]
        for r in Finding.objects.filter(audit__in=audits)
        .values("audit_id", "finding_type__code")
        .annotate(n=Count("pk"))
    }
    types = type_columns(finding_types())
    rows = [(t, [counts.get((a.pk, t.code), 0) for a in audits]) for t in types]
    totals = [sum(r[1][i] for r in rows) for i in range(len(audits))]
    return CycleComparison(entity, audits, types, rows, totals)


# ---- readiness ------------------------------------------------------------------------------------------


# What the readiness panel shows of a finding's type (read with the findings).
TYPE_FIELDS = ("label", "label_plural", "order", "blocks_label")


def readiness_overview(
    user, *, today: dt.date | None = None, entity_ids=None, entities=None
) -> list[readiness.EntityReadiness]:
    """Readiness of each entity of the user's scope (or of `entity_ids` within it), per module of its
    label scope. Nine queries, whatever the number of entities, findings and self-assessments (the
    findings come with their type and whether an action comes from them).
    A caller that already holds the user's visible entities (in their default order) passes them as
    `entities`, sparing their query; from `label_overview` of the same day, sparing their label scopes'
    and next audits' too (five queries then)."""
    today = today or timezone.localdate()
    if entities is None:
        entities = visible(user, Entity.objects).order_by("department__code", "order", "name")
        if entity_ids is not None:
            entities = entities.filter(pk__in=entity_ids)
    elif entity_ids is not None:
        entities = [e for e in entities if e.pk in set(entity_ids)]
    entities = list(entities)
    ids = [e.pk for e in entities]
    # Entities from `referential.selectors.label_overview` (same day) carry their label scopes in force and
    # each scope's next audit: they are not read again.
    overview = bool(entities) and all(hasattr(e, "label_scopes") for e in entities)
    if overview:
        scopes = sorted((s for e in entities for s in e.label_scopes), key=lambda s: (s.module.number, s.pk))
    else:
        scopes = list(
            LabelScope.objects.filter(entity_id__in=ids)
            .current(today)
            .select_related("module__referential")
            .order_by("module__number", "pk")
        )
    module_ids = {s.module_id for s in scopes}

    # A département's version of the referential (edited in the app, `referential.editing`) continues the
    # published one: the findings, actions and self-assessments recorded under any version of that lineage
    # count for the module of the same number the entity holds today, and the cycle began when the entity
    # entered the lineage, not when the version was saved.
    lineage = referential_selectors.module_lineage(scopes, entity_ids=ids)
    held = {(s.entity_id, *lineage.key(s.module_id)): s.module_id for s in scopes}

    def held_module(entity_id, module_id):
        key = lineage.key(module_id)
        return held.get((entity_id, *key), module_id) if key else module_id

    # Open findings whose type calls for an action.
    # Findings of a cycle the entity left (before it entered its current referential) are history.
    # One query: the findings with what the panel shows of their type, and whether an action comes from them.
    since = lineage.since
    open_rows = [
        {**r, "module_id": held_module(r["entity_id"], r["module_id"])}
        for r in Finding.objects.filter(entity_id__in=ids, finding_type__requires_action=True)
        .exclude(status=Finding.Status.VERIFIED_CLOSED)
        .annotate(has_action=links.has_action())
        .values(
            "pk",
            "entity_id",
            "module_id",
            "finding_type_id",
            "status",
            "observed_on",
            "has_action",
            *(f"finding_type__{f}" for f in TYPE_FIELDS),
        )
        if since.get(r["entity_id"]) is None or r["observed_on"] >= since[r["entity_id"]]
    ]
    types = {
        r["finding_type_id"]: FindingType(
            pk=r["finding_type_id"],
            **{f: r[f"finding_type__{f}"] for f in TYPE_FIELDS},
        )
        for r in open_rows
    }
    overdue = defaultdict(int)
    for (entity_id, module_id), n in links.overdue_actions_by_entity_module(ids, today).items():
        overdue[(entity_id, held_module(entity_id, module_id))] += n

    # The items a self-assessment checks: criteria, or engagements without criteria (one row each, the
    # criterion left empty).
    items_by_module = defaultdict(list)  # module id -> [(engagement code, criterion code, code)]
    for module_id, e_code, c_code in (
        Engagement.objects.filter(module_id__in=module_ids)
        .order_by("order", "code", "criteria__order", "criteria__code")
        .values_list("module_id", "code", "criteria__code")
    ):
        items_by_module[module_id].append((e_code, c_code, c_code or e_code))

    # Last answer per entity and item over the finished self-assessments (oldest first: the last wins),
    # an item known by its codes so that an answer given under another version of the lineage counts.
    last_answer: dict[tuple, str] = {}
    for entity_id, module_id, engagement_code, criterion_code, answer in (
        SelfAssessmentRow.objects.filter(
            audit__entity_id__in=ids,
            audit__kind=Audit.Kind.SELF_ASSESSMENT,
            audit__status__in=DONE_SELF_ASSESSMENT,
        )
        .order_by("audit__end_on", "audit_id")
        .values_list(
            "audit__entity_id", "engagement__module_id", "engagement__code", "criterion__code", "answer"
        )
    ):
        module_id = held_module(entity_id, module_id)
        last_answer[(entity_id, module_id, engagement_code, criterion_code)] = answer

    # Next audit: the earliest date to come, from the label scope or a planned audit covering the module;
    # failing that, the label scope's date even if passed (it then asks to plan again).
    next_audit: dict[tuple[int, int], dt.date] = {}
    passed: dict[tuple[int, int], dt.date] = {}
    # The label scope's date comes from the referential's cycle and the last audit (referential.cycles).
    due = {s.pk: s.next_audit for s in scopes} if overview else cycles.next_audits(scopes)
    candidates = [((s.entity_id, s.module_id), due[s.pk].date) for s in scopes if due[s.pk]]
    candidates += [
        ((entity_id, module_id), start_on)
        for entity_id, module_id, start_on in Audit.modules.through.objects.filter(
            audit__entity_id__in=ids, audit__status=Audit.Status.PLANNED, audit__start_on__gte=today
        )
        .exclude(audit__kind=Audit.Kind.SELF_ASSESSMENT)
        .values_list("audit__entity_id", "module_id", "audit__start_on")
    ]
    for key, date in candidates:
        target = next_audit if date >= today else passed
        if key not in target or date < target[key]:
            target[key] = date
    for key, date in passed.items():
        next_audit.setdefault(key, date)

    open_by = defaultdict(lambda: defaultdict(int))  # (entity, module) -> type id -> n
    without = defaultdict(int)
    for r in open_rows:
        key = (r["entity_id"], r["module_id"])
        open_by[key][r["finding_type_id"]] += 1
        if r["status"] == Finding.Status.OPEN and not r["has_action"]:
            without[key] += 1

    def inputs(entity_id, module_id, number, title):
        key = (entity_id, module_id)
        type_counts = tuple(
            readiness.TypeCount(types[t].label, types[t].label_plural, n, types[t].blocks_label)
            for t, n in sorted(open_by[key].items(), key=lambda kv: (types[kv[0]].order, kv[0]))
        )
        never, not_compliant = [], []
        for e_code, c_code, code in items_by_module.get(module_id, []):
            answer = last_answer.get((entity_id, module_id, e_code, c_code))
            if answer is None:
                never.append(code)
            elif answer == SelfAssessmentRow.Answer.NOT_COMPLIANT:
                not_compliant.append(code)
        date = next_audit.get(key)
        return readiness.ModuleInputs(
            module_number=number,
            module_title=title,
            open_by_type=type_counts,
            without_action=without[key],
            overdue_actions=overdue.get(key, 0),
            never_self_assessed=tuple(never),
            not_compliant_last=tuple(not_compliant),
            days_to_next_audit=(date - today).days if date else None,
            next_audit_on=date,
        )

    scopes_by_entity = defaultdict(list)
    for s in scopes:
        scopes_by_entity[s.entity_id].append(s)
    result = []
    for entity in entities:
        modules = [
            inputs(entity.pk, s.module_id, s.module.number, s.module.title)
            for s in scopes_by_entity[entity.pk]
        ]
        key = (entity.pk, None)
        if open_by.get(key) or without.get(key) or overdue.get(key):
            modules.append(inputs(entity.pk, None, 0, "Constats sans module"))
        result.append(readiness.assess_entity(entity.pk, entity.name, modules))
    return result


# ---- (the figures for other apps are in audits/figures.py) ---------------------------------------------


__all__ = [
    "audit_for_user",
    "finding_for_user",
    "audits_for_user",
    "findings_for_user",
    "audit_detail",
    "cycle_comparison",
    "readiness_overview",
]
