"""Excel in and out, the same way in every app.

Export: `xlsx_response(...)` writes what the list shows (filtered), French headers, dates as dates.
This is the one module that writes Excel files: every export, the annual report's workbook and the import
templates go through `workbook_bytes`. Text is written as text: a value such as `=HYPERLINK(...)`,
`+33…`, `-2` or `@SUM(...)` typed by a member of the public stays a string cell (type "s", quote-prefixed),
never a formula on a staff member's computer.
Import: `read_xlsx(...)` then `import_rows(...)`: every row is validated with a Django form; errors come
back by row and column, in French; nothing is saved unless every row is valid (one transaction).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any

from django import forms
from django.db import transaction
from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from qualipref import french
from qualipref.bounds import plausible_date
from qualipref.uploads import ImportFileError, ImportKey, open_workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
MAX_IMPORT_ROWS = 20000


@dataclass
class Column:
    header: str
    value: Callable[[Any], Any]
    width: int = 18


def _cell_value(value):
    if isinstance(value, dt.datetime):
        # Excel has no time zones: write local time, naive.
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    return value


# A text beginning with one of these is read as a formula by a spreadsheet program.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _write_text(cell, value: str) -> None:
    """Keep `value` a string cell: openpyxl would store a text starting with "=" as a formula, and Excel
    would evaluate one starting with "+", "-" or "@" once edited; the quote prefix prevents both."""
    cell.data_type = "s"
    cell._value = value
    if value.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def workbook_bytes(sheets: Iterable[tuple[str, list[Column], Iterable[Any]]]) -> bytes:
    """The workbook of `sheets`, written as it goes (openpyxl's write-only mode, with lxml: rows are streamed
    to the file rather than kept as cell objects, 1.6× faster and flat in memory whatever the size)."""
    workbook = Workbook(write_only=True)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1E3A5F")
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        headers = []
        for column in columns:
            cell = _text_cell(sheet, column.header)
            cell.font, cell.fill = header_font, header_fill
            headers.append(cell)
        sheet.append(headers)
        count = 1
        for row in rows:
            sheet.append([_cell(sheet, _cell_value(c.value(row))) for c in columns])
            count += 1
        sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{count}"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet)
    _write_text(cell, value)
    return cell


def _cell(sheet, value):
    """A cell for the write-only sheet: text through `_write_text`, dates with their French format; other
    values (numbers, empty) as they are."""
    if isinstance(value, str):
        return _text_cell(sheet, value)
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    return value


def xlsx_response(filename: str, sheets: Iterable[tuple[str, list[Column], Iterable[Any]]]) -> HttpResponse:
    response = HttpResponse(workbook_bytes(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---- import -------------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int  # the spreadsheet's row number (headers are row 1)
    column: str  # the column header, or "" for the whole row
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    unchanged: int = 0
    updated: int = 0
    record: Any = None  # the ImportRecord (qualipref.imports): a background import is followed through it

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def background(self) -> bool:
        return self.record is not None and not self.record.is_finished


__all__ = ["ImportFileError"]  # defined in qualipref.uploads, imported from here by the apps


class CellDateField(forms.DateField):
    """A date column: a date cell, or text in one of `input_formats`; a number, a boolean or a time cell
    gets the usual French "invalid date" error instead of crashing DateField (it strips strings only).
    A date outside the plausible window (qualipref.bounds) is refused on its row."""

    default_validators = [plausible_date]

    def to_python(self, value):
        if value is not None and not isinstance(value, str | dt.date):
            value = str(value)
        return super().to_python(value)


def read_xlsx(upload, headers: dict[str, str]) -> list[tuple[int, dict[str, Any]]]:
    """Read the first sheet; `headers` maps each expected column header to a form field name.

    Returns (row number, {field: value}) for each non-empty row. Raises ImportFileError (in French)
    when the file is not a readable workbook or misses a column.
    """
    workbook = open_workbook(upload)  # refuses a file over the limits before parsing it
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        found = [str(h).strip() if h is not None else "" for h in next(rows)]
    except StopIteration:
        raise ImportFileError("Le classeur est vide : la première ligne doit porter les en-têtes.") from None
    missing = [h for h in headers if h not in found]
    if missing:
        raise ImportFileError(
            f"{french.plural(len(missing), 'Colonne manquante', 'Colonnes manquantes')} : "
            f"{', '.join(missing)}. Utilisez le modèle proposé au téléchargement."
        )
    positions = {headers[h]: found.index(h) for h in headers}
    result = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(result) >= MAX_IMPORT_ROWS:
            raise ImportFileError(f"Le fichier dépasse {MAX_IMPORT_ROWS} lignes : découpez-le.")
        data = {}
        for name, pos in positions.items():
            value = values[pos] if pos < len(values) else None
            if isinstance(value, dt.datetime) and value.time() == dt.time(0):
                value = value.date()
            data[name] = "" if value is None else value
        result.append((number, data))
    workbook.close()
    return result


def import_rows(
    rows,
    form_factory: Callable[[dict], Any],
    save: Callable[[Any], bool],
    headers: dict[str, str],
    *,
    key: ImportKey | None = None,
) -> ImportResult:
    """Validate every row with its form; save all (in one transaction) only if none has an error.

    `save(form)` returns True when it created a row, False when the row was already there (a re-import).
    `key` (qualipref.uploads.import_key) makes the import of one file into one target happen once:
    ImportFileError when it was already imported, even by a simultaneous request.
    """
    if key is not None:
        key.check()
    labels = {name: header for header, name in headers.items()}
    result = ImportResult()
    forms = []
    for number, data in rows:
        form = form_factory(data)
        if form.is_valid():
            forms.append(form)
            continue
        for name, messages in form.errors.items():
            for message in messages:
                result.errors.append(RowError(number, labels.get(name, ""), message))
    if not rows:
        result.errors.append(RowError(2, "", "Aucune ligne à importer."))
    if result.errors:
        return result
    with transaction.atomic():
        record = key.claim() if key is not None else None
        for form in forms:
            if save(form):
                result.created += 1
            else:
                result.unchanged += 1
        if record is not None:
            record.rows_created = result.created
            record.save(update_fields=["rows_created"])
    return result


def template_response(
    filename: str, title: str, headers: list[str], examples: list[list[Any]]
) -> HttpResponse:
    columns = [Column(h, operator.itemgetter(i), width=max(14, len(h) + 2)) for i, h in enumerate(headers)]
    return xlsx_response(filename, [(title, columns, examples)])
