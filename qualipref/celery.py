import os

from celery import Celery
from celery.signals import task_failure, task_prerun, task_success

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualipref.settings")

app = Celery("qualipref")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic tasks: each app declares its own in `<app>/schedule.py` (the entry's name is the French label
# shown on the administrator's home page); the project names them here.
from complaints.schedule import SCHEDULE as COMPLAINTS_SCHEDULE  # noqa: E402
from qualipref.notifications.schedule import SCHEDULE as REMINDERS_SCHEDULE  # noqa: E402
from reports.schedule import SCHEDULE as REPORTS_SCHEDULE  # noqa: E402

app.conf.beat_schedule = {**REMINDERS_SCHEDULE, **COMPLAINTS_SCHEDULE, **REPORTS_SCHEDULE}
SCHEDULED_TASKS = {entry["task"] for entry in app.conf.beat_schedule.values()}


# Each run of a periodic task is recorded (qualipref.jobs), whoever started it: beat, or a person.
@task_prerun.connect
def _job_started(sender=None, **kwargs):
    if sender is not None and sender.name in SCHEDULED_TASKS:
        from qualipref.jobs import record_start

        record_start(sender.name)


@task_success.connect
def _job_succeeded(sender=None, **kwargs):
    if sender is not None and sender.name in SCHEDULED_TASKS:
        from qualipref.jobs import record_end

        record_end(sender.name, succeeded=True)


@task_failure.connect
def _job_failed(sender=None, exception=None, **kwargs):
    if sender is not None and sender.name in SCHEDULED_TASKS:
        from qualipref.jobs import record_end

        record_end(sender.name, succeeded=False, error=f"{type(exception).__name__}: {exception}")
