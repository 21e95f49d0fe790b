"""The committee pack: the dashboard of one month as an A4 PDF ("Page N sur M"), built by a ReportRun.

Context (the dashboard's plain data) → renderer (HTML by a template, PDF by WeasyPrint) → delivery
(the ReportRun keeps the file).
"""

from __future__ import annotations

import base64
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from indicators import rules, selectors
from qualipref.pdf import html_to_pdf
from reports.registry import BuiltFile

from . import board as dashboard

KIND = "committee_pack"
LABEL = "Dossier mensuel du comité de pilotage"


class PackError(Exception):
    pass


def _committee_css() -> str:
    """The grid's stylesheet, the page's own (static/reports/committee.css), inlined in the pack."""
    path = finders.find("reports/committee.css")
    return Path(path).read_text(encoding="utf-8") if path else ""


def build(run, progress) -> BuiltFile:
    from reports.models import ReportRun

    month = rules.parse_month(run.params.get("month"))
    if month is None:
        raise PackError(f"Mois invalide dans la demande : « {run.params.get('month')} ».")
    if run.requested_by is None:
        raise PackError("Le demandeur n'existe plus : impossible de savoir quels sites il peut voir.")
    progress(15, "Calcul des indicateurs")
    cm = dashboard.committee_month(
        run.requested_by,
        month=month,
        entity_id=run.params.get("entity_id"),
        department_id=run.department_id,
        full_window=True,
    )
    board = cm.board
    if not board.blocks:
        raise PackError("Aucun site de ce département dans le périmètre du demandeur.")
    progress(40, "Tracé des courbes", ReportRun.Status.RENDERING)
    # One chart per indicator with every site of the scope (a line each): readable, and fast to lay out.
    charts = []
    for indicator in board.indicators:
        block = next(
            (b for b in board.blocks if b.is_department and any(r.indicator == indicator for r in b.rows)),
            None,
        )
        if block is None:
            sites = [s for s in board.sites if s.entity.department_id == indicator.department_id]
            block = dashboard.Block(entity=None, sites=sites)
        svg = board.trend(indicator, block, width=800, height=300)
        # As an image, each SVG is laid out on its own: 10× faster in WeasyPrint than inline SVG.
        charts.append((indicator, "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()))
    html = render_to_string(
        "reports/dashboard/pack.html",
        {
            "board": board,
            "cm": cm,
            "committee_css": _committee_css(),
            "charts": charts,
            "hows": [(i, selectors.how_computed(i)) for i in board.indicators],
            "department": run.department,
            "generated_at": timezone.localtime(),
            "requested_by": run.requested_by,
        },
    )
    progress(70, "Mise en page du PDF")
    # pygal gives every chart the same element ids: harmless in a PDF, but WeasyPrint logs each one.
    rendered = html_to_pdf(html, base_url=None, quiet=True)
    filename = f"dossier-copil-{run.department.code}-{month:%Y-%m}.pdf"
    return BuiltFile(filename=filename, content=rendered.content, page_count=rendered.page_count)
