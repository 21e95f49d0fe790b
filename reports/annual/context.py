"""The annual quality report's context: every figure of a département's year, as plain data.

`annual_report_context(department=..., year=...)` gathers the five sections of the report through the
other apps' figures modules (`<app>/figures.py`, via `sources`): no figure is typed in, no text comes
from elsewhere than the database. A section with no row in the year says "Aucune donnée" rather than
dropping its heading.

The number of SQL queries does not depend on the number of rows (pinned in the tests).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from qualipref import french
from referential.cycles import next_audits
from referential.models import LabelScope, Referential
from sites.models import Department, Membership, Role, Site

from . import sources
from .typography import month_fr


def _department(department) -> Department:
    if isinstance(department, Department):
        return department
    return Department.objects.get(pk=department)


def _organisation(department: Department) -> tuple[list[dict], list[dict]]:
    """Entities in their order, each with its sites (one query)."""
    sites = list(
        Site.objects.filter(entity__department=department)
        .select_related("entity")
        .order_by("entity__order", "entity__name", "order", "name")
    )
    entities: dict[int, dict] = {}
    for site in sites:
        entity = site.entity
        entry = entities.setdefault(
            entity.pk,
            {
                "id": entity.pk,
                "code": entity.code,
                "name": entity.name,
                "short_name": entity.short_name or entity.name,
                "kind": entity.kind,
                "sites": [],
            },
        )
        entry["sites"].append({"id": site.pk, "code": site.code, "name": site.name, "city": site.city})
    site_rows = [
        {"id": s.pk, "code": s.code, "name": s.name, "entity_id": s.entity_id, "entity_name": s.entity.name}
        for s in sites
    ]
    return list(entities.values()), site_rows


# ---- I. Pilotage ---------------------------------------------------------------------------------------


def _referential(year: int, department: Department) -> dict | None:
    """The referential in force during the year; "new" when it came into force that year (one query).

    A version the département edited in the app (`referential.editing`) stands for the published one it
    adapts, from the day it was saved: the report of that year reads its texts and parameters, and says
    when the published referential came into force."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    candidates = list(
        Referential.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        .filter(Q(department__isnull=True) | Q(department=department))
        .select_related("adapts")
        .prefetch_related("modules")
        .order_by("-valid_from", "-published_on", "-pk")
    )
    if not candidates:
        return None
    current = candidates[0]
    published = current.adapts or current
    candidates = [current] + [r for r in candidates[1:] if r.published_id != published.pk]
    came_into_force = published.valid_from if published.valid_from and published.valid_from >= start else None
    return {
        "id": current.pk,
        "name": current.name,
        "version": current.version,
        "published_on": current.published_on,
        "valid_from": current.valid_from,
        "new_this_year": came_into_force is not None,
        "in_force_since": month_fr(came_into_force) if came_into_force else None,
        "previous": [r.name for r in candidates[1:]],
        "modules": [
            {"number": m.number, "title": m.title, "mandatory": m.mandatory}
            for m in sorted(current.modules.all(), key=lambda m: m.number)
        ],
        **_engagements(current),
    }


def _engagements(referential) -> dict:
    """A referential of common engagements (one module, such as Services Publics+) is presented by its
    engagements rather than its modules; `results_engagement` is the engagement under which the quality
    results are published (the one the parameter `results_max_age_months` measures). Empty for a
    referential of several modules (Qualipref 2.0), whose report is unchanged."""
    modules = list(referential.modules.all())
    if len(modules) != 1:
        return {"engagements": [], "results_engagement": None}
    # Two queries, for a one-module referential only (the report of a Qualipref 2.0 year runs none).
    engagements = list(modules[0].engagements.order_by("order", "code"))
    results = next(
        (
            p.engagement
            for p in referential.parameters.filter(key="results_max_age_months", department=None)
            .exclude(engagement=None)
            .select_related("engagement")
        ),
        None,
    )
    return {
        "engagements": [{"code": e.code, "title": e.title, "to_confirm": e.to_confirm} for e in engagements],
        "results_engagement": {"code": results.code, "title": results.title} if results else None,
    }


