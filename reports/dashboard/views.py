"""The steering committee's dashboard (read-only) and its monthly PDF packs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from indicators import grid, rules, selectors
from indicators.models import Indicator
from indicators.selectors import indicator_for_user, sites_for_user
from reports.selectors import runs_for_user
from reports.services import report_run_request
from sites.access import within_department
from sites.models import Department
from sites.selectors import department_shown
from sites.versions import kept_page, shared

from . import board as dashboard_module
from . import committee
from .forms import DashboardFilter, PackRequestForm
from .pack import KIND


def _filters(request, sites):
    """The filter of the page and what it shows: a département's sites (the one asked, else the entity's,
    else the first of the scope by code: a steering committee is a département's), one of its entities or
    all, a month."""
    departments = list({s.entity.department_id: s.entity.department for s in sites}.values())
    entities = list({s.entity_id: s.entity for s in sites}.values())
    form = DashboardFilter(request.GET or None, departments=departments, entities=entities)
    department_id, entity_id, month = None, None, None
    if form.is_valid():
        department_id, entity_id, month = (form.cleaned_data[k] for k in ("department", "entity", "month"))
    entity_department = next((e.department_id for e in entities if e.pk == entity_id), None)
    if department_id is None:
        department_id = entity_department or (departments[0].pk if departments else None)
    elif entity_department != department_id:  # another département chosen: all its entities
        entity_id = None
    return form, [s for s in sites if s.entity.department_id == department_id], entity_id, month


def _month_page(user, *, month, entity_id, sites) -> dict:
    """The committee's month as the page shows it: the figures of its header and the rest rendered (no
    request in it)."""
    cm = dashboard_module.committee_month(user, month=month, entity_id=entity_id, sites=sites)
    board = cm.board
    return {
        "label": cm.month_label,
        "on_target": cm.on_target,
        "off_target": cm.off_target,
        "month": board.month,
        "entity_id": board.entity_id,
        "entity_name": next((e.name for e in board.entities if e.pk == board.entity_id), ""),
        "body": render_to_string("reports/dashboard/partials/month.html", {"cm": cm, "board": board}),
    }


@require_safe
@kept_page
def index(request):
    all_sites = sites_for_user(request.user)
    form, sites, entity_id, month = _filters(request, all_sites)
    department_id = sites[0].entity.department_id if sites else None
    departments = form.fields["department"].choices
    # the user reading the département shown (a scope over several: its part of it)
    user = within_department(request.user, department_id) if len(departments) > 1 else request.user
    # Computed and rendered once per scope (the committee's members share it), month shown and day, until a
    # write on the département: nothing in it depends on who reads it but their scope.
    month_page = shared(
        user,
        f"dashboard|{month}|{entity_id}",
        lambda: _month_page(user, month=month, entity_id=entity_id, sites=sites),
    )
    return render(
        request,
        "reports/dashboard/dashboard.html",
        {
            "month": {**month_page, "body": mark_safe(month_page["body"])},  # rendered, autoescaped
            "filter_form": form,
            "department_id": department_id,
            "department_name": dict(departments).get(department_id, "") if len(departments) > 1 else "",
            "departments": departments if len(departments) > 1 else [],
            "entities": [("", "Toutes les entités")]
            + list({s.entity_id: (s.entity_id, s.entity.name) for s in sites}.values()),
            "breadcrumbs": [("Tableau de bord du COPIL", None)],
        },
    )


@require_safe
def history(request, indicator_pk, site_code):
    """One indicator's twelve months at one site (by its code): the detail behind a cell of the dashboard."""
    sites = [s for s in sites_for_user(request.user) if s.code == site_code]
    if not sites:
        raise Http404("Site inconnu.")
    site = sites[0]
    indicator = indicator_for_user(request.user, indicator_pk)
    if indicator.department_id != site.entity.department_id:
        raise Http404("Indicateur inconnu pour ce site.")
    month = rules.parse_month(request.GET.get("month"))
    if request.GET.get("month") and month is None:
        messages.warning(request, "Mois non reconnu (attendu : AAAA-MM) : le mois en cours est affiché.")
    board = grid.build(
        request.user,
        month=month,
        entity_id=site.entity_id,
        indicators=[indicator],
        full_window=True,
        sites=sites,
    )
    block = next((b for b in board.blocks if b.rows and not b.is_department), None)
    if block is None:  # a département-wide indicator has no value per site: its own page says it all
        return redirect(indicator)
    history_url = committee.history_url_maker()
    months = []
    for m in reversed(board.months):
        value = board.values.get((indicator.pk, site.pk, m))
        target = rules.target_in_force(
            board.targets.get(indicator.pk, []), entity_id=site.entity_id, site_id=site.pk, year=m.year
        )
        verdict = rules.verdict(value, target, indicator.direction)
        months.append(
            {
                "month": m,
                "label": rules.month_label(m, long=True),
                "value": rules.format_value(value, indicator.unit) if value is not None else "—",
                "target": rules.format_value(target, indicator.unit) if target is not None else "—",
                "verdict": verdict,
                "gap": rules.format_gap(verdict.gap, indicator.unit) if verdict else "",
                "url": committee.cell_url(indicator, site, m, history_url),
            }
        )
    behind = indicator.is_computed and indicator.computed_code in committee.REGISTER_BEHIND
    return render(
        request,
        "reports/dashboard/history.html",
        {
            "indicator": indicator,
            "site": site,
            "board": board,
            "months": months,
            "behind": behind,
            "how": selectors.how_computed(indicator),
            "chart": board.trend(indicator, block, width=900, height=320),
            "breadcrumbs": [
                ("Tableau de bord du COPIL", f"{reverse('dashboard:index')}?month={board.month:%Y-%m}"),
                (f"{indicator.name} · {site.name}", None),
            ],
        },
    )


