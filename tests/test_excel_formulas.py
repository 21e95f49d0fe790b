"""Every Excel file is written by qualipref.excel, and user text stays text: a value beginning with
=, +, - or @ never becomes a formula on a staff member's computer (issue 17, item 5)."""

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qualipref.excel import Column, workbook_bytes
from referential.loader import DEFAULT_FILE, load_referential
from tests import factories as f

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x","clic")', "+33 6 12 34 56 78", "-2+3", "@SUM(A1:A9)", "=1+1"]


def _cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(content: bytes, expected=()):
    cells = _cells(content)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula cell"
    for text in expected:
        found = [c for c in cells if c.value == text]
        assert found, f"{text!r} is in the workbook, unchanged"
        assert all(c.data_type == "s" for c in found)


def test_the_one_writer_keeps_formula_like_text_as_text():
    content = workbook_bytes([("Feuille", [Column("=Titre", lambda v: v)], [*HOSTILE, "ok", 3])])
    assert_no_formula(content, [*HOSTILE, "=Titre"])
    cells = {c.value: c for c in _cells(content)}
    assert cells[3].data_type == "n"  # numbers stay numbers
    assert cells[HOSTILE[0]].quotePrefix


@pytest.fixture
def hostile_complaint(client, org):
    load_referential(DEFAULT_FILE)
    cache.clear()
    response = client.post(
        reverse("complaints_public:request_form", args=[org.istres.code]),
        {
            "kind": "complaint",
            "subject": HOSTILE[0],
            "description": HOSTILE[3],
            "requester_name": HOSTILE[2],
            "requester_contact": "jeanne@exemple.fr",
            "website": "",
        },
    )
    assert response.status_code == 302
    cache.clear()
    from complaints.models import Correspondence

    return Correspondence.objects.get(subject=HOSTILE[0])


def test_a_public_form_complaint_comes_out_of_the_register_export_as_text(client, org, hostile_complaint):
    client.force_login(f.named_persona(org, "quality_manager"))
    response = client.get(reverse("complaints:correspondence_export"))
    assert response.status_code == 200
    assert_no_formula(response.content, [HOSTILE[0], HOSTILE[2], HOSTILE[3]])


def test_formula_like_text_through_the_annual_report_workbook(org, hostile_complaint):
    from reports.annual.build import annual_report_file
    from steering.models import LabelEvent

    year = timezone.localdate().year
    LabelEvent.objects.create(
        department=org.bdr, happened_on=dt.date(year, 1, 2), kind="other", title=HOSTILE[4]
    )
    built = annual_report_file(department=org.bdr, year=year, output_format="xlsx")
    assert_no_formula(built.content, [HOSTILE[4]])


def test_every_register_export_writes_no_formula(client, org, hostile_complaint):
    """The registers' exports (complaints, actions, audits, trainings, indicators, calendar…): none holds
    a formula cell, whatever their rows."""
    client.force_login(f.named_persona(org, "quality_manager"))
    names = [
        "complaints:correspondence_export",
        "actionplans:action_export",
        "audits:finding_export",
        "audits:audit_export",
        "steering:training_export",
        "indicators:measurement_export",
        "surveys:campaign_list_export",
    ]
    from django.urls import NoReverseMatch

    checked = 0
    for name in names:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        response = client.get(url)
        assert response.status_code == 200, name
        assert_no_formula(response.content)
        checked += 1
    assert checked >= 2
