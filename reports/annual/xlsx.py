"""The annual report as an Excel workbook: the same context, one sheet per table, French headers,
numbers as numbers (rates in percent, 0–100), dates as dates."""

from __future__ import annotations

from operator import itemgetter

from qualipref.excel import Column, workbook_bytes

NO_DATA = "Aucune donnée"


def _col(header: str, key, width: int = 18) -> Column:
    return Column(header, key if callable(key) else itemgetter(key), width)


def _sheet(title: str, columns: list[Column], rows: list | None):
    """A sheet always exists; with no rows it says so on its first line."""
    if rows:
        return (title, columns, rows)
    blank = [Column(columns[0].header, lambda _row: NO_DATA, columns[0].width)] + [
        Column(c.header, lambda _row: None, c.width) for c in columns[1:]
    ]
    return (title, blank, [None])


def _join(values) -> str:
    return ", ".join(str(v) for v in values)


def _summary(context: dict) -> list[dict]:
    complaints = context["evaluation"]["complaints"] or {}
    total = complaints.get("total") or {}
    communication = context.get("communication") or {}
    rows = [
        {
            "label": "Département",
            "value": f"{context['department']['name']} ({context['department']['code']})",
        },
        {"label": "Année", "value": context["year"]},
        {"label": "Entités labellisées au 31 décembre", "value": context["label"]["labelled_count"]},
        {"label": "Sites", "value": len(context["sites"])},
        {"label": "Événements de l'année", "value": len(context["pilotage"]["events"])},
    ]
    if complaints:
        rows += [
            {"label": "Réclamations reçues", "value": total.get("received")},
            {"label": "Réclamations répondues", "value": total.get("answered")},
            {"label": "Part répondue dans le délai (%)", "value": total.get("on_time_share")},
            {"label": "Délai moyen de réponse (jours)", "value": total.get("mean_answer_days")},
        ]
    for figure in communication.get("figures", []):
        rows.append({"label": figure["label"], "value": figure["value"]})
    return rows


