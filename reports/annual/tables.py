"""Every table of the annual report, declared once: the PDF's template prints them with
`{% report_table "name" source %}` and the workbook (`annual_report_xlsx`) has one sheet per table, from
the same columns, labels and formats. Tables the PDF writes as prose (lists of actions, points) are
declared here too, for the workbook only (`on="xlsx"`).
"""

from __future__ import annotations

from qualipref.excel import workbook_bytes
from reports.annual.typography import NBSP, number_fr, percent_fr
from reports.tables import Col, Table, sheet, table_sheet


def _days(header: str, words: str | None) -> str:
    """A delay's header always says which days it counts."""
    return f"{header} ({words})" if words else f"{header} (jours)"


# ---- I. Pilotage ----------------------------------------------------------------------------------------

MODULES = Table(
    sheet="Modules",
    columns=[
        Col("Module", "number", "int", 10),
        Col("Intitulé", "title", width=50),
        Col("Statut", lambda m: "obligatoire" if m["mandatory"] else "optionnel", width=12),
        Col("Entités engagées", "entities", "list", 60),
    ],
    rows=lambda ctx: ctx["pilotage"]["modules"],
)


def _engagement_rows(ctx) -> list[dict] | None:
    """A referential of common engagements (Services Publics+): its engagements, the one under which the
    quality results are published marked."""
    referential = ctx["pilotage"]["referential"] or {}
    results = (referential.get("results_engagement") or {}).get("code")
    return [
        {**e, "results": "résultats publiés" if e["code"] == results else ""}
        for e in referential.get("engagements") or []
    ] or None


ENGAGEMENTS = Table(
    sheet="Engagements",
    columns=[
        Col("Engagement", "code", width=12),
        Col(
            "Intitulé",
            "title",
            width=70,
            note=lambda e: "formulation à confirmer" if e.get("to_confirm") else None,
        ),
        Col(
            "Formulation à confirmer", lambda e: "oui" if e.get("to_confirm") else "non", width=14, on="xlsx"
        ),
        Col("Résultats de qualité", "results", width=20),
    ],
    rows=_engagement_rows,
)

EVENTS = Table(
    sheet="Faits marquants",
    columns=[
        Col("Date", "date", "date", 14),
        Col("Événement", "title", width=60, note="kind_label", strong=True),
        Col("Type", "kind_label", width=20, on="xlsx"),
        Col("Précisions", "detail", width=60),
    ],
    rows=lambda ctx: ctx["pilotage"]["events"],
)

COMMITTEES = Table(
    sheet="Comités",
    columns=lambda ctx: [
        Col("Instance", "name", width=40),
        Col("Type", "kind_label", width=26, on="xlsx"),
        Col(f"Réunions en {ctx['year']}", "meetings_held", "int", 16),
        Col("Dates", "dates", "dates", 60),
    ],
    rows=lambda ctx: ctx["pilotage"]["committees"],
)

REFERENTS = Table(
    sheet="Référents",
    columns=[
        Col("Référent(e)", "name", width=30),
        Col("Fonction", "job_title", width=30),
        Col("Périmètre", "scope", width=40),
    ],
    rows=lambda ctx: ctx["pilotage"]["referents"],
)

DOCUMENTS = Table(
    sheet="Documents",
    columns=[
        Col("Document", "title", width=50),
        Col("Type", "kind_label", width=24),
        Col("Version", "version", width=10),
        Col("Rédigé ou révisé", "status", width=16),
        Col("Date", "issued_on", "date", 14),
    ],
    rows=lambda ctx: ctx["pilotage"]["documents"],
)

LABEL = Table(
    sheet="Label",
    columns=[
        Col("Entité", "entity_name", width=40),
        Col("Modules", "modules", "list", 14),
        Col("Labellisée le", "awarded_on", "date", 16, empty="non labellisée"),
        Col("Valable jusqu'au", "valid_until", "date", 16),
        Col("Prochain audit", "next_audit_on", "date", 16),
    ],
    rows=lambda ctx: ctx["label"]["entities"],
)

# ---- II. Actions ----------------------------------------------------------------------------------------


def _actions(ctx) -> dict:
    return ctx.get("actions") or {}


ACTIONS_BY_MODULE = Table(
    sheet="Actions par module",
    on="xlsx",
    columns=[
        Col("Module", "module", "int", 10),
        Col("Intitulé du module", "module_title", width=40),
        Col("Action", "title", width=70),
        Col("Périmètre", "scope", width=30),
        Col("Réalisée le", "done_on", "date", 14),
    ],
    rows=lambda ctx: [
        {"module": m["number"], "module_title": m["title"], **a}
        for m in _actions(ctx).get("by_module", [])
        for a in m["actions"]
    ],
)

