"""A report's table, declared once (columns, labels, formats) and rendered both to HTML (for the PDF) and
to an Excel sheet (through `qualipref.excel`, the one module that writes workbooks).

    COMPLAINTS = Table(
        sheet="Réclamations",
        columns=[Col("Site", "site_name"), Col("Reçues", "received", "int"), ...],
        rows=lambda c: c["rows"],
        total=lambda c: {**c["total"], "site_name": "Total"},
    )
    table_html(COMPLAINTS, source)   # <table>…</table>, French typography
    table_sheet(COMPLAINTS, source)  # ("Réclamations", [excel.Column], rows) for workbook_bytes

A column shown on one medium only says so (`on="pdf"` or `on="xlsx"`); dynamic columns (one per survey
criterion, per finding type…) come from a function of the source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from qualipref.excel import Column
from reports.annual.typography import date_fr, french_spacing, number_fr, percent_fr

NO_DATA = "Aucune donnée"
NUMERIC_FORMATS = ("int", "number", "percent", "days")
FORMATS = ("text", "date", "dates", "list", *NUMERIC_FORMATS)


@dataclass(frozen=True)
class Col:
    header: str
    value: str | Callable[[Any], Any]  # a key of the row, or a function of the row
    fmt: str = "text"  # one of FORMATS
    width: int = 18  # Excel column width
    on: str = "both"  # "both", "pdf" or "xlsx"
    note: str | Callable[[Any], Any] | None = None  # PDF: a second, muted line under the value
    strong: bool = False  # PDF: the value in bold
    empty: str = "—"  # PDF: what a missing value reads

    def __post_init__(self):
        if self.fmt not in FORMATS:
            raise ValueError(f"Unknown column format {self.fmt!r}")

    def get(self, row) -> Any:
        getter = self.value if callable(self.value) else itemgetter(self.value)
        return getter(row)

    @property
    def numeric(self) -> bool:
        return self.fmt in NUMERIC_FORMATS


@dataclass(frozen=True)
class Table:
    sheet: str  # the Excel sheet's title (≤ 31 characters)
    columns: list[Col] | Callable[[Any], list[Col]]
    rows: Callable[[Any], Iterable | None]
    total: Callable[[Any], dict | None] | None = None  # the total row, shown last
    css: str = ""  # PDF: the <table>'s class
    on: str = "both"
    meta: dict = field(default_factory=dict)

    def columns_for(self, source, medium: str) -> list[Col]:
        columns = self.columns(source) if callable(self.columns) else self.columns
        return [c for c in columns if c.on in ("both", medium)]

    def rows_for(self, source) -> list:
        rows = list(self.rows(source) or [])
        total = self.total(source) if self.total and rows else None
        return rows + ([total] if total else [])


# ---- HTML ----------------------------------------------------------------------------------------------


def _text(value, fmt: str) -> str:
    if fmt == "percent":
        return percent_fr(value)
    if fmt in ("int", "number", "days"):
        return number_fr(value)
    if fmt == "date":
        return date_fr(value)
    if fmt == "dates":
        return ", ".join(date_fr(d) for d in value) if value else ""
    if fmt == "list":
        return ", ".join(str(v) for v in value)
    return french_spacing(str(value))


def _missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


def cell_html(col: Col, row) -> SafeString:
    value = col.get(row)
    if _missing(value):
        shown = format_html('<span class="muted">{}</span>', col.empty) if col.empty != "—" else col.empty
    else:
        shown = (
            format_html("<strong>{}</strong>", _text(value, col.fmt)) if col.strong else _text(value, col.fmt)
        )
    if col.note is not None:
        note = col.note(row) if callable(col.note) else row.get(col.note)
        if not _missing(note):
            shown = format_html('{}<br><span class="muted">{}</span>', shown, french_spacing(str(note)))
    return format_html("<td{}>{}</td>", mark_safe(' class="num"') if col.numeric else "", shown)


def table_html(table: Table, source) -> SafeString:
    columns = table.columns_for(source, "pdf")
    rows = list(table.rows(source) or [])
    total = table.total(source) if table.total and rows else None
    head = format_html_join(
        "",
        "<th{}>{}</th>",
        ((mark_safe(' class="num"') if c.numeric else "", french_spacing(c.header)) for c in columns),
    )
    body = format_html_join(
        "\n", "<tr>{}</tr>", ((mark_safe("".join(cell_html(c, r) for c in columns)),) for r in rows)
    )
    if total:
        body = format_html(
            '{}\n<tr class="total">{}</tr>', body, mark_safe("".join(cell_html(c, total) for c in columns))
        )
    css = format_html(' class="{}"', table.css) if table.css else ""
    return format_html(
        "<table{}>\n<thead><tr>{}</tr></thead>\n<tbody>\n{}\n</tbody>\n</table>", css, head, body
    )


# ---- Excel ---------------------------------------------------------------------------------------------


def _excel_value(value, fmt: str):
    if value is None:
        return None
    if fmt == "dates":
        return ", ".join(d.strftime("%d/%m/%Y") for d in value)
    if fmt == "list":
        return ", ".join(str(v) for v in value)
    if fmt == "date" and isinstance(value, dt.datetime):
        return value
    return value


def excel_columns(columns: list[Col]) -> list[Column]:
    return [Column(c.header, lambda row, c=c: _excel_value(c.get(row), c.fmt), c.width) for c in columns]


def sheet(title: str, columns: list[Col], rows: list | None) -> tuple[str, list[Column], list]:
    """A sheet always exists; with no rows it says so on its first line."""
    if rows:
        return (title, excel_columns(columns), rows)
    blank = [Column(columns[0].header, lambda _row: NO_DATA, columns[0].width)] + [
        Column(c.header, lambda _row: None, c.width) for c in columns[1:]
    ]
    return (title, blank, [None])


def table_sheet(table: Table, source, *, title: str | None = None) -> tuple[str, list[Column], list]:
    return sheet(title or table.sheet, table.columns_for(source, "xlsx"), table.rows_for(source))
