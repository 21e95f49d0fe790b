from celery import shared_task

from .services import report_run_execute


@shared_task(name="reports.execute_report_run")
def execute_report_run(run_id: int):
    run = report_run_execute(run_id)
    return run.status if run else "skipped"
