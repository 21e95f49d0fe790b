from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from qualipref import french
from sites.access import WRITE, scope_for, writable
from sites.models import Entity, Role

from . import selectors, switch
from .editing import managed_department_ids
from .models import Referential


def _in_force_for(user):
    """The version in force for the user's département (its edited one if any); the published one for a
    user of several départements or none."""
    departments = scope_for(user).ids("department")
    department = next(iter(departments)) if len(departments) == 1 else None
    return selectors.current_referential(department=department)


@require_safe
def referential_index(request):
    current = _in_force_for(request.user)
    if current is None:
        return render(request, "referential/empty.html")
    return redirect("referential:detail", pk=current.pk)


@require_safe
def referential_detail(request, pk):
    referential = selectors.referential_detail(pk)
    departments = scope_for(request.user).ids("department")
    if referential is None or (referential.department_id and referential.department_id not in departments):
        raise Http404("Référentiel introuvable.")  # another département's version: not found
    parameters = [
        p for p in referential.parameters.all() if p.department_id is None or p.department_id in departments
    ]
    return render(
        request,
        "referential/detail.html",
        {
            "referential": referential,
            "parameters": parameters,
            "all_referentials": selectors.referentials(request.user),
            "may_edit": bool(managed_department_ids(request.user)),
        },
    )


@require_safe
def crosswalk(request):
    """Qualipref 2.0 and Services Publics+ side by side, through the crosswalk file."""
    source = (
        Referential.objects.filter(code=request.GET.get("de", "qualipref")).order_by("-valid_from").first()
    )
    target = _in_force_for(request.user)
    if source is None or target is None or source.pk == target.pk:
        raise Http404("Aucune correspondance entre ces référentiels.")
    return render(
        request,
        "referential/crosswalk.html",
        {"source": source, "target": target, **selectors.crosswalk_table(request.user, source, target)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def referential_switch(request):
    """Move an entity, or every entity of the département, to another referential: preview, then apply."""
    scope = scope_for(request.user)
    managers = {Role.QUALITY_MANAGER, Role.ADMIN}
    if not (request.user.is_superuser or managers & scope.roles) or not scope.ids("department", WRITE):
        raise PermissionDenied("Seule la chargée de mission qualité du département change de référentiel.")
    entities = writable(request.user, Entity.objects).order_by("department__code", "order", "name")
    referentials = list(selectors.referentials())
    data = request.POST if request.method == "POST" else request.GET
    chosen, target, result, errors = data.get("entite", ""), None, None, []
    if data.get("vers"):
        target = next((r for r in referentials if str(r.pk) == data["vers"]), None)
        if target is None:
            errors.append("Choisissez un référentiel de la liste.")
    if chosen:
        selected = list(entities) if chosen == "toutes" else [e for e in entities if str(e.pk) == chosen]
        if chosen != "toutes" and not selected:
            raise Http404("Entité introuvable.")
    else:
        selected = []
    if target is not None:
        result = switch.preview(entities=selected, target=target)
        errors += result.errors
        if request.method == "POST" and not errors:
            try:
                switch.apply(entities=selected, target=target, by=request.user)
            except ValidationError as exc:
                errors += exc.messages
            else:
                messages.success(
                    request,
                    f"{len(selected)} {french.plural(len(selected), 'entité', 'entités')} "
                    f"désormais sous « {target} » (en préparation). L'historique est conservé.",
                )
                return redirect("home")
    return render(
        request,
        "referential/switch.html",
        {
            "entities": entities,
            "referentials": referentials,
            "chosen": chosen,
            "target": target,
            "result": result,
            "errors": errors,
        },
        status=400 if request.method == "POST" and errors else 200,
    )
