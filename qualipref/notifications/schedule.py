from celery.schedules import crontab

SCHEDULE = {
    "daily-reminders": {"task": "notifications.send_daily_reminders", "schedule": crontab(hour=7, minute=0)},
}
