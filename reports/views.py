from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qualipref.downloads import file_download
from sites.access import WRITE, scope_for

from . import selectors, services
from .annual.build import KIND as ANNUAL
from .forms import AnnualReportForm


def _can_generate(user) -> bool:
    """Only a département-wide writer (quality manager, admin) produces a département's report."""
    return bool(scope_for(user).ids("department", WRITE))


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def index(request):
    """The annual report page: pick a département, a year and a format; earlier runs below."""
    can_generate = _can_generate(request.user)
    if request.method == "POST":
        if not can_generate:
            raise PermissionDenied("Votre rôle ne permet pas de produire le bilan annuel d'un département.")
        form = AnnualReportForm(request.POST, user=request.user)
        if form.is_valid():
            run = services.report_run_request(
                kind=ANNUAL,
                department=form.cleaned_data["department"],
                params=form.params(),
                output_format=form.cleaned_data["output_format"],
                by=request.user,
                perm=WRITE,
            )
            messages.success(
                request,
                f"La génération du bilan {form.cleaned_data['year']} est lancée : "
                "suivez son avancement ci-dessous.",
            )
            return redirect(f"{reverse('reports:index')}#run-{run.pk}")
    else:
        form = AnnualReportForm(user=request.user) if can_generate else None
    runs = list(selectors.runs_for_user(request.user, kind=ANNUAL)[:50])
    return render(
        request,
        "reports/index.html",
        {
            "form": form,
            "runs": runs,
            "can_generate": can_generate,
            "writable_departments": scope_for(request.user).ids("department", WRITE),
            "breadcrumbs": [("Rapports", None), ("Bilan annuel", None)],
        },
    )


@require_safe
@never_cache
def run_detail(request, pk):
    """A run's state; polled by htmx (the partial alone) until it is finished."""
    run = selectors.run_for_user(request.user, pk)
    template = (
        "reports/partials/run_status.html" if request.headers.get("HX-Request") else "reports/run_detail.html"
    )
    return render(request, template, {"run": run})


@require_safe
def run_download(request, pk):
    run = selectors.run_for_user(request.user, pk)
    if not run.file:
        raise Http404("Ce document n'est pas (encore) disponible.")
    return file_download(run.file, run.filename)


@require_POST
def run_retry(request, pk):
    """A failed run is asked again (a new run, same parameters); needs write on the département."""
    run = selectors.run_for_user(request.user, pk, perm=WRITE)
    try:
        retried = services.report_run_retry(run=run, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("reports:index")
    messages.success(request, "La génération est relancée.")
    return redirect(f"{reverse('reports:index')}#run-{retried.pk}")
