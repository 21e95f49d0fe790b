"""The template of an import: a first sheet with the headers and example rows taken from the user's own
scope and the current year, a sheet « Valeurs acceptées » listing every choice column's accepted values
(with the other wordings accepted), and a sheet « Colonnes » saying which columns are required, the
default of the optional ones and the format of each. Written by qualipref.excel (formula-safe)."""

from __future__ import annotations

from django.http import HttpResponse

from qualipref.excel import XLSX_CONTENT_TYPE, Column, workbook_bytes

from .choices import ACCEPTED_SHEET
from .engine import Importer, choices_of

COLUMNS_SHEET = "Colonnes"


def _value(field_name):
    def read(row):
        value = row.get(field_name)
        return None if value == "" else value

    return read


def accepted_rows(importer: Importer, ctx) -> list[tuple[str, str, str, str]]:
    """(column, accepted value, other wordings accepted, detail) for every choice column."""
    rows = []
    choices = choices_of(ctx)
    for column in importer.columns:
        column_choices = choices.get(column.field)
        if not column_choices:
            continue
        for choice in column_choices.choices:
            others = "; ".join(s for s in dict.fromkeys(choice.synonyms) if s != choice.label)
            rows.append((column.header, choice.label, others, choice.detail))
    return rows


def template_bytes(importer: Importer, ctx, *, first_sheet=None) -> bytes:
    """`first_sheet` (title, qualipref.excel columns, rows) replaces the declared columns' sheet (another
    layout of the same import, e.g. a matrix); the accepted values and the columns sheets follow."""
    examples = importer.examples(ctx)
    first = [Column(c.header, _value(c.field), width=max(14, len(c.header) + 4)) for c in importer.columns]
    accepted = [
        Column("Colonne", lambda r: r[0], width=26),
        Column("Valeur acceptée", lambda r: r[1], width=40),
        Column("Autres écritures acceptées", lambda r: r[2] or None, width=40),
        Column("Précision", lambda r: r[3] or None, width=30),
    ]
    described = [
        Column("Colonne", lambda c: c.header, width=26),
        Column("Obligatoire ?", lambda c: c.requirement, width=34),
        Column("Format", lambda c: c.help or None, width=60),
    ]
    return workbook_bytes(
        [
            first_sheet or (importer.sheet, first, examples),
            (ACCEPTED_SHEET, accepted, accepted_rows(importer, ctx)),
            (COLUMNS_SHEET, described, importer.columns),
        ]
    )


def template_response(importer: Importer, ctx, *, filename: str = "", first_sheet=None) -> HttpResponse:
    content = template_bytes(importer, ctx, first_sheet=first_sheet)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename or importer.filename}"'
    return response
