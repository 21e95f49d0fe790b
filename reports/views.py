from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import selectors


@never_cache
def run_detail(request, pk):
    """A run's state; polled by htmx (the partial alone) until it is finished."""
    run = selectors.run_for_user(request.user, pk)
    template = (
        "reports/partials/run_status.html" if request.headers.get("HX-Request") else "reports/run_detail.html"
    )
    return render(request, template, {"run": run})


def run_download(request, pk):
    run = selectors.run_for_user(request.user, pk)
    if not run.file:
        raise Http404("Ce document n'est pas (encore) disponible.")
    return FileResponse(run.file.open("rb"), as_attachment=True, filename=run.filename)
