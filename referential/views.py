from django.http import Http404
from django.shortcuts import redirect, render

from sites.access import scope_for

from . import selectors


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
