import datetime as dt
import io
import subprocess
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from reports.annual import annual_report_context
from reports.annual.build import annual_report_file
from reports.annual.pdf import annual_report_html


def pdf_text(content: bytes) -> str:
    """The PDF's text as `pdftotext -layout` reads it (poppler-utils)."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def _add_rows_of_2015(department):
    """More rows of every kind the report counts: the number of queries must not change."""
    from actionplans.models import Action
    from complaints.models import Correspondence
    from steering.models import LabelEvent, Newsletter

    for n, complaint in enumerate(Correspondence.objects.filter(site__entity__department=department)[:5]):
        complaint.pk, complaint.reference, complaint.subject = (
            None,
            f"REC-TEST-{n}",
            f"{complaint.subject} (bis)",
        )
        complaint.save()
    for action in Action.objects.filter(entity__department=department, completed_on__year=2015)[:5]:
        action.pk, action.title = None, f"{action.title} (bis)"
        action.save()
    Newsletter.objects.create(department=department, number=99, published_on=dt.date(2015, 12, 20))
    LabelEvent.objects.create(
        department=department, happened_on=dt.date(2015, 12, 1), kind="other", title="Un événement de plus"
    )


@pytest.fixture(scope="session")
def demo_2015(django_db_setup, django_db_blocker, tmp_path_factory, demo_database):
    """The demo data's 2015 report of département 13, built once per test session: its context, HTML, PDF
    (and text) and workbook. For modules marked `demo` (they run on the session's demo database); the rows
    it adds are rolled back afterwards; only plain data is kept."""
    from sites.models import Department

    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        demo_database.active(),
        transaction.atomic(),
    ):
        bdr = Department.objects.get(code="13")
        with CaptureQueriesContext(connection) as first:
            context = annual_report_context(department=bdr, year=2015)
        _add_rows_of_2015(bdr)
        with CaptureQueriesContext(connection) as second:
            annual_report_context(department=bdr, year=2015)
        html = annual_report_html(context)
        pdf = annual_report_file(department=bdr, year=2015)
        xlsx = annual_report_file(department=bdr, year=2015, output_format="xlsx")
        transaction.set_rollback(True)
    return SimpleNamespace(
        queries=(len(first), len(second)),
        context=context,
        html=html,
        pdf=pdf,
        text=pdf_text(pdf.content),
        xlsx=xlsx,
        workbook=load_workbook(io.BytesIO(xlsx.content)),
    )


@pytest.fixture
def pickup(org):
    """The pick-up rate indicator of the Bouches-du-Rhône (the dashboard's and the pack's tests)."""
    from indicators.tests.factories import pickup_rate

    return pickup_rate(org.bdr)
