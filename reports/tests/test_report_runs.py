"""Document generation runs: states, progress, failure recorded, files kept, access by scope."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from reports import registry, tasks
from reports.models import ReportRun
from reports.services import (
    QUEUE_DOWN_MESSAGE,
    report_run_execute,
    report_run_request,
    report_run_retry,
    report_runs_requeue,
)


@pytest.fixture
def kinds():
    saved = registry.kinds()

    def build_ok(run, progress):
        progress(50, "Mise en page", ReportRun.Status.RENDERING)
        return registry.BuiltFile(f"essai-{run.params['year']}.pdf", b"%PDF-1.7 test", page_count=3)

    def build_fail(run, progress):
        raise ValueError("pas de données pour cette année")

    registry.register("test_ok", "Essai", build_ok)
    registry.register("test_fail", "Essai en échec", build_fail)
    yield
    registry._kinds.clear()
    registry._kinds.update(saved)


def test_a_run_goes_from_queued_to_done_and_keeps_its_file(
    kinds, quality_manager, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = report_run_request(
            kind="test_ok", department=org.bdr, params={"year": 2015}, by=quality_manager
        )
    run.refresh_from_db()
    assert (run.status, run.progress, run.page_count, run.filename) == ("done", 100, 3, "essai-2015.pdf")
    assert run.file.read() == b"%PDF-1.7 test"
    with django_capture_on_commit_callbacks(execute=True):
        second = report_run_request(
            kind="test_ok", department=org.bdr, params={"year": 2015}, by=quality_manager
        )
    second.refresh_from_db()
    assert second.file.name != run.file.name
    run.file.open()
    assert run.file.read() == b"%PDF-1.7 test"


def test_a_failure_is_recorded_with_its_reason_and_can_be_retried(
    kinds, quality_manager, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = report_run_request(
            kind="test_fail", department=org.bdr, params={"year": 2015}, by=quality_manager
        )
    run.refresh_from_db()
    assert run.status == "failed"
    assert "pas de données pour cette année" in run.error
    retried = report_run_retry(run=run, by=quality_manager)
    assert retried.pk != run.pk and retried.params == run.params


def test_a_run_is_executed_once_even_if_the_task_runs_twice(kinds, quality_manager, org):
    run = report_run_request(kind="test_ok", department=org.bdr, params={"year": 2015}, by=quality_manager)
    assert report_run_execute(run.pk).status == "done"
    assert report_run_execute(run.pk) is None


def test_an_outsider_cannot_request_nor_see_a_run(kinds, quality_manager, outsider, org, client):
    with pytest.raises(PermissionDenied):
        report_run_request(kind="test_ok", department=org.bdr, params={"year": 2015}, by=outsider)
    run = report_run_request(kind="test_ok", department=org.bdr, params={"year": 2015}, by=quality_manager)
    report_run_execute(run.pk)
    client.force_login(outsider)
    assert client.get(reverse("reports:run_detail", args=[run.pk])).status_code == 404
    assert client.get(reverse("reports:run_download", args=[run.pk])).status_code == 404


def test_the_status_partial_polls_until_done(kinds, quality_manager, org, client):
    run = report_run_request(kind="test_ok", department=org.bdr, params={"year": 2015}, by=quality_manager)
    client.force_login(quality_manager)
    html = client.get(reverse("reports:run_detail", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in html
    report_run_execute(run.pk)
    html = client.get(reverse("reports:run_detail", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html
    assert "Télécharger essai-2015.pdf" in html
    response = client.get(reverse("reports:run_download", args=[run.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"


def _broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6391. Connection refused.")


@pytest.mark.parametrize("url", ["dashboard:pack_list", "reports:index"])
def test_a_request_while_the_broker_is_down_answers_and_the_run_is_sent_again_later(
    url, quality_manager, org, client, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(tasks, "execute_report_run", SimpleNamespace(delay=_broker_down))
    client.force_login(quality_manager)
    form = (
        {"month": "2015-06"}
        if url == "dashboard:pack_list"
        else {"department": org.bdr.pk, "year": 2015, "output_format": "pdf"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(url), form)
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert (run.status, run.message) == ("queued", QUEUE_DOWN_MESSAGE)
    assert (
        "file de traitement indisponible"
        in client.get(reverse("reports:run_detail", args=[run.pk])).content.decode()
    )

    assert report_runs_requeue() == 0  # still down: nothing sent, the run keeps waiting
    run.refresh_from_db()
    assert (run.status, run.message) == ("queued", QUEUE_DOWN_MESSAGE)

    sent = []
    monkeypatch.setattr(tasks, "execute_report_run", SimpleNamespace(delay=sent.append))
    assert tasks.requeue_waiting_runs() == 1
    assert sent == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.message) == ("queued", "En attente de traitement")
    assert report_runs_requeue() == 0  # sent once: not again while its message may be in the queue


def test_a_run_waiting_for_long_is_sent_again_and_a_running_one_is_not(
    kinds, quality_manager, org, monkeypatch
):
    sent = []
    monkeypatch.setattr(tasks, "execute_report_run", SimpleNamespace(delay=sent.append))
    waiting = report_run_request(
        kind="test_ok", department=org.bdr, params={"year": 2015}, by=quality_manager
    )
    done = report_run_request(kind="test_ok", department=org.bdr, params={"year": 2014}, by=quality_manager)
    report_run_execute(done.pk)
    later = timezone.now() + dt.timedelta(minutes=16)
    assert report_runs_requeue(now=later) == 1
    assert sent == [waiting.pk]
    assert report_runs_requeue(now=later + dt.timedelta(minutes=1)) == 0
    assert report_run_execute(waiting.pk).status == "done"


def test_beat_sends_the_waiting_runs_again_every_minute():
    from qualipref.celery import app

    entry = app.conf.beat_schedule["Relance des documents en attente de génération"]
    assert entry["task"] == "reports.requeue_waiting_runs" == tasks.requeue_waiting_runs.name
    assert entry["schedule"] == 60.0
