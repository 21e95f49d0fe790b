from celery import shared_task

from .services import report_run_execute, report_runs_requeue


@shared_task(name="reports.execute_report_run")
def execute_report_run(run_id: int):
    run = report_run_execute(run_id)
    return run.status if run else "skipped"


@shared_task(name="reports.requeue_waiting_runs")
def requeue_waiting_runs():
    """Every minute: send again the runs whose sending failed while the broker was down."""
    return report_runs_requeue()
