"""The annual report of a Services Publics+ year (last year in the demo, whatever the day): its sections
come from the referential (8 engagements, results published under engagement 6), and the PDF and the
workbook carry the same tables. The demo holds that report as finished runs the quality manager downloads.
"""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.annual.tables import TABLES
from reports.models import ReportRun
from sites.models import User

from .conftest import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


@pytest.fixture
def last_year():
    year = timezone.localdate().year - 1
    runs = {
        run.output_format: run
        for run in ReportRun.objects.filter(department__code="13", kind="annual", params__year=year)
    }
    return year, runs


def test_the_demo_holds_last_years_report_finished_in_both_formats(client, last_year):
    year, runs = last_year
    assert set(runs) == {"pdf", "xlsx"}
    assert all(r.status == "done" and r.progress == 100 and r.file for r in runs.values())
    client.force_login(User.objects.get(username="qualite"))
    page = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:run_download", args=[runs["pdf"].pk]) in page
    response = client.get(reverse("reports:run_download", args=[runs["pdf"].pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF")
    assert runs["pdf"].filename == f"bilan-qualite-13-{year}.pdf"


def test_an_spplus_year_speaks_of_its_engagements_in_the_pdf_and_the_workbook(last_year):
    year, runs = last_year
    with runs["pdf"].file.open("rb") as fh:
        text = re.sub(r"\s+", " ", pdf_text(fh.read()))
    with runs["xlsx"].file.open("rb") as fh:
        book = load_workbook(io.BytesIO(fh.read()))

    assert "Services Publics+" in text
    assert "Les 8 engagements du référentiel" in text
    assert "au titre de l'engagement SP6 – Des résultats de qualité de service publiés" in text
    sheet = book["Engagements"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [f"SP{n}" for n in range(1, 9)]
    assert [r[3] for r in rows if r[3]] == ["résultats publiés"]
    # the same engagements, in the same words, in the PDF
    for code, title, to_confirm, _results in rows:
        assert code in text and title.split(",")[0] in text
        if to_confirm == "oui":
            assert "formulation à confirmer" in text
    summary = {row[0]: row[1] for row in book["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert summary["Résultats publiés au titre de l'engagement"].startswith("SP6 – ")
    assert summary["Année"] == year

    # every table the PDF prints has its sheet in the workbook
    shown_in_pdf = {name for name in TABLES if name != "modules"}  # an SP+ year shows its engagements
    for name in shown_in_pdf:
        title = TABLES[name].sheet
        if name == "survey_rates":  # one sheet per campaign, named after its population
            assert any(s.startswith("Enquête") for s in book.sheetnames)
        else:
            assert title in book.sheetnames, name
