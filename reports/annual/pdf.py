"""The annual report as a PDF: the context → HTML (Django template + print stylesheet) → WeasyPrint.

Charts are added here, from the context's numbers, by the one chart helper (`qualipref.charts`).
"""

from __future__ import annotations

import base64
import copy
import re

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from qualipref import charts
from qualipref.pdf import RenderedPdf, html_to_pdf

from .typography import NBSP, month_short, number_fr, percent_fr

_DESC = re.compile(r"<desc\b.*?</desc>", re.DOTALL)


def _as_image(svg: str, alt: str) -> SafeString:
    """An SVG chart as an <img> (still vector in the PDF): WeasyPrint parses a data-URI image far faster
    than inline SVG, and the charts' ids no longer clash. Tooltip texts (<desc>) have no use on paper."""
    data = base64.b64encode(_DESC.sub("", str(svg)).encode()).decode()
    return format_html('<img class="chart-image" alt="{}" src="data:image/svg+xml;base64,{}">', alt, data)


def _value_label(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return percent_fr(value)
    return number_fr(value) if unit in ("", "nombre") else f"{number_fr(value)}{NBSP}{unit}"


def _campaign_with_chart(campaign: dict) -> dict:
    criteria = campaign["criteria"]
    units = [
        {
            **unit,
            "rate_items": [
                {"label": c["label"], "value": v} for c, v in zip(criteria, unit["rates"], strict=True)
            ],
        }
        for unit in campaign["units"]
    ]
    # Horizontal bars: the criteria's long names read in full on the left, top to bottom as in the
    # table (pygal draws the first label at the bottom, hence the reversed lists).
    chart = charts.bar_chart(
        "",
        [c["label"] for c in reversed(criteria)],
        {unit["name"]: list(reversed(unit["rates"])) for unit in units},
        y_range=(0, 100),
        horizontal=True,
        width=1000,
        height=160 + 52 * len(criteria),
        options={"truncate_label": -1, "legend_at_bottom_columns": 2, "margin_bottom": 10},
    )
    alt = f"Graphique : taux de satisfaction par critère et par unité – {campaign['name']}"
    return {**campaign, "units": units, "chart": _as_image(chart, alt)}


def _with_charts(context: dict) -> dict:
    """A copy of the context with SVG charts and display labels (the context itself stays plain data)."""
    context = copy.copy(context)
    context["nbsp"] = NBSP
    evaluation = dict(context["evaluation"])
    surveys = evaluation.get("surveys")
    if surveys and surveys.get("campaigns"):
        evaluation["surveys"] = {
            **surveys,
            "campaigns": [_campaign_with_chart(c) for c in surveys["campaigns"]],
        }
    complaints = evaluation.get("complaints")
    if complaints and complaints.get("has_data"):
        complaints = dict(complaints)
        complaints["chart"] = _as_image(
            charts.bar_chart(
                "",
                [r["site_name"] for r in complaints["rows"]],
                {"Reçues": [r["received"] for r in complaints["rows"]]},
                unit="",
                width=900,
                height=300,
            ),
            "Graphique : réclamations reçues par site",
        )
        evaluation["complaints"] = complaints
    context["evaluation"] = evaluation
    if context.get("indicators"):
        decorated = []
        for indicator in context["indicators"]:
            indicator = dict(indicator)
            unit = indicator.get("unit", "")
            labels = [month_short(m) for m in indicator["months"]]
            series = {s["site_name"]: s["values"] for s in indicator["sites"]}
            indicator["target_label"] = _value_label(indicator.get("target"), unit)
            indicator["has_site_targets"] = any(s.get("target") is not None for s in indicator["sites"])
            indicator["sites"] = [
                {
                    **s,
                    "year_label": _value_label(s.get("year_value"), unit),
                    "target_label": _value_label(s.get("target"), unit),
                }
                for s in indicator["sites"]
            ]
            indicator["chart"] = _as_image(
                charts.line_chart(
                    "",
                    labels,
                    series,
                    target=indicator.get("target"),
                    unit=unit if unit in ("%", "") else "",
                    width=900,
                    height=340,
                ),
                f"Graphique : {indicator['name']} par site et par mois",
            )
            indicator["year"] = context["year"]
            decorated.append(indicator)
        context["indicators"] = decorated
    return context


def annual_report_html(context: dict) -> str:
    with translation.override("fr"):
        return render_to_string("reports/pdf/annual.html", _with_charts(context))


def annual_report_pdf(context: dict, *, variant: str = "") -> RenderedPdf:
    return html_to_pdf(annual_report_html(context), variant=variant)
