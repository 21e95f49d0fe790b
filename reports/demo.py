"""Demo report: last year's annual report of the demo's département, finished and ready to download,
whatever the day the demo is loaded (last year is read from `timezone.localdate()`, so it follows
QUALIPREF_TEST_TODAY in tests).

The report is built as the quality manager's request would be: a `ReportRun` per format (PDF and Excel),
executed here by the same service a worker runs (`services.report_run_execute`) instead of being queued.
Idempotent: a finished run of that year and format is kept, not built again.
"""

from django.utils import timezone

from sites.models import Department, User

from . import services
from .annual.build import FORMATS
from .annual.build import KIND as ANNUAL
from .models import ReportRun

DEPARTMENT_CODE = "13"  # the demo's département (sites/demo.py)


def load(stdout=None) -> dict:
    department = Department.objects.filter(code=DEPARTMENT_CODE).first()
    if department is None:
        return {}
    requested_by = User.objects.filter(username="qualite").first()
    year = timezone.localdate().year - 1
    built = 0
    for output_format in FORMATS:
        finished = ReportRun.objects.filter(
            department=department,
            kind=ANNUAL,
            params__year=year,
            output_format=output_format,
            status=ReportRun.Status.DONE,
        ).exclude(file="")
        if finished.exists():
            continue
        run = ReportRun.objects.create(
            kind=ANNUAL,
            department=department,
            params={"year": year, "variant": ""},
            output_format=output_format,
            requested_by=requested_by,
            message="En attente de traitement",
        )
        run = services.report_run_execute(run.pk)
        if run.status != ReportRun.Status.DONE:
            raise RuntimeError(f"Le bilan {year} de la démo n'a pas pu être produit : {run.error}")
        built += 1
    return {f"bilan annuel {year} (PDF et Excel)": "produit" if built else "déjà présent"}