ACTIONS_BY_SITE = Table(
    sheet="Actions par site",
    columns=lambda ctx: [
        Col("Site", "name", width=26),
        Col("Actions", lambda s: len(s["actions"]), "int", 10),
        *(
            Col(f"dont {label}", lambda s, i=i: s["origin_counts"][i], "int", 12)
            for i, label in enumerate(_actions(ctx).get("origin_labels", []))
        ),
    ],
    rows=lambda ctx: _actions(ctx).get("by_site"),
)

ACTIONS_DONE = Table(
    sheet="Actions réalisées par site",
    on="xlsx",
    columns=[
        Col("Site", "site", width=26),
        Col("Action", "title", width=70),
        Col("Origine", "origin_label", width=30),
        Col("Réalisée le", "done_on", "date", 14),
    ],
    rows=lambda ctx: [
        {"site": s["name"], **a} for s in _actions(ctx).get("by_site", []) for a in s["actions"]
    ],
)

COMMUNICATION = Table(
    sheet="Communication",
    on="xlsx",
    columns=[Col("Rubrique", "label", width=50), Col("Valeur", "value", "number", 14)],
    rows=lambda ctx: (
        (ctx.get("communication") or {}).get("figures", [])
        + [{"label": a["title"], "value": None} for a in (ctx.get("communication") or {}).get("actions", [])]
    ),
)

# ---- III. Évaluation ------------------------------------------------------------------------------------

SURVEY_RATES = Table(  # one per campaign: the source is the campaign
    sheet="Enquêtes",
    css="rates",
    columns=lambda campaign: [
        Col("Unité", "name", width=44),
        Col("Site", "site_name", width=22, on="xlsx"),
        *(
            Col(c["label"], lambda u, i=i: u["rates"][i], "percent", 16)
            for i, c in enumerate(campaign["criteria"])
        ),
    ],
    rows=lambda campaign: campaign["units"],
)

SURVEY_POINTS = Table(
    sheet="Points forts et vigilance",
    on="xlsx",
    columns=[
        Col("Campagne", "campaign", width=36),
        Col("Unité", "unit", width=44),
        Col("Type", "kind", width=20),
        Col("Constat", "text", width=70),
    ],
    rows=lambda ctx: [
        {"campaign": campaign["name"], "unit": u["name"], "kind": kind, "text": text}
        for campaign in ((ctx["evaluation"].get("surveys") or {}).get("campaigns", []))
        for u in campaign["units"]
        for kind, texts in (("Point fort", u["strengths"]), ("Point de vigilance", u["vigilance"]))
        for text in texts
    ],
)

AUDITS = Table(
    sheet="Audits",
    columns=[
        Col("Audit", "label", width=40, note="kind_label"),
        Col("Type", "kind_label", width=30, on="xlsx"),
        Col("Entité", "entity_name", width=36),
        Col("Début", "date", "date", 14),
        Col("Constats", "findings", "int", 12),
    ],
    rows=lambda ctx: (ctx["evaluation"].get("audits") or {}).get("audits"),
)


def _finding_columns(group) -> list[Col]:
    return [
        Col("Audit", "kind", width=34, on="xlsx"),
        Col("Entité", "entity_name", width=36),
        *(Col(t["label"], lambda e, i=i: e["counts"][i], "int", 14) for i, t in enumerate(group["types"])),
        Col("Total", "total", "int", 10),
    ]


FINDINGS_BY_ENTITY = Table(  # one per kind of audit: the source is the group
    sheet="Constats par entité",
    columns=_finding_columns,
    rows=lambda group: [{"kind": group["label"], **e} for e in group["entities"]],
    total=lambda group: {
        "kind": group["label"],
        "entity_name": "Total",
        "counts": group["totals"],
        "total": group["total"],
    },
)

GENERAL_FINDINGS = Table(
    sheet="Constats généraux",
    on="xlsx",
    columns=[Col("Type", "type", width=26), Col("Constat", "text", width=90)],
    rows=lambda ctx: [
        {"type": g["label"], "text": item}
        for g in (ctx["evaluation"].get("audits") or {}).get("general", [])
        for item in g["items"]
    ],
)


