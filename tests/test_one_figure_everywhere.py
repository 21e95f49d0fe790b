"""One on-time figure, printed the same everywhere (issue 17, item 4).

A small département-year built by hand: four complaints at Istres, received in January of last year —
A answered in 5 days (on time), B in 20 days (late), C never answered (past due: late), D in 10 days
(on time). The on-time rate is 2 ÷ (3 answered + 1 late) = 50 %, over 4 requests; the mean delay
(5 + 20 + 10) ÷ 3 = 11,7 days and the longest 20, in calendar days. The register, the dashboard's
computation, the annual report (PDF and workbook) and the public figures all say so.
"""

import datetime as dt
import io
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from referential.loader import DEFAULT_FILE, load_referential
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_istres(org):
    load_referential(DEFAULT_FILE)
    year = timezone.localdate().year - 1
    jan = dt.date(year, 1, 5)
    f.make_correspondence(org.istres, received_on=jan, answered_on=jan + dt.timedelta(days=5))
    f.make_correspondence(org.istres, received_on=jan, answered_on=jan + dt.timedelta(days=20))
    f.make_correspondence(org.istres, received_on=jan)
    f.make_correspondence(org.istres, received_on=jan, answered_on=jan + dt.timedelta(days=10))
    return year


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def test_the_on_time_rate_is_the_same_everywhere(client, org, year_of_istres):
    year = year_of_istres
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

    # the register (its figures over the filtered selection)
    client.force_login(f.named_persona(org, "quality_manager"))
    response = client.get(reverse("complaints:correspondence_list"), {"site": org.istres.pk})
    figures = response.context["figures"]
    assert (figures["on_time_share"], figures["on_time_basis"], figures["late_unanswered"]) == (50.0, 4, 1)
    assert (figures["mean_answer_days"], figures["max_answer_days"]) == (11.7, 20)
    page = _squash(response.content.decode())
    assert "50 %" in page and "2 sur 4 demandes, dont 1 en retard sans réponse" in page
    assert "jours calendaires" in page

    # the dashboard's figure (the computed indicator, for the month of the four requests)
    from indicators import computed

    on_time = computed.get("complaints_on_time_share")
    assert on_time.compute([org.istres.pk], start, dt.date(year, 1, 31), "") == {
        (org.istres.pk, dt.date(year, 1, 1)): 50.0
    }
    assert on_time.compute_period([org.istres.pk], start, end, "") == {org.istres.pk: 50.0}

    # the annual report: its context, PDF and workbook
    from reports.annual import annual_report_context
    from reports.annual.build import annual_report_file

    context = annual_report_context(department=org.bdr, year=year)
    istres = next(r for r in context["evaluation"]["complaints"]["rows"] if r["site_name"] == "Istres")
    assert (istres["on_time_share"], istres["on_time_basis"], istres["max_answer_days"]) == (50.0, 4, 20)
    pdf = annual_report_file(department=org.bdr, year=year).content
    text = _squash(
        subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
    )
    assert "Sur ces 4 réclamations et 0 suggestion (4 demandes), 3 ont reçu une réponse, dont 50 %" in text
    assert "(sur 4 demandes répondues ou dont" in text
    assert "Le délai le plus long a été de 20 jours calendaires" in text
    assert "11,7" in text
    book = load_workbook(
        io.BytesIO(annual_report_file(department=org.bdr, year=year, output_format="xlsx").content)
    )
    sheet = book["Réclamations"]
    headers = [c.value for c in sheet[1]]
    row = next(
        dict(zip(headers, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
        if r[0] == "Istres"
    )
    assert row["Dans le délai"] == 50.0 and row["Sur (demandes)"] == 4
    assert row["Délai moyen (jours calendaires)"] == 11.7 and row["Délai maximal (jours calendaires)"] == 20

    # the public figures (what a published snapshot freezes and the public page and open data print)
    from publication import collect

    public = {fig.indicator_code: fig for fig in collect.complaint_figures(org.istres, start, end)}
    assert public[collect.CODE_ON_TIME].value == 50
    assert public[collect.CODE_ON_TIME].basis.startswith("2 sur 4 réclamations")
    assert float(public[collect.CODE_MEAN_DAYS].value) == pytest.approx(11.7)
    assert "jours calendaires" in public[collect.CODE_MEAN_DAYS].label
