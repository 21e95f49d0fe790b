"""The periodic tasks' last runs (issue 20, item 8): each run of a scheduled task is recorded, whoever
started it, and the administrator's home page shows when each one last ran and which are late."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.tasks import anonymise_requesters
from qualipref.celery import app
from qualipref.jobs import scheduled_jobs
from qualipref.models import JobRun
from reports.tasks import execute_report_run

pytestmark = pytest.mark.django_db

SCHEDULED = {entry["task"] for entry in app.conf.beat_schedule.values()}


def test_the_schedule_holds_the_reminders_the_anonymisation_and_the_waiting_documents():
    assert {
        "notifications.send_daily_reminders",
        "complaints.anonymise_requesters",
        "reports.requeue_waiting_runs",
    } <= SCHEDULED


def test_a_run_of_a_scheduled_task_is_recorded_with_its_outcome():
    anonymise_requesters.apply()
    run = JobRun.objects.get(task="complaints.anonymise_requesters")
    assert run.succeeded is True and run.error == ""
    assert run.started_at <= run.finished_at <= timezone.now()

    failing = mock.patch(
        "complaints.tasks.correspondences_anonymise", side_effect=RuntimeError("base indisponible")
    )
    with failing:  # as in a worker: the error is the task's outcome, not raised to the caller
        anonymise_requesters.apply(throw=False)
    run = JobRun.objects.get(task="complaints.anonymise_requesters")  # still one row per task
    assert run.succeeded is False
    assert run.error == "RuntimeError: base indisponible"
    assert JobRun.objects.count() == 1


def test_a_task_that_is_not_scheduled_is_not_recorded():
    with mock.patch("reports.tasks.report_run_execute"):
        execute_report_run.apply(args=[1])
    assert not JobRun.objects.exists()


def test_scheduled_jobs_lists_every_task_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        jobs = scheduled_jobs()
    assert {job.task for job in jobs} == SCHEDULED
    assert all(job.run is None and job.late for job in jobs)
    every = {job.task: job.every for job in jobs}
    assert every["complaints.anonymise_requesters"] == "chaque jour à 2 h 30"
    assert every["reports.requeue_waiting_runs"] == "chaque minute"


def _ran(task, when, succeeded=True):
    JobRun.objects.create(task=task, started_at=when, finished_at=when, succeeded=succeeded)


def test_a_task_is_late_when_its_next_run_is_overdue():
    now = timezone.localtime()
    last_night = now.replace(hour=2, minute=30, second=0, microsecond=0)  # its last expected run
    if last_night > now:
        last_night -= dt.timedelta(days=1)
    _ran("reports.requeue_waiting_runs", now - dt.timedelta(minutes=30))  # every minute: late
    _ran("complaints.anonymise_requesters", last_night)  # daily at 2:30: on time
    _ran("notifications.send_daily_reminders", now - dt.timedelta(days=2))  # daily: late
    late = {job.task: job.late for job in scheduled_jobs()}
    assert late == {
        "reports.requeue_waiting_runs": True,
        "complaints.anonymise_requesters": False,
        "notifications.send_daily_reminders": True,
    }


def test_the_administrators_home_shows_when_each_task_last_ran(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("home")).content.decode()
    assert "Tâches planifiées" in page
    assert page.count("Jamais exécutée") == len(SCHEDULED)
    assert "n'a pas tourné à l'heure prévue" in page

    now = timezone.localtime()
    for task in SCHEDULED:
        _ran(task, now)
    page = client.get(reverse("home")).content.decode()
    assert page.count("Réussie") == len(SCHEDULED)
    assert "Jamais exécutée" not in page and "n'a pas tourné" not in page
    assert f'datetime="{now.isoformat()}"' in page or now.strftime("%H:%M") in page


def test_the_scheduled_tasks_are_for_the_administrator_only(client, quality_manager):
    _ran("complaints.anonymise_requesters", timezone.now())
    client.force_login(quality_manager)
    page = client.get(reverse("home")).content.decode()
    assert "Tâches planifiées" not in page