def _trend(request, indicator_pk, sites, *, department: bool):
    if not sites:
        raise Http404("Entité inconnue.")
    month = rules.parse_month(request.GET.get("month"))
    board = grid.build(  # the chart only: no side panel
        request.user,
        month=month,
        entity_id=None if department else sites[0].entity_id,
        # the asked indicator only (the grid keeps it when it is active and of the sites' départements)
        indicators=list(Indicator.objects.filter(pk=indicator_pk).select_related("module")),
        full_window=True,
        sites=sites,
    )
    blocks = [b for b in board.blocks if b.rows and b.is_department == department]
    if not blocks:
        raise Http404("Indicateur inconnu.")
    block = blocks[0]
    indicator: Indicator = block.rows[0].indicator
    return render(
        request,
        "reports/dashboard/partials/trend.html",
        {"svg": board.trend(indicator, block), "indicator": indicator},
    )


@require_safe
def trend(request, indicator_pk, entity_pk):
    """One indicator's 12-month chart for one entity's sites (loaded by the dashboard when shown)."""
    return _trend(request, indicator_pk, sites_for_user(request.user, entity_id=entity_pk), department=False)


@require_safe
def department_trend(request, indicator_pk):
    """A département-wide indicator's 12-month chart (crisis exercises, newsletters…)."""
    return _trend(request, indicator_pk, sites_for_user(request.user), department=True)


def _department(request, asked: str | None = None) -> Department:
    """The département asked for (`asked`: its id, from the dashboard; 404 outside the user's scope), else
    the first of their scope by code."""
    department, _, unknown = department_shown(request.user, asked)
    if unknown:
        raise Http404("Département inconnu.")
    if department is None:
        raise PermissionDenied("Aucun département dans votre périmètre.")
    return department


@require_http_methods(["GET", "HEAD", "POST"])
def pack_list(request):
    department = _department(request)
    form = PackRequestForm(
        request.POST or None, initial={"month": dashboard_module.default_month().strftime("%Y-%m")}
    )
    if request.method == "POST" and form.is_valid():
        month = form.cleaned_data["month"]
        run = report_run_request(
            kind=KIND,
            department=department,
            params={"month": month.strftime("%Y-%m"), "entity_id": None},
            by=request.user,
        )
        messages.info(request, "Le dossier est en préparation : la page se met à jour toute seule.")
        return redirect(run)
    runs = runs_for_user(request.user, kind=KIND, department=department)[:50]
    return render(
        request,
        "reports/dashboard/pack_list.html",
        {
            "form": form,
            "runs": runs,
            "department": department,
            "month_value": request.POST.get("month") or dashboard_module.default_month().strftime("%Y-%m"),
            "breadcrumbs": [("Dossiers mensuels du COPIL", None)],
        },
    )


@require_POST
def pack_request(request):
    """From the dashboard: the pack of the month (and département, entity) shown."""
    department = _department(request, request.POST.get("department"))
    form = PackRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Mois invalide : choisissez un mois, par exemple 2015-06.")
        return redirect(reverse("dashboard:index"))
    entity = request.POST.get("entity")
    run = report_run_request(
        kind=KIND,
        department=department,
        params={
            "month": form.cleaned_data["month"].strftime("%Y-%m"),
            "entity_id": int(entity) if entity and entity.isdecimal() else None,
        },
        by=request.user,
    )
    messages.info(request, "Le dossier est en préparation : la page se met à jour toute seule.")
    return redirect(run)
