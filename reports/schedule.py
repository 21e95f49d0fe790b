SCHEDULE = {
    "requeue-waiting-report-runs": {"task": "reports.requeue_waiting_runs", "schedule": 60.0},
}
