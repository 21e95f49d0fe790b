"""Periodic tasks (Celery beat, declared in each app's `schedule.py` and named in `qualipref/celery.py`):
the worker records when each one last ran (`record_start` / `record_end`, connected to Celery's task
signals in `qualipref/celery.py`), and `scheduled_jobs()` gives the administrator's home page what to
show: every scheduled task, when it last ran, and whether it is late."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from celery import current_app
from celery.schedules import BaseSchedule, crontab, schedule
from django.utils import timezone

from .models import JobRun

# A task is late when its next run is overdue by more than this (the worker was stopped, or beat).
GRACE = dt.timedelta(minutes=15)


def record_start(task: str) -> None:
    """One row per task, written in one statement (an upsert: two workers may start it at once)."""
    JobRun.objects.bulk_create(
        [JobRun(task=task, started_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["task"],
        update_fields=["started_at", "finished_at", "succeeded", "error"],
    )


def record_end(task: str, succeeded: bool, error: str = "") -> None:
    JobRun.objects.filter(task=task).update(
        finished_at=timezone.now(), succeeded=succeeded, error=error[:300]
    )


@dataclass(frozen=True)
class Job:
    label: str  # the beat entry's name: French, shown as is
    task: str
    every: str
    run: JobRun | None
    late: bool


def _every(when) -> str:
    if (
        isinstance(when, crontab)
        and len(when.hour) == 1
        and len(when.minute) == 1
        and len(when.day_of_week) == 7
    ):
        return f"chaque jour à {next(iter(when.hour))} h {next(iter(when.minute)):02d}"
    if isinstance(when, schedule):
        minutes = int(when.run_every.total_seconds() // 60)
        return "chaque minute" if minutes <= 1 else f"toutes les {minutes} minutes"
    return str(when)


class Jobs(list):
    @property
    def late(self) -> bool:
        return any(job.late for job in self)


def scheduled_jobs() -> Jobs:
    """Every task of the beat schedule with its last run (one query)."""
    runs = {run.task: run for run in JobRun.objects.all()}
    jobs = []
    for label, entry in current_app.conf.beat_schedule.items():
        when = entry["schedule"]
        if not isinstance(when, BaseSchedule):  # seconds or a timedelta
            when = schedule(run_every=when if isinstance(when, dt.timedelta) else dt.timedelta(seconds=when))
        run = runs.get(entry["task"])
        late = run is None or when.remaining_estimate(run.started_at) < -GRACE
        jobs.append(Job(label, entry["task"], _every(when), run, late))
    return Jobs(sorted(jobs, key=lambda job: job.label))
