from django.http import Http404
from django.shortcuts import redirect, render

from sites.access import scope_for

from . import selectors
from .models import Referential


def referential_index(request):
    current = selectors.current_referential()
    if current is None:
        return render(request, "referential/empty.html")
    return redirect("referential:detail", pk=current.pk)


def referential_detail(request, pk):
    referential = selectors.referential_detail(pk)
    if referential is None:
        raise Http404("Référentiel introuvable.")
    departments = scope_for(request.user).ids("department")
    parameters = [
        p for p in referential.parameters.all() if p.department_id is None or p.department_id in departments
    ]
    return render(
        request,
        "referential/detail.html",
        {"referential": referential, "parameters": parameters, "all_referentials": selectors.referentials()},
    )


def crosswalk(request):
    """Qualipref 2.0 and Services Publics+ side by side, through the crosswalk file."""
    source = (
        Referential.objects.filter(code=request.GET.get("de", "qualipref")).order_by("-valid_from").first()
    )
    target = selectors.current_referential()
    if source is None or target is None or source.pk == target.pk:
        raise Http404("Aucune correspondance entre ces référentiels.")
    return render(
        request,
        "referential/crosswalk.html",
        {"source": source, "target": target, **selectors.crosswalk_table(request.user, source, target)},
    )
