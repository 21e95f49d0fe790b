"""Document generation runs: request one, execute it (in a Celery task), record its state throughout."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from sites.access import READ, scope_for

from . import registry
from .models import ReportRun

logger = logging.getLogger(__name__)


@transaction.atomic
def report_run_request(
    *, kind: str, department, params: dict, output_format: str = "pdf", by, perm: str = READ
) -> ReportRun:
    """Record a run and queue its task once the row is committed."""
    registry.get(kind)
    if department.pk not in scope_for(by).ids("department", perm):
        raise PermissionDenied("Votre rôle ne permet pas de produire ce document pour ce département.")
    if output_format not in ReportRun.Format.values:
        raise ValidationError(f"Format inconnu : {output_format}.")
    run = ReportRun(
        kind=kind,
        department=department,
        params=params,
        output_format=output_format,
        requested_by=by,
        message="En attente de traitement",
    )
    run.full_clean()
    run.save()
    transaction.on_commit(lambda: report_run_enqueue(run.pk))
    return run


QUEUE_DOWN_MESSAGE = "En attente : file de traitement indisponible, nouvel essai automatique"
STALE_AFTER = timezone.timedelta(minutes=15)


def report_run_enqueue(run_id: int) -> bool:
    """Send a queued run to the workers. When the broker is down the run stays queued (its message says
    so) and the page answers anyway; `report_runs_requeue` sends it again once the broker is back."""
    from .tasks import execute_report_run

    try:
        execute_report_run.delay(run_id)
    except Exception as exc:  # kombu OperationalError, socket errors…: never fail the request for it
        logger.warning("Report run %s not queued, broker unavailable: %s", run_id, exc)
        ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
            message=QUEUE_DOWN_MESSAGE, updated_at=timezone.now()
        )
        return False
    return True


def report_runs_requeue(*, now=None) -> int:
    """Send again the runs still waiting: those whose sending failed (broker down), and those queued for
    more than 15 minutes (a message lost with the broker). Running a run twice is harmless (it is
    claimed once). Returns how many were sent; stops at the first failure (the broker is still down)."""
    now = now or timezone.now()
    waiting = ReportRun.objects.filter(status=ReportRun.Status.QUEUED).filter(
        models.Q(message=QUEUE_DOWN_MESSAGE) | models.Q(updated_at__lt=now - STALE_AFTER)
    )
    sent = 0
    for run_id in waiting.order_by("created_at").values_list("pk", flat=True):
        ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
            message="En attente de traitement", updated_at=now
        )
        if not report_run_enqueue(run_id):
            break
        sent += 1
    return sent


def _progress(run_id: int):
    def update(percent: int, message: str, status: str | None = None):
        fields = {"progress": max(0, min(100, int(percent))), "message": message[:255]}
        if status:
            fields["status"] = status
        ReportRun.objects.filter(pk=run_id).update(**fields)

    return update


def report_run_execute(run_id: int) -> ReportRun | None:
    """Build the file of a queued run. Safe to run twice: only the worker that claims the row works."""
    claimed = ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
        status=ReportRun.Status.GATHERING,
        started_at=timezone.now(),
        progress=5,
        message="Collecte des données",
    )
    if claimed != 1:
        return None
    run = ReportRun.objects.select_related("department").get(pk=run_id)
    progress = _progress(run_id)
    try:
        built = registry.get(run.kind).build(run, progress)
        progress(95, "Enregistrement du fichier", ReportRun.Status.RENDERING)
        run.refresh_from_db()
        run.file.save(built.filename, ContentFile(built.content), save=False)
        run.filename = built.filename
        run.page_count = built.page_count
        run.status, run.progress, run.message = ReportRun.Status.DONE, 100, "Document prêt"
        run.finished_at = timezone.now()
        run.save(
            update_fields=["file", "filename", "page_count", "status", "progress", "message", "finished_at"]
        )
    except Exception as exc:  # any failure is recorded on the row; nothing else is lost
        logger.exception("Report run %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).update(
            status=ReportRun.Status.FAILED,
            error=f"{exc.__class__.__name__} : {exc}"[:2000],
            message="Échec de la génération",
            finished_at=timezone.now(),
        )
    return ReportRun.objects.get(pk=run_id)


@transaction.atomic
def report_run_retry(*, run: ReportRun, by) -> ReportRun:
    """A failed run is asked again as a new run with the same parameters (the failed one stays)."""
    if run.status != ReportRun.Status.FAILED:
        raise ValidationError("Seule une génération en échec peut être relancée.")
    return report_run_request(
        kind=run.kind, department=run.department, params=run.params, output_format=run.output_format, by=by
    )