def _complaint_columns(complaints) -> list[Col]:
    words = complaints.get("days_words")
    return [
        Col("Site", "site_name", width=26),
        Col("Entité", "entity_name", width=36, on="xlsx"),
        Col("Réclamations", "complaints", "int", 14),
        Col("Suggestions", "suggestions", "int", 12),
        Col("Total", "received", "int", 10),
        Col("Répondues", "answered", "int", 12),
        Col("Répondues dans le délai", "answered_on_time", "int", 14, on="xlsx"),
        Col("En retard sans réponse", "late_unanswered", "int", 14, on="xlsx"),
        Col("Dans le délai", "on_time_share", "percent", 14),
        Col("Sur (demandes)", "on_time_basis", "int", 12),
        Col(_days("Délai moyen", words), "mean_answer_days", "days", 16),
        Col(_days("Délai maximal", words), "max_answer_days", "days", 16),
    ]


COMPLAINTS = Table(  # the source is the context's evaluation.complaints
    sheet="Réclamations",
    columns=_complaint_columns,
    rows=lambda complaints: complaints["rows"] if complaints.get("has_data") else None,
    total=lambda complaints: {**complaints["total"], "site_name": "Total", "entity_name": ""},
)

# ---- IV. Indicateurs ------------------------------------------------------------------------------------


def _indicator_columns(ctx_or_indicator) -> list[Col]:
    year = ctx_or_indicator.get("year", "")
    return [
        Col("Indicateur", "indicator", width=40, on="xlsx"),
        Col("Unité", "unit", width=8, on="xlsx"),
        Col("Site", "site_name", width=30),
        Col(f"Valeur {year}".strip(), "year_value", "number", 14, on="xlsx"),
        Col(f"Valeur {year}".strip(), "year_label", width=14, on="pdf", note="year_how"),
        Col("Calcul", "year_how", width=40, on="xlsx"),
        Col("Cible", "target", "number", 12, on="xlsx"),
        Col("Cible", "target_label", width=12, on="pdf"),
        Col("Mois à la cible", "months_on_target", width=14),
    ]


def _indicator_rows(indicator) -> list[dict]:
    return [
        {
            "indicator": indicator["name"],
            "unit": indicator.get("unit", ""),
            **s,
            "year_label": s.get("year_label", ""),
            "target_label": s.get("target_label", ""),
            "months_on_target": f"{s['on_target']}\u00a0/\u00a0{s['measured']}"
            if s.get("target") is not None
            else None,
        }
        for s in indicator["sites"]
    ]


INDICATOR_YEAR = Table(  # one per indicator in the PDF (source: the indicator, with "year"); one sheet
    sheet="Indicateurs",
    css="indicator-table",
    columns=_indicator_columns,
    rows=_indicator_rows,
)


def _overview_columns(source) -> list[Col]:
    """Part IV's table of the year: one column per site (and one for the département-wide indicators)."""
    columns = [
        Col("Indicateur", "name", width=40, strong=True, note="how"),
        Col("Cible", "target_label", width=12),
    ]
    for key, name in source["columns"]:
        columns.append(
            Col(
                name,
                lambda row, key=key: row["cells"].get(key, {}).get("value"),
                width=16,
                note=lambda row, key=key: row["cells"].get(key, {}).get("note"),
            )  # fmt: skip
        )
    return columns


def _overview_note(site: dict, indicator: dict) -> str | None:
    if site.get("target") is None:
        return None
    note = f"{site['on_target']}\u00a0/\u00a0{site['measured']} à la cible"
    if indicator.get("target") is None:
        note += f" ({site['target_label']})"
    return note


def _overview_rows(source) -> list[dict]:
    return [
        {
            "name": ind["name"],
            "how": ind["sites"][0].get("year_how") if ind["sites"] else None,
            "target_label": ind["target_label"]
            if ind.get("target") is not None
            else ("par site" if ind.get("has_site_targets") else None),
            "cells": {
                s["site_id"]: {"value": s["year_label"], "note": _overview_note(s, ind)} for s in ind["sites"]
            },
        }
        for ind in source["indicators"]
    ]


