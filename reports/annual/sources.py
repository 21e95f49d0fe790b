"""Adapters to the other apps' figures (`<app>/figures.py`): each returns the plain data of one part of
the annual report. Every app is installed: a missing figure is an import error, not an empty section."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils.translation import ngettext

from actionplans import figures as actionplans_figures
from audits import figures as audits_figures
from audits.selectors import finding_types, type_columns
from complaints import figures as complaints_figures
from indicators import figures as indicators_figures
from qualipref import french
from referential.models import Referential
from referential.params import parameter_value
from sites.models import Department
from steering import figures as steering_figures
from surveys import figures as surveys_figures
from surveys.models import Campaign

from .typography import date_fr, month_fr


def steering(site_ids: list[int], year: int) -> dict:
    """Committees held, working groups, label events, documents written: the steering app's figures."""
    module = steering_figures
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    held = module.meetings_held(site_ids, start, end)
    kind_labels = {
        "steering": "Comité de pilotage",
        "users": "Comité local des usagers",
        "working_group": "Groupes de travail",
    }
    committees = []
    for kind, label in kind_labels.items():
        dates = module.meeting_dates(site_ids, start, end, kind=kind) if held.get(kind) else []
        committees.append(
            {
                "kind": kind,
                "name": label,
                "kind_label": label,
                "meetings_held": held.get(kind, 0),
                "dates": dates,
            }
        )
    documents = module.documents_written_or_revised(site_ids, start, end)
    return {
        "events": [{**e, "source": "steering"} for e in module.label_events(site_ids, start, end)],
        "committees": committees,
        "working_groups": module.working_groups(site_ids),
        "documents": [
            {**d, "issued_on": d["date"], "status": status}
            for status, rows in (("rédigé", documents["written"]), ("révisé", documents["revised"]))
            for d in rows
        ],
        "newsletters": module.newsletters(site_ids, start, end),
        "social": module.social_media_counts(site_ids, start, end),
        "press_releases": module.press_releases(site_ids, start, end)["total"],
        "exercises": module.exercises_held(site_ids, start, end),
        "trainings": module.trainings_held(site_ids, start, end),
        "calendar": module.calendar_outlook_summary(
            site_ids, dt.date(year + 1, 1, 1), dt.date(year + 1, 12, 31)
        ),
    }


# ---- III. Évaluation: complaints ------------------------------------------------------------------------


def complaints(department: Department, year: int, referential: dict | None, entities: list[dict]) -> dict:
    figures = complaints_figures.yearly_complaints_by_site(department=department, year=year)
    deadline_days = deadline_kind = None
    if referential:
        ref = Referential(pk=referential["id"])
        end = dt.date(year, 12, 31)
        deadline_days = parameter_value(ref, "complaint_answer_days", department=department, on=end)
        deadline_kind = parameter_value(ref, "complaint_days_kind", department=department, on=end)
    by_entity: dict[str, dict] = {}
    for row in figures["rows"]:
        entry = by_entity.setdefault(
            row["entity_name"], {"entity_name": row["entity_name"], "received": 0, "sites": []}
        )
        entry["received"] += row["received"]
        entry["sites"].append(row["site_name"])
    total = figures["total"]
    deadline_words = {"calendar": "jours calendaires", "working": "jours ouvrés"}.get(deadline_kind or "")
    return {
        "rows": figures["rows"],
        "by_entity": list(by_entity.values()),
        "total": total,
        "deadline_days": deadline_days,
        "deadline_kind": deadline_words,
        # how the printed delays count their days: the requests' own kind, else the rule in force
        "days_words": total["days_words"] or deadline_words or "jours calendaires",
        "has_data": total["received"] > 0,
    }


# ---- II. Actions ----------------------------------------------------------------------------------------

ORIGIN_GROUPS = (
    ("enquête", {"survey_unit", "survey_point"}),
    ("audit", {"finding", "audit"}),
    ("autre", None),
)


