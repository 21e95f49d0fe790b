"""Server-side SVG charts of the surveys (pygal). A thin wrapper, meant to move to qualipref/charts.py."""

from __future__ import annotations

import re
from decimal import Decimal

import pygal
from django.utils.formats import number_format
from pygal.style import Style

from . import rates as rules

# One colour per step of the matrix's scale (the same meaning as the table's cells).
SCALE_COLOURS = {
    "rate-excellent": "#1b7a3a",
    "rate-good": "#5a9a2f",
    "rate-fair": "#b88a00",
    "rate-poor": "#c55a11",
    "rate-bad": "#b02a37",
}

SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)

# The target's guide: the only "major" guide of the value axis, drawn as a dark dashed line.
TARGET_CSS = (
    "{{ id }} .axis .guide.line {stroke: #ced4da !important;} "
    "{{ id }} .axis .major.guide.line "
    "{stroke: #1e3a5f !important; stroke-width: 2.5px; stroke-dasharray: 8,4;} "
    "{{ id }} .axis text.major {font-weight: bold; fill: #1e3a5f;}"
)

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    font_family="DejaVu Sans, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    title_font_size=15,
    colors=("#1e3a5f", "#6c757d"),
)


def _fr(value) -> str:
    value = Decimal(str(value))
    decimals = 0 if value == value.to_integral_value() else 1
    return f"{number_format(value, decimal_pos=decimals, use_l10n=True)} %"


def criterion_chart(title: str, bars: list[tuple[str, Decimal | None]], target: Decimal | None = None) -> str:
    """A horizontal bar chart (SVG markup) of one criterion across units, coloured on the matrix's scale;
    the target, when set, is the one major guide line of the value axis."""
    labels = [0, 20, 40, 60, 80, 100]
    if target is not None and float(target) not in labels:
        labels = sorted([*labels, float(target)])
    chart = pygal.HorizontalBar(
        style=STYLE,
        width=640,
        height=70 + 44 * max(len(bars), 1),
        range=(0, 100),
        show_legend=False,
        print_values=True,
        print_values_position="top",
        value_formatter=_fr,
        js=[],  # no remote script (CSP); the SVG is static
        disable_xml_declaration=True,
        explicit_size=True,
        title=None,
        truncate_label=45,
        y_labels=labels,
        y_labels_major=[float(target)] if target is not None else [],
        show_minor_y_labels=True,
    )
    chart.config.css.append(f"inline:{TARGET_CSS}")
    # pygal draws the first label at the bottom: reverse so the order matches the table.
    bars = list(reversed(bars))
    chart.x_labels = [label for label, _rate in bars]
    chart.add(
        title,
        [
            None if rate is None else {"value": float(rate), "color": SCALE_COLOURS[rules.scale_class(rate)]}
            for _label, rate in bars
        ],
    )
    return _without_scripts(chart.render(is_unicode=True))


def _without_scripts(svg: str) -> str:
    # pygal always embeds its config as an inline <script> (tooltips); the page needs none and a CSP
    # forbids inline scripts.
    return SCRIPT.sub("", svg)
