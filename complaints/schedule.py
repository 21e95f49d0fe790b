from celery.schedules import crontab

SCHEDULE = {
    "complaints-anonymise-requesters": {
        "task": "complaints.anonymise_requesters",
        "schedule": crontab(hour=2, minute=30),
    },
}
