from celery import shared_task

from .services import reminders_run


@shared_task(name="notifications.send_daily_reminders")
def send_daily_reminders():
    """Daily: record what is due and send one digest per person (safe to run twice)."""
    return reminders_run()
