"""The committee pack: the dashboard of a month as an A4 PDF built by a ReportRun, with its states."""

import datetime as dt
import re
import subprocess
import time

import pytest
from django.urls import reverse

from indicators.models import Measurement
from indicators.tests.factories import TargetFactory
from reports.models import ReportRun
from reports.services import report_run_execute, report_run_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(org, pickup):
    TargetFactory(indicator=pickup, entity=org.prefecture, year=2015, value=80)
    Measurement.objects.create(indicator=pickup, site=org.peytral, period=dt.date(2015, 6, 1), value=66.3)
    return pickup


def pdf_text(path):
    return subprocess.run(
        ["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_pack_goes_from_queued_to_done_with_a_pdf_numbered_page_n_of_m(
    org, committee_member, data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = report_run_request(
            kind="committee_pack", department=org.bdr, params={"month": "2015-06"}, by=committee_member
        )
    assert run.status == ReportRun.Status.QUEUED
    for callback in callbacks:
        callback()
    run.refresh_from_db()
    assert (run.status, run.progress, run.filename) == ("done", 100, "dossier-copil-13-2015-06.pdf")
    assert run.page_count >= 3
    text = pdf_text(run.file.path)
    assert "Comité de pilotage qualité" in text and "juin 2015" in text
    assert f"Page 1 sur {run.page_count}" in text and f"Page {run.page_count} sur {run.page_count}" in text
    # The dashboard's grid: the value with its symbol (✗ off target), the legend in words, the target.
    assert re.search(r"✗\s*66,3 %", text) and "hors cible" in text and "80 %" in text
    assert "Taux de décroché" in text and "Peytral" in text
    assert "À décider" in text and "Ce qui a changé depuis le dernier comité" in text


def test_an_invalid_month_fails_with_the_reason(org, committee_member):
    run = report_run_request(
        kind="committee_pack", department=org.bdr, params={"month": "juin"}, by=committee_member
    )
    run = report_run_execute(run.pk)
    assert run.status == ReportRun.Status.FAILED
    assert "Mois invalide dans la demande : « juin »" in run.error and not run.file


def test_a_pack_whose_requester_left_fails_with_the_reason(org, committee_member, quality_manager):
    run = report_run_request(
        kind="committee_pack", department=org.bdr, params={"month": "2015-06"}, by=committee_member
    )
    ReportRun.objects.filter(pk=run.pk).update(requested_by=None)
    run = report_run_execute(run.pk)
    assert run.status == "failed" and "demandeur n'existe plus" in run.error


def test_the_pack_page_requests_a_month_and_lists_earlier_packs(
    client, org, committee_member, data, django_capture_on_commit_callbacks
):
    client.force_login(committee_member)
    url = reverse("dashboard:pack_list")
    assert "Aucun dossier produit" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"month": "2015-06"})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.status == "done"  # eager in tests
    html = client.get(url).content.decode()
    assert "2015-06" in html and "dossier-copil-13-2015-06.pdf" in html
    assert "Mois attendu" in client.post(url, {"month": "bientôt"}).content.decode()


def test_the_dashboard_button_asks_for_the_month_and_entity_shown(
    client, org, committee_member, data, django_capture_on_commit_callbacks
):
    client.force_login(committee_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dashboard:pack_request"), {"month": "2015-06", "entity": org.prefecture.pk}
        )
    run = ReportRun.objects.get()
    assert run.params == {"month": "2015-06", "entity_id": org.prefecture.pk}
    assert response["Location"] == run.get_absolute_url() and run.status == "done"
    assert "Sous-préfecture d'Arles" not in pdf_text(run.file.path)


def test_the_pack_is_the_departement_shown_within_the_scope(client, org, administrator, outsider, data):
    """The dashboard's button names its département: the administrator's pack of the 84 is the 84's; the
    Vaucluse referent naming the 13 gets a 404 and nothing is asked."""
    client.force_login(administrator)
    client.post(reverse("dashboard:pack_request"), {"month": "2015-06", "department": org.vaucluse.pk})
    assert ReportRun.objects.get().department == org.vaucluse
    client.force_login(outsider)
    for asked in (org.bdr.pk, "x"):
        response = client.post(reverse("dashboard:pack_request"), {"month": "2015-06", "department": asked})
        assert response.status_code == 404
    assert ReportRun.objects.count() == 1


def test_the_pack_query_count_does_not_grow_with_rows(
    org, committee_member, data, django_assert_max_num_queries
):
    run = report_run_request(
        kind="committee_pack", department=org.bdr, params={"month": "2015-06"}, by=committee_member
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        report_run_execute(run.pk)
    for month in range(1, 6):
        for site in (org.peytral, org.arles, org.aix):
            Measurement.objects.update_or_create(
                indicator=data, site=site, period=dt.date(2015, month, 1), defaults={"value": 70}
            )
    run = report_run_request(
        kind="committee_pack", department=org.bdr, params={"month": "2015-06"}, by=committee_member
    )
    with django_assert_max_num_queries(len(first)):
        report_run_execute(run.pk)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_pack(celery_worker_app, org, committee_member, data):
    run = report_run_request(
        kind="committee_pack", department=org.bdr, params={"month": "2015-06"}, by=committee_member
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_finished:
            break
        time.sleep(0.3)
    assert run.status == "done", run.error
    assert run.page_count >= 3


def test_the_pack_prints_the_dashboards_grid(client, org, committee_member, data, monkeypatch):
    """One declaration of the grid: the page and the pack show the same cells (state and words)."""
    from reports.dashboard import pack

    rendered = {}
    real = pack.html_to_pdf

    def keep(html, **kwargs):
        rendered["html"] = html
        return real(html, **kwargs)

    monkeypatch.setattr(pack, "html_to_pdf", keep)
    run = report_run_request(
        kind="committee_pack", department=org.bdr, params={"month": "2015-06"}, by=committee_member
    )
    report_run_execute(run.pk)
    client.force_login(committee_member)
    page = client.get(reverse("dashboard:index"), {"month": "2015-06"}).content.decode()

    def cells(html):
        return re.findall(
            r'<td class="cg-cell (cg-[a-z0-9]+)"[^>]*>(?:<a href="[^"]*" title="([^"]*)")?', html
        )

    assert cells(page) and cells(page) == cells(rendered["html"])
    assert ("cg-off", "66,3\u00a0% · Hors cible · cible 80\u00a0%") in cells(page)
