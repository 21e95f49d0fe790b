"""Public pages (no login, no tracking): what each site commits to and its published results.

Everything shown comes from published snapshots, or from what a site publishes anyway (address, hours,
reception points, label, engagements). Unknown addresses answer a French 404 page.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from qualipref import versions
from sites import examples
from sites.versions import public_page

from . import opendata, poster, selectors
from .opendata import COLUMNS


def _not_found(request, message="La page demandée n'existe pas ou n'est pas publiée."):
    return render(request, "404.html", {"message": message}, status=404)


@require_safe
def index(request):
    return render(request, "publication/public/index.html", {"departments": selectors.public_departments()})


@require_safe
def department(request, code):
    try:
        dept = selectors.public_department(code)
    except Http404:
        return _not_found(request, "Aucun résultat n'est publié pour ce département.")
    return render(
        request,
        "publication/public/department.html",
        {"department": dept, "sites": selectors.public_sites(dept)},
    )


def _site_context(site):
    snapshot = selectors.latest_snapshot(site)
    return {
        "site": site,
        "snapshot": snapshot,
        "sections": selectors.sections_of(snapshot),
        "label_scopes": selectors.label_scopes(site),
        "reception_points": selectors.reception_points(site),
    }


def _site_or_none(code):
    try:
        site = selectors.public_site(code)
    except Http404:
        return None
    versions.remember({site.entity.department_id: site.data_counter}, site.data_counter_every)
    return site


@require_safe
def site(request, site_code):
    site = _site_or_none(site_code)
    if site is None:
        return _not_found(
            request, "Ce site n'existe pas. Vérifiez l'adresse ou repartez de la liste des sites."
        )

    def page():
        context = _site_context(site)
        context.update(
            feedback_url=poster.feedback_path(site),
            complaint_url=poster.complaint_path(site),
            earlier=selectors.earlier_snapshots(site, exclude=context["snapshot"]),
        )
        return render(request, "publication/public/site.html", context)

    # kept until a write on the site's département (a publication, its data) or the next day
    return public_page(request, site.entity.department_id, page)


@require_safe
def site_poster(request, site_code):
    site = _site_or_none(site_code)
    if site is None:
        return _not_found(request, "Ce site n'existe pas.")
    context = _site_context(site)
    pdf = poster.poster_pdf(
        poster.poster_context(site, context["snapshot"], context["sections"], context["label_scopes"])
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="affiche-{slugify(site.code)}.pdf"'
    return response


def _open_data(site):
    return opendata.rows(selectors.open_data_figures(site), site)


@require_safe
def site_csv(request, site_code):
    site = _site_or_none(site_code)
    if site is None:
        return _not_found(request, "Ce site n'existe pas.")
    response = HttpResponse(opendata.to_csv(_open_data(site)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="resultats-{slugify(site.code)}.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def site_json(request, site_code):
    site = _site_or_none(site_code)
    if site is None:
        return _not_found(request, "Ce site n'existe pas.")
    response = HttpResponse(
        opendata.to_json(_open_data(site), site), content_type="application/json; charset=utf-8"
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def open_data_doc(request):
    from . import collect

    codes = [
        (collect.CODE_ON_TIME, "Part des réclamations ayant reçu une réponse dans le délai annoncé", "%"),
        (collect.CODE_MEAN_DAYS, "Délai moyen de réponse aux réclamations", "jours"),
        (
            collect.CODE_PICK_UP,
            "Taux de décroché : appels pris par un agent ÷ appels ayant demandé un agent",
            "%",
        ),
        (collect.CODE_WAITING, "Temps d'attente moyen au guichet", "minutes"),
        (
            f"{collect.SATISFACTION_PREFIX}<critère>",
            "Part des usagers satisfaits ou très satisfaits sur un critère de l'enquête "
            "(par exemple satisfaction-courtoisie, satisfaction-attente)",
            "%",
        ),
    ]
    return render(
        request,
        "publication/public/open_data.html",
        {
            "columns": COLUMNS,
            "codes": codes,
            "format_name": opendata.FORMAT_NAME,
            "format_version": opendata.FORMAT_VERSION,
            "departments": selectors.public_departments(),
            "example_site": examples.SITE_CODE,
        },
    )