def value_label(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return percent_fr(value)
    return number_fr(value) if unit in ("", "nombre") else f"{number_fr(value)}{NBSP}{unit}"


def labelled_indicator(indicator: dict) -> dict:
    """An indicator of part IV with its values written as the report prints them (PDF and workbook)."""
    unit = indicator.get("unit", "")
    return {
        **indicator,
        "target_label": value_label(indicator.get("target"), unit),
        "has_site_targets": any(s.get("target") is not None for s in indicator["sites"]),
        "sites": [
            {
                **s,
                "year_label": value_label(s.get("year_value"), unit),
                "target_label": value_label(s.get("target"), unit),
            }
            for s in indicator["sites"]
        ],
    }


def overview_columns(indicators: list, sites: list) -> list[tuple]:
    """The sites (and « Tout le département ») that have a value in part IV's table of the year."""
    keys = {s["site_id"] for i in indicators for s in i["sites"]}
    columns = [(s["id"], s["name"]) for s in sites if s["id"] in keys]
    return columns + ([(None, "Tout le département")] if None in keys else [])


INDICATORS_OVERVIEW = Table(  # part IV: every indicator with data, its year's figure per site
    sheet="Indicateurs de l'année",
    css="indicator-overview",
    columns=_overview_columns,
    rows=_overview_rows,
)

INDICATOR_MONTHS = Table(
    sheet="Indicateurs par mois",
    on="xlsx",
    columns=[
        Col("Indicateur", "indicator", width=40),
        Col("Unité", "unit", width=8),
        Col("Site", "site", width=26),
        Col("Mois", "month", "date", 12),
        Col("Valeur", "value", "number", 12),
        Col("Cible", "target", "number", 12),
    ],
    rows=lambda ctx: [
        {
            "indicator": ind["name"],
            "unit": ind.get("unit", ""),
            "site": s["site_name"],
            "month": month,
            "value": value,
            "target": s.get("target", ind.get("target")),
        }
        for ind in ctx.get("indicators") or []
        for s in ind["sites"]
        for month, value in zip(ind["months"], s["values"], strict=True)
    ],
)

# ---- V. Perspectives ------------------------------------------------------------------------------------

PLANNED = Table(
    sheet="Perspectives",
    on="xlsx",
    columns=[
        Col("Entité", "entity", width=36),
        Col("Action prévue", "title", width=70),
        Col("Échéance", "due_on", "date", 14),
    ],
    rows=lambda ctx: [
        {"entity": e["entity_name"], **a}
        for e in ctx["outlook"].get("actions_by_entity") or []
        for a in e["actions"]
    ],
)

DEADLINES = Table(
    sheet="Échéances",
    columns=[
        Col("Quand", "when", width=26),
        Col("Échéance", "title", width=60),
        Col("Périmètre", "scope", width=30),
    ],
    rows=lambda ctx: ctx["outlook"].get("deadlines"),
)

# The tables the PDF's template names ({% report_table "complaints" evaluation.complaints %}).
TABLES = {
    "modules": MODULES,
    "engagements": ENGAGEMENTS,
    "events": EVENTS,
    "committees": COMMITTEES,
    "referents": REFERENTS,
    "documents": DOCUMENTS,
    "label": LABEL,
    "actions_by_site": ACTIONS_BY_SITE,
    "survey_rates": SURVEY_RATES,
    "audits": AUDITS,
    "findings_by_entity": FINDINGS_BY_ENTITY,
    "complaints": COMPLAINTS,
    "indicator_year": INDICATOR_YEAR,
    "indicators_overview": INDICATORS_OVERVIEW,
    "deadlines": DEADLINES,
}


# ---- the workbook ---------------------------------------------------------------------------------------

SUMMARY = Table(
    sheet="Synthèse",
    on="xlsx",
    columns=[Col("Rubrique", "label", width=42), Col("Valeur", "value", width=28)],
    rows=lambda ctx: _summary(ctx),
)


def _summary(ctx: dict) -> list[dict]:
    complaints = ctx["evaluation"]["complaints"] or {}
    total = complaints.get("total") or {}
    words = complaints.get("days_words") or "jours"
    rows = [
        {"label": "Département", "value": f"{ctx['department']['name']} ({ctx['department']['code']})"},
        {"label": "Année", "value": ctx["year"]},
        {"label": "Entités labellisées au 31 décembre", "value": ctx["label"]["labelled_count"]},
        {"label": "Sites", "value": len(ctx["sites"])},
        {"label": "Événements de l'année", "value": len(ctx["pilotage"]["events"])},
    ]
    results = (ctx["pilotage"]["referential"] or {}).get("results_engagement")
    if results:
        rows.append(
            {
                "label": "Résultats publiés au titre de l'engagement",
                "value": f"{results['code']} – {results['title']}",
            }
        )
    if complaints:
        rows += [
            {"label": "Réclamations reçues", "value": total.get("complaints")},
            {"label": "Suggestions reçues", "value": total.get("suggestions")},
            {"label": "Réclamations et suggestions répondues", "value": total.get("answered")},
            {
                "label": f"Part dans le délai (%), sur {total.get('on_time_basis')} demandes",
                "value": total.get("on_time_share"),
            },
            {"label": f"Délai moyen de réponse ({words})", "value": total.get("mean_answer_days")},
            {"label": f"Délai maximal de réponse ({words})", "value": total.get("max_answer_days")},
        ]
    for figure in (ctx.get("communication") or {}).get("figures", []):
        rows.append({"label": figure["label"], "value": figure["value"]})
    return rows


def _survey_sheets(ctx: dict) -> list:
    sheets = []
    for campaign in (ctx["evaluation"].get("surveys") or {}).get("campaigns", []):
        title = f"Enquête {campaign['population'].lower()}"[:28]
        while title in [t for t, _c, _r in sheets]:
            title = f"{title[:26]} {len(sheets) + 1}"
        columns = [
            Col(f"{c.header} (%)", c.value, c.fmt, c.width, on=c.on) if c.fmt == "percent" else c
            for c in SURVEY_RATES.columns_for(campaign, "xlsx")
        ]
        sheets.append(sheet(title, columns, SURVEY_RATES.rows_for(campaign)))
    return sheets or [sheet(SURVEY_RATES.sheet, [Col("Unité", "name", width=44)], None)]


def annual_report_xlsx(ctx: dict) -> bytes:
    """The annual report as a workbook: one sheet per table, numbers as numbers, dates as dates."""
    audits = ctx["evaluation"].get("audits") or {}
    groups = audits.get("groups", [])
    indicators = [{**ind, "year": ctx["year"]} for ind in ctx.get("indicators") or []]
    sheets = [
        table_sheet(SUMMARY, ctx),
        table_sheet(MODULES, ctx),
        # a referential of common engagements (Services Publics+): the table the PDF shows
        *([table_sheet(ENGAGEMENTS, ctx)] if _engagement_rows(ctx) else []),
        *(table_sheet(t, ctx) for t in (EVENTS, COMMITTEES, REFERENTS, DOCUMENTS, LABEL)),
        *(table_sheet(t, ctx) for t in (ACTIONS_BY_MODULE, ACTIONS_BY_SITE, ACTIONS_DONE, COMMUNICATION)),
        *_survey_sheets(ctx),
        table_sheet(SURVEY_POINTS, ctx),
        table_sheet(AUDITS, ctx),
        _findings_sheet(groups),
        table_sheet(GENERAL_FINDINGS, ctx),
        table_sheet(COMPLAINTS, ctx["evaluation"].get("complaints") or {}),
        *(
            [
                table_sheet(
                    INDICATORS_OVERVIEW,
                    {"indicators": [labelled_indicator(i) for i in indicators], "columns": columns},
                )
            ]
            if (columns := overview_columns(indicators, ctx["sites"]))
            else []
        ),
        _indicator_sheet(indicators, ctx["year"]),
        table_sheet(INDICATOR_MONTHS, ctx),
        table_sheet(PLANNED, ctx, title=f"Perspectives {ctx['next_year']}"),
        table_sheet(DEADLINES, ctx),
    ]
    return workbook_bytes(sheets)


def _findings_sheet(groups: list) -> tuple:
    """Every kind of audit's table in one sheet: the finding types of all of them as columns."""
    types = []
    for group in groups:
        types += [t for t in group["types"] if t["label"] not in [x["label"] for x in types]]
    union = {"label": "", "types": types, "entities": [], "totals": [], "total": 0}
    rows = []
    for group in groups:
        for row in FINDINGS_BY_ENTITY.rows_for(group):
            counts = dict(zip([t["label"] for t in group["types"]], row["counts"], strict=True))
            rows.append({**row, "counts": [counts.get(t["label"], 0) for t in types]})
    return sheet(FINDINGS_BY_ENTITY.sheet, FINDINGS_BY_ENTITY.columns_for(union, "xlsx"), rows)


def _indicator_sheet(indicators: list, year: int) -> tuple:
    columns = INDICATOR_YEAR.columns_for({"year": year}, "xlsx")
    rows = [row for ind in indicators for row in INDICATOR_YEAR.rows_for(ind)]
    return sheet(INDICATOR_YEAR.sheet, columns, rows)