def _origin_group(kind: str | None) -> str:
    for label, kinds in ORIGIN_GROUPS:
        if kinds is None or kind in kinds:
            return label
    return "autre"


def _action_row(action: dict) -> dict:
    scope = ", ".join(action["sites"]) if action["sites"] else action["entity"]
    return {
        "title": action["title"],
        "entity": action["entity"],
        "scope": scope,
        "module": action["module"],
        "origin_kind": action["origin_kind"],
        "origin_label": action["origin_label"],
        "origin_group": _origin_group(action["origin_kind"]),
        "origin_text": action["origin_text"],
        "done_on": action["completed_on"],
        "due_on": action["due_on"],
    }


def actions(department: Department, year: int) -> dict:
    done = actionplans_figures.actions_done_in_year(department=department, year=year)
    groups = [label for label, _kinds in ORIGIN_GROUPS]
    by_site = []
    for site in done["by_site"]:
        actions = [_action_row(a) for a in site["actions"]]
        counts = [sum(1 for a in actions if a["origin_group"] == g) for g in groups]
        by_site.append(
            {"name": site["site"], "entity": site["entity"], "actions": actions, "origin_counts": counts}
        )
    evaluated = {a["title"] + a["entity"] for s in done["by_site"] for a in s["actions"]}
    return {
        "by_module": [
            {"number": m["module"], "title": m["title"], "actions": [_action_row(a) for a in m["actions"]]}
            for m in done["by_module"]
        ],
        "by_site": by_site,
        "origin_labels": [f"{g}s" if g != "autre" else "autres" for g in groups],
        "evaluation_total": len(evaluated),
        "communication": [_action_row(a) for a in done["communication"]],
        "count": done["count"],
    }


def communication(actions: dict | None, steering: dict | None) -> dict | None:
    if actions is None and steering is None:
        return None
    figures, lines = [], []
    if steering:
        newsletters = steering["newsletters"]
        if newsletters:
            titles = sorted({n["title"] for n in newsletters})
            figures.append(
                {
                    "label": french.plural(len(newsletters), "numéro", "numéros")
                    + f" de « {' », « '.join(titles)} »",
                    "value": len(newsletters),
                }
            )
        network_labels = {
            "twitter": "tweets",
            "facebook": "publications Facebook",
            "other": "autres publications",
        }
        for network, posts in sorted(steering["social"]["by_network"].items()):
            figures.append({"label": network_labels.get(network, network), "value": posts})
        if steering["press_releases"]:
            figures.append({"label": "communiqués de crise", "value": steering["press_releases"]})
        exercises = steering["exercises"]
        if exercises["total"]:
            figures.append({"label": "exercices de crise", "value": exercises["total"]})
            lines.append(
                f"{exercises['total']} {french.plural(exercises['total'], 'exercice', 'exercices')}"
                " de crise, dont "
                f"{exercises['with_cip']} avec appel à la cellule d'information du public (CIP)."
            )
    communication_actions = (actions or {}).get("communication", [])
    if not figures and not communication_actions and not lines:
        return None
    return {"figures": figures, "actions": communication_actions, "lines": lines}


# ---- III. Évaluation: surveys and audits -----------------------------------------------------------------


def surveys(department: Department, year: int, site_ids: list[int]) -> dict:
    # the year's campaigns; every figure comes from the matrix
    campaigns = list(Campaign.objects.filter(department=department, year=year).order_by("population", "pk"))
    result = []
    for campaign in campaigns:
        matrix = surveys_figures.campaign_matrix(campaign, site_ids=site_ids)
        if not matrix.rows:
            continue
        criteria = [{"code": c.code, "label": c.label, "target": c.target_rate} for c in matrix.criteria]
        units = [
            {
                "name": row.unit.name,
                "site_name": row.unit.site.name,
                "entity_name": row.unit.site.entity.name,
                "respondents": row.unit.respondents,
                "rates": [float(c.rate) if c.rate is not None else None for c in row.cells],
                "strengths": [p.text for p in row.strengths],
                "vigilance": [p.text for p in row.vigilance],
            }
            for row in matrix.rows
        ]
        result.append(
            {
                "name": campaign.name,
                "population": campaign.get_population_display(),
                "starts_on": campaign.starts_on,
                "ends_on": campaign.ends_on,
                "respondents": campaign.respondents,
                "criteria": criteria,
                "units": units,
            }
        )
    return {"campaigns": result}


