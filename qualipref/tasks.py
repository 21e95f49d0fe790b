from celery import shared_task


@shared_task(name="qualipref.run_import")
def run_import(record_id: int):
    """A large spreadsheet import, queued by qualipref.imports.run (safe to run twice: claimed once)."""
    from qualipref.imports.engine import execute

    record = execute(record_id)
    return record.status if record else "skipped"
