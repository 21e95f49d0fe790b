"""The one code path that makes the annual report file, for the Celery task and the command alike."""

from __future__ import annotations

from reports.registry import BuiltFile

from .context import annual_report_context
from .pdf import annual_report_pdf
from .tables import annual_report_xlsx

KIND = "annual"
LABEL = "Bilan annuel de la démarche qualité"
FORMATS = ("pdf", "xlsx")


def annual_report_file(
    *, department, year: int, output_format: str = "pdf", variant: str = "", progress=None
) -> BuiltFile:
    """Gather the year's figures, then render them as a PDF (optionally PDF/A-3b) or a workbook."""
    from reports.models import ReportRun

    def step(percent: int, message: str, status: str | None = None):
        if progress:
            progress(percent, message, status)

    if output_format not in FORMATS:
        raise ValueError(f"Format inconnu : {output_format} (pdf ou xlsx).")
    step(10, "Collecte des chiffres de l'année", ReportRun.Status.GATHERING)
    context = annual_report_context(department=department, year=year)
    step(50, "Mise en page du document", ReportRun.Status.RENDERING)
    stem = f"bilan-qualite-{context['department']['code']}-{year}"
    if output_format == "xlsx":
        return BuiltFile(f"{stem}.xlsx", annual_report_xlsx(context), None)
    rendered = annual_report_pdf(context, variant=variant)
    suffix = "-pdfa" if variant else ""
    return BuiltFile(f"{stem}{suffix}.pdf", rendered.content, rendered.page_count)


def build(run, progress) -> BuiltFile:
    """Registry builder: `run.params` holds {"year": 2015, "variant": "" | "pdf/a-3b"}."""
    params = run.params or {}
    return annual_report_file(
        department=run.department,
        year=int(params["year"]),
        output_format=run.output_format,
        variant=params.get("variant", ""),
        progress=progress,
    )