def _audit_events(audits: list) -> list[dict]:
    """Audits that started in the year, one event per kind and month:
    "Audit interne (juin 2015) : 4 entités"."""
    groups: dict[tuple, list] = defaultdict(list)
    for audit in audits:
        groups[(audit.kind, audit.start_on.replace(day=1))].append(audit)
    events = []
    for (_kind, month), rows in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        entities = sorted({a.entity.name for a in rows})
        count = len(entities)
        nonconformities = sum(
            getattr(a, "n_minor_nonconformity", 0) + getattr(a, "n_major_nonconformity", 0) for a in rows
        )
        detail = ", ".join(entities)
        if nonconformities:
            detail += " – " + ngettext(
                "%(n)d non-conformité relevée", "%(n)d non-conformités relevées", nonconformities
            ) % {"n": nonconformities}
        events.append(
            {
                "date": min(a.start_on for a in rows),
                "kind": "audit",
                "kind_label": "Audit",
                "title": f"{rows[0].get_kind_display()} ({month_fr(month)}) : "
                + ngettext("%(n)d entité", "%(n)d entités", count) % {"n": count},
                "detail": detail,
                "source": "audits",
            }
        )
    return events


def audits(department: Department, year: int, entities: list[dict]) -> dict:
    """Audits of the year, their findings counted per entity and type (one table per kind of audit),
    and the général findings."""
    module = audits_figures
    of_year = module.audits_of_year(department=department, year=year)
    types = type_columns(finding_types())
    kinds: list[tuple[str, str]] = []
    for audit in of_year:
        if (audit.kind, audit.get_kind_display()) not in kinds:
            kinds.append((audit.kind, audit.get_kind_display()))
    groups = []
    for kind, label in kinds:
        counts = {
            e.pk: row
            for e, row in module.finding_counts(department=department, year=year, kinds=[kind]).items()
        }
        used = [t for t in types if any(t.code in row for row in counts.values())]
        rows = []
        for entity in entities:
            if entity["id"] in counts:
                numbers = [counts[entity["id"]].get(t.code, 0) for t in used]
                rows.append({"entity_name": entity["name"], "counts": numbers, "total": sum(numbers)})
        if rows:
            groups.append(
                {
                    "kind": kind,
                    "label": label,
                    "types": [{"code": t.code, "label": t.label_plural or t.label} for t in used],
                    "entities": rows,
                    "totals": [sum(r["counts"][i] for r in rows) for i in range(len(used))],
                    "total": sum(r["total"] for r in rows),
                }
            )
    general = [
        {
            "code": g.finding_type.code,
            "label": g.finding_type.label_plural or g.finding_type.label,
            "items": [f.title for f in g.findings],
        }
        for g in module.general_findings(department=department, year=year)
    ]
    return {
        "audits": [
            {
                "label": a.title or a.get_kind_display(),
                "kind_label": a.get_kind_display(),
                "entity_name": a.entity.name,
                "date": a.start_on,
                "findings": a.n_findings,
            }
            for a in of_year
        ],
        "groups": groups,
        "general": general,
        "events": _audit_events(of_year),
    }


# ---- IV. Indicators -------------------------------------------------------------------------------------