def annual_report_xlsx(context: dict) -> bytes:
    pilotage = context["pilotage"]
    evaluation = context["evaluation"]
    sheets = [
        ("Synthèse", [_col("Rubrique", "label", 42), _col("Valeur", "value", 28)], _summary(context)),
        _sheet(
            "Modules",
            [
                _col("Module", "number", 10),
                _col("Intitulé", "title", 50),
                _col("Obligatoire", "mandatory", 12),
                _col("Entités engagées", lambda r: _join(r["entities"]), 60),
            ],
            pilotage["modules"],
        ),
        _sheet(
            "Faits marquants",
            [
                _col("Date", "date", 14),
                _col("Type", "kind_label", 20),
                _col("Événement", "title", 60),
                _col("Précisions", "detail", 60),
            ],
            pilotage["events"],
        ),
        _sheet(
            "Comités",
            [
                _col("Instance", "name", 40),
                _col("Type", "kind_label", 26),
                _col(f"Réunions en {context['year']}", "meetings_held", 16),
                _col("Dates", lambda r: _join(d.strftime("%d/%m/%Y") for d in r["dates"]), 60),
            ],
            pilotage["committees"],
        ),
        _sheet(
            "Référents",
            [
                _col("Référent(e)", "name", 30),
                _col("Fonction", "job_title", 30),
                _col("Périmètre", "scope", 40),
            ],
            pilotage["referents"],
        ),
        _sheet(
            "Documents",
            [
                _col("Document", "title", 50),
                _col("Type", "kind_label", 24),
                _col("Version", "version", 10),
                _col("Rédigé ou révisé", "status", 16),
                _col("Date", "issued_on", 14),
            ],
            pilotage["documents"],
        ),
        _sheet(
            "Label",
            [
                _col("Entité", "entity_name", 40),
                _col("Modules", lambda r: _join(r["modules"]), 14),
                _col("Labellisée le", "awarded_on", 16),
                _col("Valable jusqu'au", "valid_until", 16),
                _col("Prochain audit", "next_audit_on", 16),
            ],
            context["label"]["entities"],
        ),
    ]
    actions = context.get("actions") or {}
    module_rows = [
        {"module": m["number"], "module_title": m["title"], **a}
        for m in actions.get("by_module", [])
        for a in m["actions"]
    ]
    site_rows = [{"site": s["name"], **a} for s in actions.get("by_site", []) for a in s["actions"]]
    sheets += [
        _sheet(
            "Actions par module",
            [
                _col("Module", "module", 10),
                _col("Intitulé du module", "module_title", 40),
                _col("Action", "title", 70),
                _col("Périmètre", "scope", 30),
                _col("Réalisée le", "done_on", 14),
            ],
            module_rows,
        ),
        _sheet(
            "Actions par site",
            [
                _col("Site", "site", 26),
                _col("Action", "title", 70),
                _col("Origine", "origin_label", 30),
                _col("Réalisée le", "done_on", 14),
            ],
            site_rows,
        ),
        _sheet(
            "Communication",
            [_col("Rubrique", "label", 50), _col("Valeur", "value", 14)],
            (context.get("communication") or {}).get("figures", [])
            + [
                {"label": a["title"], "value": None}
                for a in (context.get("communication") or {}).get("actions", [])
            ],
        ),
    ]
    survey_sheets, points = [], []
    for campaign in (evaluation.get("surveys") or {}).get("campaigns", []):
        title = f"Enquête {campaign['population'].lower()}"[:28]
        while title in [t for t, _c, _r in survey_sheets]:
            title = f"{title[:26]} {len(survey_sheets) + 1}"
        columns = [_col("Unité", "name", 44), _col("Site", "site_name", 22)] + [
            _col(f"{c['label']} (%)", lambda r, i=i: r["rates"][i], 16)
            for i, c in enumerate(campaign["criteria"])
        ]
        survey_sheets.append((title, columns, campaign["units"]))
        points += [
            {"campaign": campaign["name"], "unit": u["name"], "kind": kind, "text": text}
            for u in campaign["units"]
            for kind, texts in (("Point fort", u["strengths"]), ("Point de vigilance", u["vigilance"]))
            for text in texts
        ]
    if not survey_sheets:
        survey_sheets.append(_sheet("Enquêtes", [_col("Unité", "name", 44)], None))
    audits = evaluation.get("audits") or {}
    finding_rows = [
        {"kind": g["label"], "entity_name": e["entity_name"], "type": t["label"], "count": n}
        for g in audits.get("groups", [])
        for e in g["entities"]
        for t, n in zip(g["types"], e["counts"], strict=True)
    ]
    general = [{"type": g["label"], "text": item} for g in audits.get("general", []) for item in g["items"]]
    complaints = evaluation.get("complaints") or {}
    complaint_rows = list(complaints.get("rows", []))
    if complaint_rows:
        complaint_rows.append({**complaints["total"], "site_name": "Total", "entity_name": ""})
    sheets += [
        *survey_sheets,
        _sheet(
            "Points forts et vigilance",
            [
                _col("Campagne", "campaign", 36),
                _col("Unité", "unit", 44),
                _col("Type", "kind", 20),
                _col("Constat", "text", 70),
            ],
            points,
        ),
        _sheet(
            "Audits",
            [
                _col("Audit", "label", 40),
                _col("Entité", "entity_name", 36),
                _col("Date", "date", 14),
                _col("Constats", "findings", 12),
            ],
            audits.get("audits"),
        ),
        _sheet(
            "Constats par entité",
            [
                _col("Audit", "kind", 34),
                _col("Entité", "entity_name", 36),
                _col("Type de constat", "type", 26),
                _col("Nombre", "count", 10),
            ],
            finding_rows,
        ),
        _sheet("Constats généraux", [_col("Type", "type", 26), _col("Constat", "text", 90)], general),
        _sheet(
            "Réclamations",
            [
                _col("Site", "site_name", 26),
                _col("Entité", "entity_name", 36),
                _col("Reçues", "received", 10),
                _col("Répondues", "answered", 12),
                _col("Répondues dans le délai", "answered_on_time", 14),
                _col("Part dans le délai (%)", "on_time_share", 14),
                _col("Délai moyen (jours)", "mean_answer_days", 14),
                _col("Délai maximal (jours)", "max_answer_days", 14),
            ],
            complaint_rows if complaints.get("has_data") else None,
        ),
    ]
    indicator_rows = [
        {
            "indicator": ind["name"],
            "unit": ind.get("unit", ""),
            "site": s["site_name"],
            "month": month,
            "value": value,
            "target": s.get("target", ind.get("target")),
        }
        for ind in context.get("indicators") or []
        for s in ind["sites"]
        for month, value in zip(ind["months"], s["values"], strict=True)
    ]
    outlook = context["outlook"]
    planned = [
        {"entity": e["entity_name"], **a}
        for e in outlook.get("actions_by_entity") or []
        for a in e["actions"]
    ]
    sheets += [
        _sheet(
            "Indicateurs",
            [
                _col("Indicateur", "indicator", 40),
                _col("Unité", "unit", 8),
                _col("Site", "site", 26),
                _col("Mois", "month", 12),
                _col("Valeur", "value", 12),
                _col("Cible", "target", 12),
            ],
            indicator_rows,
        ),
        _sheet(
            f"Perspectives {context['next_year']}",
            [
                _col("Entité", "entity", 36),
                _col("Action prévue", "title", 70),
                _col("Échéance", "due_on", 14),
            ],
            planned,
        ),
        _sheet(
            "Échéances",
            [_col("Quand", "when", 26), _col("Échéance", "title", 60), _col("Périmètre", "scope", 30)],
            outlook.get("deadlines"),
        ),
    ]
    return workbook_bytes(sheets)
