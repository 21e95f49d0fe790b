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
from reports.annual.tables import labelled_indicator, overview_columns, value_label

from .typography import NBSP, month_short

_DESC = re.compile(r"<desc\b.*?</desc>", re.DOTALL)


def _as_image(svg: str, alt: str) -> SafeString:
    """An SVG chart as an <img> (still vector in the PDF): WeasyPrint parses a data-URI image far faster
    than inline SVG, and the charts' ids no longer clash. Tooltip texts (<desc>) have no use on paper."""
    data = base64.b64encode(_DESC.sub("", str(svg)).encode()).decode()
    return format_html('<img class="chart-image" alt="{}" src="data:image/svg+xml;base64,{}">', alt, data)


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


# Part IV's small multiples: two charts a row on A4, each at a size read without a magnifier.
MULTIPLE_WIDTH, MULTIPLE_HEIGHT = 480, 300
MULTIPLE_OPTIONS = {"legend_at_bottom_columns": 3, "margin": 6}


def _drawing(indicator: dict) -> str:
    """How an indicator with data is shown: "line" (months), "bars" (one value a site: a yearly survey), or
    "flat" (the same value every month at every site: said in words, a flat line tells nothing more)."""
    values = [v for s in indicator["sites"] for v in s["values"] if v is not None]
    if len(values) > 1 and len(set(values)) == 1:
        return "flat"
    if all(sum(v is not None for v in s["values"]) <= 1 for s in indicator["sites"]):
        return "bars"
    return "line"


def _indicator_with_chart(indicator: dict, year: int) -> dict:
    indicator = labelled_indicator(indicator)
    unit = indicator.get("unit", "")
    chart_unit = unit if unit in ("%", "") else ""
    indicator["year"] = year
    indicator["drawing"] = _drawing(indicator)
    if indicator["drawing"] == "flat":
        value = next(v for s in indicator["sites"] for v in s["values"] if v is not None)
        indicator["flat_label"] = value_label(value, unit)
        return indicator
    if indicator["drawing"] == "bars":
        # One value a site (a yearly survey): a dot per site against the target line.
        measured = [(s, next(v for v in s["values"] if v is not None)) for s in indicator["sites"]]
        months = sorted(
            {
                m
                for s in indicator["sites"]
                for m, v in zip(indicator["months"], s["values"], strict=True)
                if v is not None
            }
        )
        # An empty label at each end keeps the first and last dots off the axes.
        svg = charts.line_chart(
            "",
            ["", *(s["site_name"] for s, _v in measured), ""],
            {
                f"Valeur ({', '.join(month_short(m) for m in months)})": [
                    None,
                    *(v for _s, v in measured),
                    None,
                ]
            },
            target=indicator.get("target"),
            unit=chart_unit,
            y_range=(0, 100) if unit == "%" else None,
            width=MULTIPLE_WIDTH,
            height=MULTIPLE_HEIGHT,
            options={
                **MULTIPLE_OPTIONS,
                "stroke": False,
                "dots_size": 6,
                "truncate_label": -1,
                "x_label_rotation": 20,
            },
        )
        alt = f"Graphique : {indicator['name']} par site"
    else:
        svg = charts.line_chart(
            "",
            [month_short(m) for m in indicator["months"]],
            {s["site_name"]: s["values"] for s in indicator["sites"]},
            target=indicator.get("target"),
            unit=chart_unit,
            width=MULTIPLE_WIDTH,
            height=MULTIPLE_HEIGHT,
            options={**MULTIPLE_OPTIONS, "x_labels_major_every": 2, "show_minor_x_labels": False},
        )
        alt = f"Graphique : {indicator['name']} par site et par mois"
    indicator["chart"] = _as_image(svg, alt)
    return indicator


def _indicators_part(context: dict) -> dict:
    """Part IV: the year's table of every indicator with data, their charts as small multiples (only those
    with data, several a page), the flat ones in words and those without data listed."""
    year = context["year"]
    indicators = [_indicator_with_chart(i, year) for i in context.get("indicators") or []]
    columns = overview_columns(indicators, context["sites"])
    return {
        "indicators": indicators,
        "total": len(indicators) + len(context.get("indicators_without_data") or []),
        "columns": columns,
        "year": year,
        "drawn": [i for i in indicators if i["drawing"] != "flat"],
        "flat": [i for i in indicators if i["drawing"] == "flat"],
        "without_data": context.get("indicators_without_data") or [],
    }


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
    if context.get("indicators") or context.get("indicators_without_data"):
        context["indicators_part"] = _indicators_part(context)
    return context


def annual_report_html(context: dict) -> str:
    with translation.override("fr"):
        return render_to_string("reports/pdf/annual.html", _with_charts(context))


def annual_report_pdf(context: dict, *, variant: str = "") -> RenderedPdf:
    return html_to_pdf(annual_report_html(context), variant=variant)
