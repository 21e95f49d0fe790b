"""Pages of the surveys app (logged-in users). Thin: parse, call a selector or a service, render."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms import modelformset_factory
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qualipref import french
from qualipref.excel import Column, xlsx_response
from qualipref.filters import YearFilter, warn_ignored
from qualipref.imports.views import import_page
from qualipref.lists import paginate, sort_queryset
from qualipref.timeline import timeline_for
from sites.access import READ, WRITE, ids, require, scope_for
from sites.models import Department
from sites.versions import kept_page

from . import charts, exports, figures, imports, qr, rates, selectors, services
from .forms import CampaignForm, CriterionForm, ResultsForm, UnitForm
from .models import CAMPAIGN_WORKFLOW, Campaign, Criterion, SurveyUnit

STATUS_BADGES = {
    Campaign.Status.PLANNED: "secondary",
    Campaign.Status.OPEN: "primary",
    Campaign.Status.CLOSED: "warning",
    Campaign.Status.PUBLISHED: "success",
}
TRANSITION_LABELS = {
    Campaign.Status.OPEN: "Ouvrir le questionnaire en ligne",
    Campaign.Status.CLOSED: "Clore la campagne",
    Campaign.Status.PUBLISHED: "Publier les résultats",
}


def _crumbs(*items):
    return [("Enquêtes de satisfaction", reverse("surveys:campaign_list")), *items]


def _campaign_context(request, campaign, **extra):
    scope = scope_for(request.user)
    return {
        "campaign": campaign,
        "status_badge": STATUS_BADGES[campaign.status],
        "can_manage": scope.allows(campaign, WRITE),
        "can_enter_results": bool(scope.site_ids(WRITE)) and not campaign.results_locked,
        **extra,
    }


# ---- list ---------------------------------------------------------------------------------------------


class CampaignFilter(django_filters.FilterSet):
    year = YearFilter(label="Année")
    population = django_filters.ChoiceFilter(
        label="Population", choices=Campaign.Population.choices, empty_label="Toutes"
    )
    status = django_filters.ChoiceFilter(label="Statut", choices=Campaign.Status.choices, empty_label="Tous")

    class Meta:
        model = Campaign
        fields = ["year", "population", "status"]


SORTS = {"year": "year", "name": "name", "population": "population", "status": "status", "mean": "mean_rate"}


def _filtered_campaigns(request):
    campaign_filter = CampaignFilter(request.GET, queryset=selectors.campaigns_for_user(request.user))
    queryset, sort = sort_queryset(request, campaign_filter.qs, SORTS, "-year")
    return campaign_filter, queryset, sort


@require_safe
@kept_page
def campaign_list(request):
    campaign_filter, queryset, sort = _filtered_campaigns(request)
    warn_ignored(request, campaign_filter)
    page = paginate(request, queryset)
    for campaign in page.object_list:
        campaign.badge = STATUS_BADGES[campaign.status]
    return render(
        request,
        "surveys/campaign_list.html",
        {
            "page_obj": page,
            "filter": campaign_filter,
            "sort": sort,
            "can_create": bool(scope_for(request.user).ids("department", WRITE)),
            "export_url": reverse("surveys:campaign_list_export"),
            "breadcrumbs": [("Enquêtes de satisfaction", None)],
        },
    )


@require_safe
def campaign_list_export(request):
    _filter, queryset, _sort = _filtered_campaigns(request)
    columns = [
        Column("Année", lambda c: c.year, 8),
        Column("Campagne", lambda c: c.name, 44),
        Column("Population", lambda c: c.get_population_display(), 24),
        Column("Statut", lambda c: c.get_status_display(), 12),
        Column("Début", lambda c: c.starts_on, 12),
        Column("Fin", lambda c: c.ends_on, 12),
        Column("Unités", lambda c: c.unit_count, 8),
        Column("Répondants déclarés", lambda c: c.respondents, 12),
        Column("Réponses en ligne", lambda c: c.response_count, 12),
        Column("Taux moyen (%)", lambda c: round(c.mean_rate, 1) if c.mean_rate is not None else None, 12),
    ]
    return xlsx_response("campagnes-enquete.xlsx", [("Campagnes", columns, queryset)])


# ---- campaign -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def campaign_create(request):
    department_ids = scope_for(request.user).ids("department", WRITE)
    if not department_ids:
        raise PermissionDenied("Seul(e) la chargé(e) de mission qualité crée les campagnes.")
    departments = Department.objects.filter(pk__in=department_ids)
    form = CampaignForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        department, copy = data.pop("department"), data.pop("copy_from_previous")
        try:
            campaign = services.campaign_create(
                department=department, by=request.user, copy_from_previous=copy, **data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Campagne « {campaign.name} » créée.")
            return redirect(campaign)
    return render(
        request,
        "surveys/campaign_form.html",
        {"form": form, "breadcrumbs": _crumbs(("Nouvelle campagne", None)), "title": "Nouvelle campagne"},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def campaign_update(request, pk):
    campaign = selectors.campaign_for_user(request.user, pk, perm=WRITE)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "population"}
        services.campaign_update(campaign=campaign, by=request.user, **fields)
        messages.success(request, "Campagne enregistrée.")
        return redirect(campaign)
    return render(
        request,
        "surveys/campaign_form.html",
        {
            "form": form,
            "campaign": campaign,
            "title": f"Modifier « {campaign.name} »",
            "breadcrumbs": _crumbs((campaign.name, campaign.get_absolute_url()), ("Modifier", None)),
        },
    )


@require_safe
@kept_page
def campaign_detail(request, pk):
    campaign = selectors.campaign_for_user(request.user, pk)
    matrix = figures.campaign_matrix(campaign, site_ids=ids(request.user, "site"))
    context = _campaign_context(
        request,
        campaign,
        matrix=matrix,
        scale=rates.SCALE,
        transitions=[
            (
                status,
                "Ouvrir la campagne"
                if status == Campaign.Status.OPEN and campaign.population != Campaign.Population.USERS
                else TRANSITION_LABELS[status],
            )
            for status in sorted(CAMPAIGN_WORKFLOW.allowed(campaign.status), key=list(Campaign.Status).index)
        ],
        can_add_unit=bool(ids(request.user, "site", WRITE)),
        timeline=timeline_for(campaign),
        breadcrumbs=_crumbs((campaign.name, None)),
    )
    return render(request, "surveys/campaign_detail.html", context)


@require_POST
def campaign_transition(request, pk):
    campaign = selectors.campaign_for_user(request.user, pk, perm=WRITE)
    try:
        campaign = services.campaign_transition(
            campaign=campaign, status=request.POST.get("status", ""), by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Campagne au statut « {campaign.get_status_display()} ».")
    return redirect(campaign)


@require_safe
def campaign_comparison(request, pk):
    campaign = selectors.campaign_for_user(request.user, pk)
    matrix = figures.campaign_matrix(campaign, site_ids=ids(request.user, "site"), with_previous=True)
    return render(
        request,
        "surveys/campaign_comparison.html",
        _campaign_context(
            request,
            campaign,
            matrix=matrix,
            breadcrumbs=_crumbs((campaign.name, campaign.get_absolute_url()), ("Comparaison", None)),
        ),
    )


@require_safe
def campaign_charts(request, pk):
    campaign = selectors.campaign_for_user(request.user, pk)
    matrix = figures.campaign_matrix(campaign, site_ids=ids(request.user, "site"))
    chart_list = [
        (
            criterion,
            charts.criterion_chart(
                criterion.label,
                [(unit.name, cell.rate) for unit, cell in matrix.column(criterion)],
                criterion.target_rate,
            ),
            matrix.column(criterion),
        )
        for criterion in matrix.criteria
    ]
    return render(
        request,
        "surveys/campaign_charts.html",
        _campaign_context(
            request,
            campaign,
            matrix=matrix,
            charts=chart_list,
            breadcrumbs=_crumbs((campaign.name, campaign.get_absolute_url()), ("Graphiques", None)),
        ),
    )


CriterionFormSet = modelformset_factory(Criterion, form=CriterionForm, extra=1, can_delete=True)


@require_http_methods(["GET", "HEAD", "POST"])
def campaign_criteria(request, pk):
    campaign = selectors.campaign_for_user(request.user, pk, perm=WRITE)
    queryset = campaign.criteria.select_related("engagement").order_by("order", "pk")
    formset = CriterionFormSet(
        request.POST or None, queryset=queryset, form_kwargs={"department_id": campaign.department_id}
    )
    if request.method == "POST" and formset.is_valid():
        try:
            with transaction.atomic():
                for form in formset.forms:
                    if not form.has_changed() and not form.instance.pk:
                        continue
                    criterion = form.instance
                    if formset.can_delete and formset._should_delete_form(form):
                        if criterion.pk:
                            services.criterion_delete(criterion=criterion, by=request.user)
                        continue
                    criterion.campaign = campaign
                    if not criterion.code:
                        criterion.code = slugify(criterion.label)[:40]
                    services.criterion_save(criterion=criterion, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Critères enregistrés.")
            return redirect("surveys:campaign_criteria", pk=campaign.pk)
    return render(
        request,
        "surveys/campaign_criteria.html",
        _campaign_context(
            request,
            campaign,
            formset=formset,
            breadcrumbs=_crumbs((campaign.name, campaign.get_absolute_url()), ("Critères", None)),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def campaign_results(request, pk):
    campaign = selectors.campaign_for_user(request.user, pk)
    writable_sites = ids(request.user, "site", WRITE)
    if not writable_sites:
        raise PermissionDenied("Votre rôle ne permet pas de saisir des résultats.")
    matrix = figures.campaign_matrix(campaign, site_ids=ids(request.user, "site"))
    form = ResultsForm(request.POST or None, matrix=matrix, writable_site_ids=writable_sites)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.results_save(campaign=campaign, values=form.values(), by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"Résultats enregistrés ({changed} taux {french.plural(changed, 'modifié', 'modifiés')}).",
            )
            return redirect(campaign)
    elif request.method == "POST":
        messages.error(
            request,
            "Certains taux sont invalides : corrigez les cases signalées en rouge. Rien n'a été enregistré.",
        )
    return render(
        request,
        "surveys/campaign_results.html",
        _campaign_context(
            request,
            campaign,
            form=form,
            matrix=matrix,
            breadcrumbs=_crumbs((campaign.name, campaign.get_absolute_url()), ("Saisie des résultats", None)),
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def campaign_import(request, pk):
    campaign = selectors.campaign_for_user(request.user, pk)
    if not ids(request.user, "site", WRITE):
        raise PermissionDenied("Votre rôle ne permet pas d'importer des résultats.")
    template_url = reverse("surveys:campaign_import_template", args=[campaign.pk])
    return import_page(
        request,
        imports.IMPORTER,
        target=campaign,
        template_url=template_url,
        breadcrumbs=_crumbs((campaign.name, campaign.get_absolute_url()), ("Import Excel", None)),
        extra={
            "other_templates": [
                ("une ligne par unité, une colonne par critère", f"{template_url}?format=matrix")
            ]
        },
    )


@require_safe
def campaign_import_template(request, pk):
    campaign = selectors.campaign_for_user(request.user, pk)
    if request.GET.get("format") == "matrix":
        return exports.matrix_template(campaign, request.user)
    return exports.long_template(campaign, request.user)


@require_safe
def campaign_export(request, pk):
    campaign = selectors.campaign_for_user(request.user, pk)
    matrix = figures.campaign_matrix(campaign, site_ids=ids(request.user, "site"))
    return exports.campaign_export(matrix)


# ---- units --------------------------------------------------------------------------------------------


def _unit_form_save(request, form, unit):
    data = form.cleaned_data
    return services.unit_save(
        unit=unit,
        by=request.user,
        reception_points=list(data["reception_points"]),
        strengths=UnitForm.lines(data["strengths"]),
        vigilance=UnitForm.lines(data["vigilance"]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unit_create(request, pk):
    campaign = selectors.campaign_for_user(request.user, pk)
    writable_sites = ids(request.user, "site", WRITE)
    if not writable_sites:
        raise PermissionDenied("Votre rôle ne permet pas d'ajouter une unité.")
    form = UnitForm(
        request.POST or None,
        campaign=campaign,
        site_ids=writable_sites,
        instance=SurveyUnit(campaign=campaign),
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                unit = _unit_form_save(request, form, form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Unité « {unit.name} » ajoutée.")
            return redirect(unit)
    return render(
        request,
        "surveys/unit_form.html",
        {
            "form": form,
            "campaign": campaign,
            "title": "Nouvelle unité enquêtée",
            "breadcrumbs": _crumbs((campaign.name, campaign.get_absolute_url()), ("Nouvelle unité", None)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unit_update(request, pk):
    unit = selectors.unit_for_user(request.user, pk, perm=WRITE)
    form = UnitForm(
        request.POST or None,
        campaign=unit.campaign,
        site_ids=ids(request.user, "site", WRITE),
        instance=unit,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                unit = _unit_form_save(request, form, form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Unité enregistrée.")
            return redirect(unit)
    return render(
        request,
        "surveys/unit_form.html",
        {
            "form": form,
            "campaign": unit.campaign,
            "unit": unit,
            "title": f"Modifier « {unit.name} »",
            "breadcrumbs": _crumbs(
                (unit.campaign.name, unit.campaign.get_absolute_url()),
                (unit.name, unit.get_absolute_url()),
                ("Modifier", None),
            ),
        },
    )


@require_safe
def unit_detail(request, pk):
    unit = selectors.unit_for_user(request.user, pk)
    campaign = unit.campaign
    matrix = figures.campaign_matrix(campaign, site_ids=[unit.site_id], with_previous=True)
    row = next(r for r in matrix.rows if r.unit.pk == unit.pk)
    url = qr.questionnaire_url(unit)
    return render(
        request,
        "surveys/unit_detail.html",
        _campaign_context(
            request,
            campaign,
            unit=unit,
            row=row,
            matrix=matrix,
            reception_points=unit.reception_points.order_by("order", "name"),
            response_count=unit.responses.count(),
            questionnaire_url=url,
            qr_inline=qr.qr_svg_inline(url, scale=3),
            can_edit_unit=scope_for(request.user).allows(unit, WRITE),
            timeline=timeline_for(unit),
            breadcrumbs=_crumbs((campaign.name, campaign.get_absolute_url()), (unit.name, None)),
        ),
    )


@require_safe
def unit_qr_svg(request, pk):
    unit = selectors.unit_for_user(request.user, pk)
    response = HttpResponse(
        qr.qr_svg(qr.questionnaire_url(unit), title=unit.name), content_type="image/svg+xml"
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="qr-{unit.site.code}-{unit.code}.svg"'
    return response


@require_safe
def unit_poster_pdf(request, pk):
    unit = selectors.unit_for_user(request.user, pk)
    response = HttpResponse(qr.poster_pdf(unit), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="affiche-{unit.site.code}-{unit.code}.pdf"'
    return response


__all__ = ["READ", "require", "forms"]
