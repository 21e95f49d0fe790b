from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from qualipref.excel import ImportFileError, read_xlsx, template_response
from referential.models import LabelScope
from referential.selectors import label_history

from . import imports, selectors, services
from .access import MANAGE, allows, can, get_visible, managed_departments, require, scope_for
from .forms import EntityForm, OrganisationImportForm, ReceptionPointForm, SiteForm
from .models import Entity, ReceptionPoint, Site

NOT_A_MANAGER = "Seule la chargée de mission qualité du département organise ses entités et ses sites."


def _crumbs(*extra):
    return [("Organisation", reverse("sites:organisation")), *extra]


@require_safe
def organisation(request):
    return render(
        request,
        "sites/organisation.html",
        {
            "entities": selectors.entities_for_user(request.user),
            "can_manage": can(request.user, MANAGE),
            "manages_department": bool(scope_for(request.user).ids("department", MANAGE)),
        },
    )


@require_safe
def site_detail(request, code):
    site = selectors.site_for_user(request.user, code)
    return render(
        request,
        "sites/site_detail.html",
        {
            "site": site,
            "reception_points": site.reception_points.order_by("order", "name"),
            "label_scopes": LabelScope.objects.filter(entity_id=site.entity_id)
            .current(timezone.localdate())
            .select_related("module")
            .order_by("module__number"),
            "can_manage": allows(request.user, site, MANAGE),
        },
    )


@require_safe
def entity_detail(request, pk):
    entity = selectors.entity_for_user(request.user, pk)
    sites = selectors.entities_for_user(request.user).get(pk=entity.pk).sites.all()
    return render(
        request,
        "sites/entity_detail.html",
        {
            "entity": entity,
            "sites": sites,
            "label_scopes": label_history(entity),
            "can_manage": allows(request.user, entity, MANAGE),
        },
    )


# ---- forms ----------------------------------------------------------------------------------------------


def _form_page(request, form, *, title, crumbs, save, intro=""):
    """Validate `form`, call `save(cleaned_data)` (a service), redirect to what it returns; re-display the
    form with the service's French errors (status 400) otherwise."""
    if request.method == "POST" and form.is_valid():
        try:
            obj, message = save(form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, message)
            return redirect(obj)
    return render(
        request,
        "sites/form.html",
        {"form": form, "title": title, "intro": intro, "breadcrumbs": _crumbs(*crumbs, (title, None))},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def entity_create(request):
    if not managed_departments(request.user).exists():
        raise PermissionDenied(NOT_A_MANAGER)
    form = EntityForm(request.POST or None, user=request.user)

    def save(data):
        department = data.pop("department")
        entity = services.entity_create(department=department, by=request.user, **data)
        return entity, f"Entité « {entity.name} » créée. Ajoutez-lui ses sites."

    return _form_page(request, form, title="Nouvelle entité", crumbs=(), save=save)


@require_http_methods(["GET", "HEAD", "POST"])
def entity_edit(request, pk):
    entity = get_visible(Entity.objects.select_related("department"), request.user, perm=MANAGE, pk=pk)
    form = EntityForm(request.POST or None, instance=Entity.objects.get(pk=entity.pk), user=request.user)

    def save(data):
        data.pop("code", None)
        services.entity_update(entity=entity, by=request.user, **data)
        return entity, f"Entité « {entity.name} » enregistrée."

    return _form_page(
        request, form, title=f"Modifier {entity.name}", crumbs=((entity.name, entity.get_absolute_url()),),
        save=save,
    )  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def site_create(request):
    require(request.user, MANAGE)
    initial = {"entity": request.GET.get("entite")} if request.GET.get("entite", "").isdigit() else {}
    form = SiteForm(request.POST or None, user=request.user, initial=initial)

    def save(data):
        site = services.site_create(by=request.user, **data)
        return site, f"Site « {site.name} » créé avec le code « {site.code} »."

    return _form_page(request, form, title="Nouveau site", crumbs=(), save=save)


@require_http_methods(["GET", "HEAD", "POST"])
def site_edit(request, code):
    site = get_visible(
        Site.objects.select_related("entity__department"), request.user, perm=MANAGE, code=code
    )
    form = SiteForm(request.POST or None, instance=Site.objects.get(pk=site.pk), user=request.user)

    def save(data):
        data.pop("code", None)
        services.site_update(site=site, by=request.user, **data)
        return site, f"Site « {site.name} » enregistré."

    return _form_page(
        request,
        form,
        title=f"Modifier {site.name}",
        crumbs=((site.name, site.get_absolute_url()),),
        save=save,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def reception_point_create(request, code):
    site = get_visible(
        Site.objects.select_related("entity__department"), request.user, perm=MANAGE, code=code
    )
    form = ReceptionPointForm(request.POST or None)

    def save(data):
        point = services.reception_point_create(site=site, by=request.user, **data)
        return site, f"Point d'accueil « {point.name} » ajouté à {site.name}."

    return _form_page(
        request, form, title="Nouveau point d'accueil", crumbs=((site.name, site.get_absolute_url()),),
        save=save,
    )  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def reception_point_edit(request, pk):
    point = get_visible(ReceptionPoint.objects.select_related("site"), request.user, perm=MANAGE, pk=pk)
    site = point.site
    form = ReceptionPointForm(request.POST or None, instance=ReceptionPoint.objects.get(pk=point.pk))

    def save(data):
        data.pop("code", None)
        services.reception_point_update(point=point, by=request.user, **data)
        return site, f"Point d'accueil « {point.name} » enregistré."

    return _form_page(
        request, form, title=f"Modifier {point.name}", crumbs=((site.name, site.get_absolute_url()),),
        save=save,
    )  # fmt: skip


# ---- the organisation spreadsheet -------------------------------------------------------------------------


def _managed_or_403(user):
    departments = list(managed_departments(user))
    if not departments:
        raise PermissionDenied(NOT_A_MANAGER)
    return departments


@require_safe
def organisation_template(request):
    department = _managed_or_403(request.user)[0]
    return template_response(
        "modele-organisation.xlsx", "Organisation", list(imports.HEADERS), imports.template_rows(department)
    )


@require_http_methods(["GET", "HEAD", "POST"])
def organisation_import(request):
    _managed_or_403(request.user)
    form = OrganisationImportForm(request.POST or None, request.FILES or None, user=request.user)
    result, counts = None, None
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_xlsx(form.cleaned_data["file"], imports.HEADERS)
            result, counts = imports.organisation_import(
                department=form.cleaned_data["department"], rows=rows, by=request.user
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        except ValidationError as exc:
            form.add_error("file", " ".join(exc.messages))
        if result is not None and result.ok:
            summary = ", ".join(f"{n} {label}" for label, n in counts.items()) or "aucun changement"
            messages.success(request, f"Organisation importée : {summary}.")
            return redirect("sites:organisation")
    return render(
        request,
        "sites/organisation_import.html",
        {
            "form": form,
            "result": result,
            "headers": list(imports.HEADERS),
            "kinds": imports.KIND_LABELS,
            "breadcrumbs": _crumbs(("Importer l'organisation", None)),
        },
        status=400 if request.method == "POST" else 200,
    )
