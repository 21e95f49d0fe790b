from celery.schedules import crontab

SCHEDULE = {
    "Anonymisation des demandeurs (durée de conservation dépassée)": {
        "task": "complaints.anonymise_requesters",
        "schedule": crontab(hour=2, minute=30),
    },
}
