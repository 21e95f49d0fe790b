"""Indicator definitions, targets, measurements (form, Excel import), API clients. Views stay thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qualipref.excel import Column, xlsx_response
from qualipref.filters import notify, object_param
from qualipref.imports.templates import template_response
from qualipref.imports.views import import_page
from qualipref.lists import paginate, sort_queryset, year_param
from qualipref.timeline import timeline_for
from sites.access import WRITE, get_for_user, require, scope_for, visible, writable
from sites.models import Department, Site
from sites.versions import kept, kept_page

from . import computed, imports, selectors, services
from .forms import (
    ApiClientForm,
    IndicatorForm,
    MeasurementForm,
    TargetForm,
)
from .grid import WINDOW_MONTHS, build
from .models import ApiClient, Indicator, Measurement
from .rules import month_label

BREADCRUMB = ("Indicateurs", "indicators:indicator_list")


def _crumbs(*extra):
    return [(BREADCRUMB[0], reverse(BREADCRUMB[1])), *extra]


def _writable_department(user) -> Department:
    """The département whose definitions the user may change (quality manager or admin), else 403."""
    department = writable(user, Department.objects).order_by("code").first()
    if department is None:
        raise PermissionDenied("Votre rôle ne permet pas de modifier les indicateurs.")
    return department


@require_safe
@kept_page
def indicator_list(request):
    indicators = selectors.indicators_for_user(request.user).annotate(
        measurement_count=Count("measurements", distinct=True), last_period=Max("measurements__period")
    )
    indicators, sort = sort_queryset(
        request, indicators, {"name": "name", "code": "code", "order": "order", "formula": "formula"}, "order"
    )
    scope = scope_for(request.user)
    rows = [(i, selectors.how_computed(i)) for i in indicators]
    return render(
        request,
        "indicators/indicator_list.html",
        {
            "rows": rows,
            "sort": sort,
            "can_define": bool(scope.ids("department", WRITE)),
            "can_measure": bool(scope.site_ids(WRITE)),
            "breadcrumbs": [("Indicateurs", None)],
        },
    )


def _readings(user, indicator) -> dict:
    """What the page reads of the indicator's data for the user's sites: the grid over the window with one
    chart per block, the targets, the latest measurements and the history."""
    dashboard = build(user, indicators=[indicator])
    dashboard.blocks = [b for b in dashboard.blocks if b.rows]
    return {
        "dashboard": dashboard,
        "charts": [(b, dashboard.trend(indicator, b)) for b in dashboard.blocks],
        "targets": list(
            selectors.targets_of(indicator, user).order_by("entity__order", "site__name", "year")
        ),
        "recent": list(
            selectors.measurements_for_user(user)
            .filter(indicator=indicator)
            .order_by("-period", "site__name")[:24]
        ),
        "timeline": timeline_for(indicator),
    }


@require_safe
@kept_page
def indicator_detail(request, pk):
    indicator = selectors.indicator_for_user(request.user, pk)
    scope = scope_for(request.user)
    # Read once per user, scope and day until a write on their départements.
    readings = kept(request.user, f"indicator|{indicator.pk}", lambda: _readings(request.user, indicator))
    target_form = TargetForm(indicator=indicator, user=request.user) if scope.ids("entity", WRITE) else None
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            **readings,
            "indicator": indicator,
            "how": selectors.how_computed(indicator),
            "computation": computed.get(indicator.computed_code) if indicator.is_computed else None,
            "window": WINDOW_MONTHS,
            "target_form": target_form,
            "can_define": indicator.department_id in scope.ids("department", WRITE),
            "can_target": bool(scope.ids("entity", WRITE)),
            "can_measure": not indicator.is_computed and bool(scope.site_ids(WRITE)),
            "breadcrumbs": _crumbs((indicator.name, None)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def indicator_edit(request, pk=None):
    if pk:
        indicator = selectors.indicator_for_user(request.user, pk)
        if indicator.department_id not in scope_for(request.user).ids("department", WRITE):
            raise PermissionDenied("Votre rôle ne permet pas de modifier les indicateurs.")
        department = indicator.department
    else:
        indicator, department = None, _writable_department(request.user)
    form = IndicatorForm(request.POST or None, instance=indicator, department=department)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.indicator_save(indicator=form.instance, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Indicateur « {saved.name} » enregistré.")
            return redirect(saved)
    title = f"Modifier « {indicator.name} »" if indicator else "Nouvel indicateur"
    return render(
        request, "indicators/form.html", {"form": form, "title": title, "breadcrumbs": _crumbs((title, None))}
    )


@require_POST
def target_create(request, pk):
    indicator = selectors.indicator_for_user(request.user, pk)
    require(request.user, WRITE)  # read-only roles: 403 before the form is even read
    form = TargetForm(request.POST, indicator=indicator, user=request.user)
    if form.is_valid():
        try:
            services.target_save(target=form.instance, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Cible enregistrée.")
            return redirect(indicator)
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label} : {error}" if label else error)
    return redirect(indicator)


@require_POST
def target_delete(request, pk):
    target = selectors.target_for_user(request.user, pk, perm=WRITE)
    indicator = target.indicator
    services.target_delete(target=target, by=request.user)
    messages.success(request, "Cible supprimée.")
    return redirect(indicator)


# ---- measurements -----------------------------------------------------------------------------------


def _measurements(request, notices=None, chosen=None):
    """The measurements filtered by `?indicator=`, `?site=` (number or code) and `?year=`; an unknown or
    impossible value is ignored (and said, on the list page)."""
    notices = [] if notices is None else notices
    chosen = {} if chosen is None else chosen
    qs = selectors.measurements_for_user(request.user)
    indicators = visible(request.user, Indicator.objects)
    if indicator := object_param(request, "indicator", indicators, "Indicateur", notices):
        qs = qs.filter(indicator=indicator)
    if site := object_param(request, "site", visible(request.user, Site.objects), "Site", notices):
        qs = qs.filter(site=site)
    if year := year_param(request):
        qs = qs.filter(period__year=year)
    chosen.update(indicator=indicator, site=site)
    return qs


@require_safe
@kept_page
def measurement_list(request):
    notices, chosen = [], {}
    qs, sort = sort_queryset(
        request,
        _measurements(request, notices, chosen),
        {"period": "period", "indicator": "indicator__name", "site": "site__name", "value": "value"},
        "-period",
    )
    notify(request, notices)
    scope = scope_for(request.user)
    return render(
        request,
        "indicators/measurement_list.html",
        {
            "page_obj": paginate(request, qs),
            "sort": sort,
            "indicators": visible(request.user, Indicator.objects).filter(formula=Indicator.Formula.MEASURED),
            "sites": selectors.sites_for_user(request.user),
            "chosen": chosen,
            "can_measure": bool(scope.site_ids(WRITE)),
            "breadcrumbs": _crumbs(("Mesures", None)),
        },
    )


MEASUREMENT_COLUMNS = [
    Column("Indicateur (code)", lambda m: m.indicator.code, 20),
    Column("Indicateur", lambda m: m.indicator.name, 36),
    Column("Site (code)", lambda m: m.site.code, 18),
    Column("Site", lambda m: m.site.name, 20),
    Column("Mois", lambda m: m.period, 12),
    Column("Valeur", lambda m: m.value, 10),
    Column("Origine", lambda m: m.get_source_display(), 12),
    Column("Commentaire", lambda m: m.comment, 30),
]


@require_safe
def measurement_export(request):
    qs = _measurements(request).order_by("indicator__order", "site__name", "period")
    return xlsx_response("mesures-indicateurs.xlsx", [("Mesures", MEASUREMENT_COLUMNS, qs)])


@require_http_methods(["GET", "HEAD", "POST"])
def measurement_create(request):
    if not scope_for(request.user).site_ids(WRITE):
        raise PermissionDenied("Votre rôle ne permet pas d'enregistrer des mesures.")
    initial = {k: request.GET[k] for k in ("indicator", "site") if request.GET.get(k)}
    form = MeasurementForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measurement, outcome = services.measurement_record(
                indicator=data["indicator"],
                site=data["site"],
                period=data["period"],
                value=data["value"],
                comment=data["comment"],
                source=Measurement.Source.FORM,
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            verb = {"created": "enregistrée",
                    "updated": "mise à jour (l'ancienne valeur reste dans l'historique)",
                    "unchanged": "inchangée"}[outcome]  # fmt: skip
            messages.success(
                request,
                f"Mesure {verb} : {measurement.indicator.name}, {measurement.site.name}, "
                f"{month_label(measurement.period, long=True)}.",
            )
            return redirect(measurement.indicator)
    title = "Saisir une mesure"
    return render(
        request,
        "indicators/form.html",
        {
            "form": form,
            "title": title,
            "help": "Une valeur déjà saisie pour le même mois et site est remplacée ; "
            "l'historique garde l'ancienne.",
            "breadcrumbs": _crumbs(("Mesures", reverse("indicators:measurement_list")), (title, None)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def measurement_import(request):
    if not scope_for(request.user).site_ids(WRITE):
        raise PermissionDenied("Votre rôle ne permet pas d'importer des mesures.")
    return import_page(
        request,
        imports.IMPORTER,
        target=None,
        template_url=reverse("indicators:import_template"),
        breadcrumbs=_crumbs(("Mesures", reverse("indicators:measurement_list")), ("Importer", None)),
    )


@require_safe
def import_template(request):
    importer = imports.IMPORTER
    return template_response(importer, importer.prepare(user=request.user, target=None))


# ---- API clients ------------------------------------------------------------------------------------


@require_safe
def api_client_list(request):
    clients = selectors.api_clients_for_user(request.user).order_by("-active", "name")
    scope = scope_for(request.user)
    return render(
        request,
        "indicators/api_client_list.html",
        {
            "clients": clients,
            "can_define": bool(scope.ids("department", WRITE)),
            "breadcrumbs": _crumbs(("Accès à l'API", None)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def api_client_create(request):
    department = _writable_department(request.user)
    form = ApiClientForm(request.POST or None, department=department, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            client, token = services.api_client_create(
                department=department,
                name=form.cleaned_data["name"],
                sites=form.cleaned_data["sites"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # The token is shown once, on this response; only its hash is kept.
            return render(
                request,
                "indicators/api_client_token.html",
                {
                    "client": client,
                    "token": token,
                    "breadcrumbs": _crumbs(
                        ("Accès à l'API", reverse("indicators:api_client_list")), (client.name, None)
                    ),
                },
            )
    title = "Nouvel accès à l'API"
    return render(
        request,
        "indicators/form.html",
        {"form": form, "title": title, "help": "Le jeton sera affiché une seule fois, à la création.",
         "breadcrumbs": _crumbs(("Accès à l'API", reverse("indicators:api_client_list")), (title, None))},
    )  # fmt: skip


@require_POST
def api_client_revoke(request, pk):
    client = get_for_user(ApiClient.objects.all(), request.user, perm=WRITE, pk=pk)
    services.api_client_revoke(client=client, by=request.user)
    messages.success(request, f"Le jeton de « {client.name} » est révoqué : ses appels seront refusés.")
    return redirect("indicators:api_client_list")