def _label(department: Department, year: int, entities: list[dict]) -> dict:
    """Label scopes of the département: who holds which module at the end of the year, and the awards
    of the year as events (one query)."""
    end = dt.date(year, 12, 31)
    scopes = list(
        LabelScope.objects.filter(entity__department=department)
        # the scopes of the referential the entity worked under that year (not those it entered later
        # or had left by then)
        .filter(Q(started_on__isnull=True) | Q(started_on__lte=end))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
        .select_related("module__referential", "entity")
        .order_by("entity__order", "entity__name", "module__number")
    )
    by_entity: dict[int, list[LabelScope]] = defaultdict(list)
    for scope in scopes:
        by_entity[scope.entity_id].append(scope)
    # The next audit as it stood at the year's end: the date recorded at the time when there is one (the
    # 2015 report prints the renewal planned then), else the referential's cycle computes it.
    computed = next_audits(scopes, until=end)
    next_audit_on = {
        s.pk: s.next_audit_on or (computed[s.pk].date if computed.get(s.pk) else None) for s in scopes
    }
    rows = []
    for entity in entities:
        held = by_entity.get(entity["id"], [])
        labelled = [
            s for s in held if s.status == LabelScope.Status.LABELLED and s.awarded_on and s.awarded_on <= end
        ]
        rows.append(
            {
                "entity_id": entity["id"],
                "entity_name": entity["name"],
                "modules": [s.module.number for s in held],
                "labelled_modules": [s.module.number for s in labelled],
                "labelled": bool(labelled),
                "awarded_on": min((s.awarded_on for s in labelled), default=None),
                "valid_until": max((s.valid_until for s in labelled if s.valid_until), default=None),
                "next_audit_on": min(filter(None, (next_audit_on[s.pk] for s in held)), default=None),
                "referential": labelled[0].module.referential.name if labelled else None,
            }
        )
    awards: dict[tuple[dt.date, str], list[dict]] = defaultdict(list)
    for scope in scopes:
        if scope.awarded_on and scope.awarded_on.year == year:
            awards[(scope.awarded_on, scope.module.referential.name)].append(scope)
    events = []
    for (awarded_on, referential_name), held in sorted(awards.items()):
        names = sorted({s.entity.name for s in held})
        modules = sorted({s.module.number for s in held})
        count = len(names)
        events.append(
            {
                "date": awarded_on,
                "kind": "label",
                "kind_label": "Label",
                "title": (
                    f"Labellisation {referential_name} de {count} {french.plural(count, 'entité', 'entités')}"
                    f" ({french.plural(len(modules), 'module', 'modules')} {', '.join(map(str, modules))})"
                ),
                "detail": ", ".join(names),
                "source": "referential",
            }
        )
    labelled_rows = [r for r in rows if r["labelled"]]
    referential_names = sorted({r["referential"] for r in labelled_rows if r["referential"]})
    return {
        "entities": rows,
        "labelled_count": len(labelled_rows),
        "referentials": referential_names,
        "awards": events,
    }


def _referents(department: Department) -> list[dict]:
    """The network of quality referents: who, for which site or entity (one query)."""
    memberships = (
        Membership.objects.filter(department=department, role=Role.SITE_REFERENT)
        .select_related("user", "entity", "site")
        .order_by("entity__order", "site__order", "user__last_name")
    )
    return [
        {
            "name": str(m.user),
            "job_title": m.user.job_title,
            "scope": m.scope_label,
            "site_id": m.site_id,
            "entity_id": m.entity_id,
        }
        for m in memberships
        if m.user.is_active
    ]


# Events the application derives from its own records (audits, label scopes) replace the same facts
# noted by hand in the steering log (an "audit" or "label" event in the same month).
DERIVED_KINDS = ("audit", "label")


