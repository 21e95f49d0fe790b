"""The import page every app shows (template link, columns, upload, row-by-row report) and the page that
follows a background import (a progress bar polled by htmx, then the report or the count created)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from qualipref.uploads import ImportFileError

from . import engine

XLSX_ONLY = (
    "Choisissez un classeur Excel (.xlsx) : enregistrez votre fichier dans ce format depuis votre tableur."
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Classeur Excel (.xlsx)",
        help_text="Utilisez le modèle : une ligne par enregistrement, les en-têtes en première ligne.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(XLSX_ONLY)
        return upload


def import_page(
    request,
    importer: engine.Importer,
    *,
    target,
    template_url: str,
    breadcrumbs,
    cancel_url: str = "",
    title: str = "",
    extra: dict | None = None,
):
    """GET: the page; POST: import (in the request, or queued: then redirect to the follow-up page)."""
    form = UploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = engine.run(importer, form.cleaned_data["file"], user=request.user, target=target)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if result.background:
                messages.info(request, "Le fichier est volumineux : il est importé en arrière-plan.")
                return redirect(result.record)
            if result.ok:
                messages.success(request, importer.summary(result))
                return redirect(importer.done_url(target))
    context = {
        "form": form,
        "result": result,
        "importer": importer,
        "title": title or importer.title,
        "template_url": template_url,
        "cancel_url": cancel_url or importer.done_url(target),
        "threshold": engine.background_threshold(),
        "breadcrumbs": breadcrumbs,
        **(extra or {}),
    }
    status = 400 if request.method == "POST" and (form.errors or (result and result.errors)) else 200
    return render(request, "imports/page.html", context, status=status)


@require_GET
def run_detail(request, pk):
    """A background import's state, for the person who submitted it (404 for anyone else); polled by
    htmx (the partial alone) until it is finished."""
    from qualipref.models import ImportRecord

    record = ImportRecord.objects.filter(pk=pk, created_by=request.user).first()
    if record is None:
        raise Http404("Import introuvable.")
    context = {
        "record": record,
        "progress": engine.current_progress(record),
        "result": engine.record_result(record) if record.is_finished else None,
    }
    if request.headers.get("HX-Request"):
        return render(request, "imports/partials/run_status.html", context)
    return render(
        request,
        "imports/run_detail.html",
        {**context, "breadcrumbs": [("Import en arrière-plan", None)]},
    )