def _indicator_rows(department: Department, year: int, sites: list[dict]) -> list[dict]:
    """Monthly values of the département's active indicators per site (site None for a département-wide
    indicator), with the target in force and whether it is met: the indicators app's `indicator_table`."""
    rows = indicators_figures.indicator_table(
        department=department,
        site_ids=[s["id"] for s in sites],
        start=dt.date(year, 1, 1),
        end=dt.date(year, 12, 31),
        with_period=True,
    )
    return [
        {
            "indicator_code": row["indicator_code"],
            "indicator_name": row["indicator_name"],
            "description": row["description"],
            "unit": row["unit_label"],
            "direction": row["direction"],
            "site_id": row["site_id"],
            "month": row["month"],
            "value": float(row["value"]),
            "target": row["target"],
            "on_target": row["on_target"],
            "period_value": row["period_value"],
            "period_how": row["period_how"],
        }
        for row in rows
    ]


def indicators(department: Department, year: int, sites: list[dict]) -> list[dict]:
    rows = _indicator_rows(department, year, sites)
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    site_names: dict[int | None, str] = {s["id"]: s["name"] for s in sites}
    site_names[None] = f"{department.name} (tout le département)"
    result: dict[str, dict] = {}
    for row in rows:
        indicator = result.setdefault(
            row["indicator_code"],
            {
                "code": row["indicator_code"],
                "name": row["indicator_name"],
                "description": row["description"],
                "unit": row["unit"],
                "direction": row["direction"],
                "months": months,
                "by_site": {},
            },
        )
        site = indicator["by_site"].setdefault(
            row["site_id"],
            {
                "site_id": row["site_id"],
                "site_name": site_names[row["site_id"]],
                "values": [None] * 12,
                "targets": set(),
                "on_target": 0,
                "measured": 0,
                # the year's figure: computed over the year (never a mean of the monthly figures)
                "year_value": row["period_value"],
                "year_how": row["period_how"],
            },
        )
        site["values"][row["month"].month - 1] = row["value"]
        site["measured"] += 1
        if row["target"] is not None:
            site["targets"].add(row["target"])
        if row["on_target"]:
            site["on_target"] += 1
    out = []
    for indicator in result.values():
        site_rows = []
        for site in indicator.pop("by_site").values():
            targets = site.pop("targets")
            site["target"] = targets.pop() if len(targets) == 1 else None
            site["met"] = None if site["target"] is None else site["on_target"] == site["measured"]
            site_rows.append(site)
        shared = {s["target"] for s in site_rows}
        indicator["target"] = shared.pop() if len(shared) == 1 else None
        indicator["sites"] = site_rows
        out.append(indicator)
    return out


def indicators_without_data(department: Department, drawn: list[dict]) -> list[dict]:
    """The département's active indicators with no value in the year: listed in part IV, never drawn."""
    with_data = {i["code"] for i in drawn}
    return [
        {"code": i["code"], "name": i["name"], "unit": i["unit_label"]}
        for i in indicators_figures.active_indicators(department=department)
        if i["code"] not in with_data
    ]


# ---- V. Perspectives ------------------------------------------------------------------------------------


def outlook(department: Department, year: int, steering: dict | None) -> dict:
    planned = actionplans_figures.outlook(department=department, year=year)
    actions_by_entity = [
        {"entity_name": group["entity"], "actions": [_action_row(a) for a in group["actions"]]}
        for group in planned
    ]
    deadlines = None
    if steering is not None:
        deadlines = [
            {
                "when": _when(line["dates"], line["frequency_label"]),
                "title": line["title"],
                "kind_label": line["kind_label"],
                "frequency_label": line["frequency_label"],
                "first_date": line["dates"][0],
                "occurrences": len(line["dates"]),
                "scope": line["scope"],
            }
            for line in steering["calendar"]
        ]
    return {"actions_by_entity": actions_by_entity, "deadlines": deadlines}


def _when(dates: list[dt.date], frequency_label: str) -> str:
    if len(dates) > 1:
        return f"{frequency_label} ({len(dates)} échéances)"
    return date_fr(dates[0])
