"""Spreadsheet uploads are checked before parsing: size, inflated size, compression ratio, declared rows."""

from __future__ import annotations

import io
import pathlib
import zipfile
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from qualipref.uploads import ImportFileError, check_spreadsheet, open_workbook

SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _plain_workbook() -> bytes:
    book = Workbook()
    book.active.append(["a", "b"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_sheet(sheet_writer, *, level=1) -> bytes:
    """A valid workbook whose first sheet's XML is written by `sheet_writer(member)`."""
    source = zipfile.ZipFile(io.BytesIO(_plain_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with target.open(info.filename, "w", force_zip64=True) as member:
                    sheet_writer(member)
            else:
                target.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


def zip_bomb(inflated_bytes: int) -> bytes:
    """A small .xlsx whose sheet inflates to `inflated_bytes` (an XML comment repeated)."""

    def write(member):
        member.write(SHEET_HEAD + b"<sheetData>")
        chunk = b"<!---->" * (1024 * 1024 // 7)
        written = 0
        while written < inflated_bytes:
            member.write(chunk)
            written += len(chunk)
        member.write(b"</sheetData></worksheet>")

    return rewrite_sheet(write)


def declared(ref: str) -> bytes:
    return rewrite_sheet(
        lambda m: m.write(SHEET_HEAD + f'<dimension ref="{ref}"/><sheetData/></worksheet>'.encode())
    )


def upload(content: bytes, name="import.xlsx"):
    return SimpleUploadedFile(name, content)


def test_a_plain_workbook_passes_and_opens_read_only():
    book = open_workbook(upload(_plain_workbook()))
    assert book.read_only
    assert next(book.worksheets[0].iter_rows(values_only=True)) == ("a", "b")


def test_a_zip_bomb_is_refused_by_the_pre_check_before_any_parsing(settings):
    bomb = zip_bomb(60 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024  # under 1 MB on the wire
    with mock.patch("openpyxl.load_workbook") as parser, pytest.raises(ImportFileError) as refused:
        open_workbook(upload(bomb))
    parser.assert_not_called()
    assert "décompressé" in str(refused.value) and "50 Mo" in str(refused.value)
    assert "Découpez le fichier" in str(refused.value)


def test_an_abnormal_compression_ratio_is_refused(settings):
    settings.SPREADSHEET_MAX_RATIO = 100
    bomb = rewrite_sheet(
        lambda m: m.write(
            SHEET_HEAD + b"<sheetData>" + b" " * (5 * 1024 * 1024) + b"</sheetData></worksheet>"
        ),
        level=9,
    )
    with pytest.raises(ImportFileError, match="100 fois"):
        check_spreadsheet(upload(bomb))


def test_a_heavy_file_is_refused_on_its_size(settings):
    settings.SPREADSHEET_MAX_BYTES = 1024
    with pytest.raises(ImportFileError, match="limite de 1 Ko"):
        check_spreadsheet(upload(_plain_workbook()))


@pytest.mark.parametrize(
    ("ref", "limit"),
    [("A1:B100001", "100000 lignes"), ("A1:XFD10", "500 colonnes"), ("A1:ZZZZ10", "500 colonnes")],
)
def test_a_sheet_declaring_too_many_rows_or_columns_is_refused(ref, limit):
    with mock.patch("openpyxl.load_workbook") as parser, pytest.raises(ImportFileError, match=limit):
        open_workbook(upload(declared(ref)))
    parser.assert_not_called()


def test_declared_dimensions_within_the_limits_pass():
    check_spreadsheet(upload(declared("A1:K250")))
    check_spreadsheet(upload(declared("A1")))


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04" + b"\xff" * 50, b"not a zip at all"])
def test_a_file_that_is_no_zip_gets_the_usual_message(content):
    with pytest.raises(ImportFileError, match="lisible"):
        open_workbook(upload(content))


def test_no_import_parses_a_workbook_without_the_checks():
    """openpyxl.load_workbook is called only by qualipref.uploads (tests aside)."""
    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if ".venv" not in path.parts
        and "tests" not in path.parts
        and "node_modules" not in path.parts
        and path.name != "uploads.py"
        and "load_workbook" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "status"),
    [
        ("complaints:correspondence_import", 400),
        ("indicators:measurement_import", 400),
        ("steering:training_import", 400),
        ("steering:press_import", 400),
    ],
)
def test_every_import_page_refuses_a_zip_bomb_in_french_without_parsing(
    client, quality_manager, url_name, status
):
    client.force_login(quality_manager)
    with mock.patch("openpyxl.load_workbook") as parser:
        response = client.post(reverse(url_name), {"file": upload(zip_bomb(60 * 1024 * 1024), "bombe.xlsx")})
    parser.assert_not_called()
    assert response.status_code == status
    assert "Découpez le fichier en plusieurs classeurs" in response.content.decode()
