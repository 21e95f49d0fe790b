"""The annual report page, its runs (states, failure, retry), permissions, and the management command."""

import io
import time

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from reports.models import ReportRun
from reports.services import report_run_execute, report_run_request

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

INDEX = "/reports/"


def _post(client, user, **data):
    client.force_login(user)
    payload = {"department": user._department.pk, "year": "2015", "output_format": "pdf", **data}
    return client.post(INDEX, payload)


@pytest.fixture
def qm(quality_manager, org):
    quality_manager._department = org.bdr
    return quality_manager


def test_the_page_is_the_reports_index_and_in_the_menu(client, qm):
    assert reverse("reports:index") == INDEX
    client.force_login(qm)
    html = client.get(INDEX).content.decode()
    assert "Produire un bilan" in html
    assert f'href="{INDEX}"' in html  # "Bilan annuel" in the navigation
    assert "Aucun bilan n'a encore été produit" in html


def test_the_quality_manager_generates_the_report_and_downloads_it(
    client, qm, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, qm)
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert (run.kind, run.params, run.requested_by, run.status) == (
        "annual",
        {"year": 2015, "variant": ""},
        qm,
        "done",
    )
    assert run.filename == "bilan-qualite-13-2015.pdf" and run.page_count >= 5
    html = client.get(INDEX).content.decode()
    assert "Télécharger bilan-qualite-13-2015.pdf" in html
    content = b"".join(client.get(reverse("reports:run_download", args=[run.pk])).streaming_content)
    assert "Bilan annuel de la démarche qualité" in pdf_text(content)


def test_an_excel_run_and_a_pdfa_run(client, qm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, qm, output_format="xlsx")
        _post(client, qm, archival="on")
    excel, archival = ReportRun.objects.order_by("pk")
    assert excel.filename.endswith(".xlsx") and excel.page_count is None and excel.status == "done"
    assert archival.params["variant"] == "pdf/a-3b" and archival.filename.endswith("-pdfa.pdf")


def test_bad_input_is_refused_with_a_french_message_and_nothing_is_queued(client, qm, org):
    response = _post(client, qm, year="1850")
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    response = _post(client, qm, output_format="xlsx", archival="on")
    assert "La version d&#x27;archivage n&#x27;existe qu&#x27;au format PDF." in response.content.decode()
    response = _post(client, qm, department=org.vaucluse.pk)
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_an_agent_or_a_site_referent_cannot_generate_a_department_report(
    client, istres_agent, arles_referent, org
):
    for user in (istres_agent, arles_referent):
        client.force_login(user)
        assert "Produire un bilan" not in client.get(INDEX).content.decode()
        response = client.post(INDEX, {"department": org.bdr.pk, "year": "2015", "output_format": "pdf"})
        assert response.status_code == 403
    assert not ReportRun.objects.exists()


def test_the_committee_reads_and_downloads_earlier_runs_but_cannot_generate_nor_retry(
    client, qm, committee_member, org
):
    run = report_run_request(kind="annual", department=org.bdr, params={"year": 2015}, by=qm, perm="write")
    report_run_execute(run.pk)
    client.force_login(committee_member)
    html = client.get(INDEX).content.decode()
    assert "Produire un bilan" not in html and "Télécharger bilan-qualite-13-2015.pdf" in html
    assert client.get(reverse("reports:run_download", args=[run.pk])).status_code == 200
    assert (
        client.post(INDEX, {"department": org.bdr.pk, "year": "2015", "output_format": "pdf"}).status_code
        == 403
    )
    run.status = ReportRun.Status.FAILED
    run.save()
    assert client.post(reverse("reports:run_retry", args=[run.pk])).status_code == 403


def test_an_outsider_sees_no_run_of_another_department(client, qm, outsider, org):
    run = report_run_request(kind="annual", department=org.bdr, params={"year": 2015}, by=qm, perm="write")
    client.force_login(outsider)
    assert "bilan-qualite-13" not in client.get(INDEX).content.decode()
    assert client.post(reverse("reports:run_retry", args=[run.pk])).status_code == 404
    assert client.get(reverse("reports:run_download", args=[run.pk])).status_code == 404


def test_a_failed_run_shows_its_reason_and_is_retried_into_a_new_run(
    client, qm, org, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("base des indicateurs indisponible")

    monkeypatch.setattr("reports.annual.build.annual_report_context", broken)
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, qm)
    failed = ReportRun.objects.get()
    assert failed.status == "failed" and "base des indicateurs indisponible" in failed.error
    assert not failed.file
    html = client.get(INDEX).content.decode()
    assert "La génération a échoué." in html and "Relancer" in html
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:run_retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    retried = ReportRun.objects.exclude(pk=failed.pk).get()
    assert failed.status == "failed"  # kept as it was
    assert (retried.status, retried.params) == ("done", failed.params)


def test_the_progress_moves_through_gathering_and_rendering(qm, org, monkeypatch):
    seen = []
    from reports import services

    real = services._progress

    def spy(run_id):
        update = real(run_id)

        def record(percent, message, status=None):
            update(percent, message, status)
            seen.append(ReportRun.objects.values_list("status", "progress").get(pk=run_id))

        return record

    monkeypatch.setattr(services, "_progress", spy)
    run = report_run_request(kind="annual", department=org.bdr, params={"year": 2015}, by=qm, perm="write")
    assert run.status == "queued"
    report_run_execute(run.pk)
    statuses = [s for s, _p in seen]
    assert statuses.index("gathering") < statuses.index("rendering")
    assert [p for _s, p in seen] == sorted(p for _s, p in seen)


def test_the_page_runs_a_constant_number_of_queries(client, qm, org, django_assert_max_num_queries):
    client.force_login(qm)
    for _ in range(3):
        ReportRun.objects.create(kind="annual", department=org.bdr, params={"year": 2015}, requested_by=qm)
    with django_assert_max_num_queries(12):
        client.get(INDEX)
    for _ in range(10):
        ReportRun.objects.create(kind="annual", department=org.bdr, params={"year": 2014}, requested_by=qm)
    with django_assert_max_num_queries(12):
        assert client.get(INDEX).content.decode().count("run-row-") == 13


def test_the_command_writes_the_pdf_and_the_workbook(org, tmp_path):
    out = io.StringIO()
    call_command(
        "annual_report", "--department", "13", "--year", "2015", "--output", tmp_path / "b.pdf", stdout=out
    )
    assert "pages" in out.getvalue()
    assert "I – Le pilotage de la démarche" in pdf_text((tmp_path / "b.pdf").read_bytes())
    args = ["--department", "13", "--year", "2015", "--output", tmp_path / "b.bin", "--format", "xlsx"]
    call_command("annual_report", *args, stdout=io.StringIO())
    assert (tmp_path / "b.bin").read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError, match="Département inconnu : 99"):
        call_command("annual_report", "--department", "99", "--year", "2015", "--output", tmp_path / "x.pdf")


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_report(celery_worker_app, org, quality_manager):
    run = report_run_request(
        kind="annual", department=org.bdr, params={"year": 2015}, by=quality_manager, perm="write"
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_finished:
            break
        time.sleep(0.5)
    assert (run.status, run.error) == ("done", "")
    assert run.page_count >= 5
