import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualipref.settings")

app = Celery("qualipref")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic tasks: each app declares its own in `<app>/schedule.py`; the project names them here.
from complaints.schedule import SCHEDULE as COMPLAINTS_SCHEDULE  # noqa: E402
from qualipref.notifications.schedule import SCHEDULE as REMINDERS_SCHEDULE  # noqa: E402
from reports.schedule import SCHEDULE as REPORTS_SCHEDULE  # noqa: E402

app.conf.beat_schedule = {**REMINDERS_SCHEDULE, **COMPLAINTS_SCHEDULE, **REPORTS_SCHEDULE}
