from celery.schedules import crontab

SCHEDULE = {
    "Relances et rappels d'échéances du jour": {
        "task": "notifications.send_daily_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}
