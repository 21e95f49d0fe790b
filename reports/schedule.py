SCHEDULE = {
    "Relance des documents en attente de génération": {
        "task": "reports.requeue_waiting_runs",
        "schedule": 60.0,
    },
}
