"""The report of a year without data, and the archival variant, on the test organisation (no demo data)."""

import io
import re
import subprocess

import pytest
from openpyxl import load_workbook

from reports.annual import annual_report_context
from reports.annual.build import annual_report_file

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_a_year_without_data_says_so_in_each_section(org):
    context = annual_report_context(department=org.bdr, year=2031)
    assert context["evaluation"]["complaints"]["has_data"] is False
    text = _squash(pdf_text(annual_report_file(department=org.bdr, year=2031).content))
    for heading in ("I – Le pilotage", "II – Les actions réalisées", "III – L'évaluation",
                    "IV – Les indicateurs qualité", "V – Perspectives 2032"):  # fmt: skip
        assert heading in text
    assert "Aucune réclamation enregistrée pour 2031." in text
    assert "Aucune donnée d'indicateur pour 2031." in text
    assert "Aucune action prévue pour 2032." in text
    book = load_workbook(
        io.BytesIO(annual_report_file(department=org.bdr, year=2031, output_format="xlsx").content)
    )
    assert book["Réclamations"].cell(2, 1).value == "Aucune donnée"


def test_the_archival_variant_is_pdf_a(org):
    built = annual_report_file(department=org.bdr, year=2015, variant="pdf/a-3b")
    assert built.filename.endswith("-pdfa.pdf")
    meta = subprocess.run(["pdfinfo", "-meta", "-"], input=built.content, capture_output=True, check=True)
    assert 'pdfaid:part="3"' in meta.stdout.decode()  # the PDF/A-3 identification in the XMP metadata
    with pytest.raises(ValueError, match="Format inconnu"):
        annual_report_file(department=org.bdr, year=2015, output_format="docx")