def _pilotage(
    department: Department, year: int, label: dict, steering: dict | None, audits: dict | None
) -> dict:
    derived = list(label["awards"]) + (audits["events"] if audits else [])
    seen = {(e["kind"], e["date"].replace(day=1)) for e in derived}
    noted = [
        e
        for e in (steering["events"] if steering else [])
        if not (e["kind"] in DERIVED_KINDS and (e["kind"], e["date"].replace(day=1)) in seen)
    ]
    events = sorted(derived + noted, key=lambda e: (e["date"], e["title"]))
    referential = _referential(year, department)
    engaged: dict[int, list[str]] = defaultdict(list)
    for row in label["entities"]:
        for number in row["modules"]:
            engaged[number].append(row["entity_name"])
    modules = [
        {**m, "entities": engaged.get(m["number"], [])} for m in (referential or {}).get("modules", [])
    ]
    return {
        "referential": referential,
        "modules": modules,
        "events": events,
        "committees": steering["committees"] if steering else None,
        "working_groups": steering["working_groups"] if steering else None,
        "documents": steering["documents"] if steering else None,
        "referents": _referents(department),
    }


# ---- the whole context --------------------------------------------------------------------------------


SECTIONS = (
    (
        "pilotage",
        "I",
        "Le pilotage de la démarche",
        [
            ("pilotage-referential", "Le référentiel"),
            ("pilotage-events", "Les faits marquants de l'année"),
            ("pilotage-committees", "Les comités et groupes de travail"),
            ("pilotage-referents", "Le réseau des référents qualité"),
            ("pilotage-documents", "Le référentiel interne"),
            ("pilotage-label", "Le label"),
        ],
    ),
    (
        "actions",
        "II",
        "Les actions réalisées",
        [
            ("actions-modules", "Mise en conformité par module"),
            ("actions-sites", "Prise en compte des évaluations"),
            ("actions-communication", "Communication"),
        ],
    ),
    (
        "evaluation",
        "III",
        "L'évaluation",
        [
            ("evaluation-surveys", "Les enquêtes de satisfaction"),
            ("evaluation-audits", "Les audits"),
            ("evaluation-complaints", "Les réclamations et suggestions"),
        ],
    ),
    (
        "indicators",
        "IV",
        "Les indicateurs qualité",
        [("indicators-year", "Les valeurs de l'année"), ("indicators-charts", "Les courbes de l'année")],
    ),
    (
        "outlook",
        "V",
        "Perspectives",
        [("outlook-actions", "Les actions prévues par entité"), ("outlook-deadlines", "Les échéances")],
    ),
)


def annual_report_context(*, department, year: int) -> dict:
    """Every figure of the annual report of `department` for `year`, as plain data (see module doc)."""
    department = _department(department)
    year = int(year)
    entities, sites = _organisation(department)
    label = _label(department, year, entities)
    site_ids = [s["id"] for s in sites]
    steering = sources.steering(site_ids, year)
    audits = sources.audits(department, year, entities)
    pilotage = _pilotage(department, year, label, steering, audits)
    complaints = sources.complaints(department, year, pilotage["referential"], entities)
    actions = sources.actions(department, year)
    indicators = sources.indicators(department, year, sites)
    context = {
        "department": {"id": department.pk, "code": department.code, "name": department.name},
        "year": year,
        "next_year": year + 1,
        "generated_at": timezone.localtime(),
        "entities": entities,
        "sites": sites,
        "label": label,
        "pilotage": pilotage,
        "actions": actions,
        "communication": sources.communication(actions, steering),
        "evaluation": {
            "surveys": sources.surveys(department, year, site_ids),
            "audits": audits,
            "complaints": complaints,
        },
        "indicators": indicators,
        "indicators_without_data": sources.indicators_without_data(department, indicators),
        "outlook": sources.outlook(department, year, steering),
    }
    context["sections"] = [
        {
            "key": key,
            "number": number,
            "title": title if key != "outlook" else f"Perspectives {year + 1}",
            "subsections": [{"id": sub_id, "title": sub_title} for sub_id, sub_title in subsections],
        }
        for key, number, title, subsections in SECTIONS
    ]
    return context
