"""The module registers without a deadline, described as data: one list / form / export for each."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qualipref.excel import Column, xlsx_response
from qualipref.imports.templates import template_response
from qualipref.imports.views import import_page
from qualipref.lists import paginate, sort_queryset, year_param
from qualipref.timeline import timeline_for
from sites.access import WRITE, scope_for, visible
from sites.models import Department

from .. import imports, services
from ..forms import (
    CrisisExerciseForm,
    LabelEventForm,
    NewsletterForm,
    PressReleaseForm,
    SocialMediaCountForm,
)
from ..models import CrisisExercise, LabelEvent, Newsletter, PressRelease, SocialMediaCount
from .common import crumbs, form_page, get_scoped


@dataclass
class Register:
    slug: str
    title: str
    singular: str
    module_label: str
    model: type
    form: type
    date_field: str
    columns: list[Column]
    sort: dict[str, str]
    default_sort: str
    description: str = ""
    importable: bool = False
    extra: dict = field(default_factory=dict)


def _yes_no(value):
    return "oui" if value else "non"


REGISTERS = {
    r.slug: r
    for r in [
        Register(
            "communiques",
            "Communiqués de crise",
            "communiqué de crise",
            "Module 7",
            PressRelease,
            PressReleaseForm,
            "issued_on",
            [
                Column("Date", lambda o: o.issued_on, 12),
                Column("Événement", lambda o: o.event, 40),
                Column("Canal", lambda o: o.channel, 22),
                Column("Texte", lambda o: o.text, 80),
            ],
            {"date": "issued_on", "evenement": "event", "canal": "channel"},
            "-date",
            "Le registre des communiqués de crise depuis le début de l'année.",
            importable=True,
        ),
        Register(
            "exercices",
            "Exercices de crise",
            "exercice de crise",
            "Module 7",
            CrisisExercise,
            CrisisExerciseForm,
            "held_on",
            [
                Column("Date", lambda o: o.held_on, 12),
                Column("Scénario", lambda o: o.scenario, 40),
                Column("CIP activée", lambda o: o.cip_activated, 12),
                Column("Retour d'expérience", lambda o: o.lessons, 80),
            ],
            {"date": "held_on", "scenario": "scenario", "cip": "cip_activated"},
            "-date",
            "Exercices avec ou sans activation de la cellule d'information du public (CIP).",
        ),
        Register(
            "lettres",
            "Lettres d'information",
            "numéro",
            "Communication",
            Newsletter,
            NewsletterForm,
            "published_on",
            [
                Column("Titre", lambda o: o.title, 24),
                Column("Numéro", lambda o: o.number, 10),
                Column("Publié le", lambda o: o.published_on, 12),
                Column("Sommaire", lambda o: o.summary, 60),
            ],
            {"date": "published_on", "numero": "number"},
            "-date",
            "Les numéros des lettres internes du département.",
        ),
        Register(
            "reseaux-sociaux",
            "Publications sur les réseaux sociaux",
            "relevé mensuel",
            "Communication",
            SocialMediaCount,
            SocialMediaCountForm,
            "month",
            [
                Column("Mois", lambda o: o.month, 12),
                Column("Réseau", lambda o: o.get_network_display(), 14),
                Column("Publications", lambda o: o.posts, 14),
            ],
            {"date": "month", "reseau": "network", "publications": "posts"},
            "-date",
            "Le nombre de publications par mois (tweets du compte de la préfecture…).",
            extra={"date_format": "F Y"},
        ),
        Register(
            "evenements",
            "Événements de la démarche",
            "événement",
            "Pilotage",
            LabelEvent,
            LabelEventForm,
            "happened_on",
            [
                Column("Date", lambda o: o.happened_on, 12),
                Column("Type", lambda o: o.get_kind_display(), 24),
                Column("Intitulé", lambda o: o.title, 60),
                Column("Précisions", lambda o: o.detail, 60),
            ],
            {"date": "happened_on", "type": "kind"},
            "-date",
            "Les faits marquants du pilotage, repris dans le bilan annuel.",
        ),
    ]
}


PLURALS = {
    "communiques": "communiqués de crise",
    "exercices": "exercices de crise",
    "lettres": "numéros",
    "evenements": "événements",
}


def _register(slug) -> Register:
    if slug not in REGISTERS:
        raise Http404
    return REGISTERS[slug]


def _year(request):
    return year_param(request, "annee")


@require_safe
def register_list(request):
    """Overview: each register with its count for the year, and the trainings' register."""
    data_years = {d.year for d in visible(request.user, PressRelease.objects).dates("issued_on", "year")} | {
        d.year for d in visible(request.user, Newsletter.objects).dates("published_on", "year")
    }
    # by default the latest year with entries (the demo's registers are those of 2015)
    year = _year(request) or max(data_years, default=timezone.localdate().year)
    years = sorted(data_years | {timezone.localdate().year, year}, reverse=True)
    cards = []
    for r in REGISTERS.values():
        qs = visible(request.user, r.model.objects)
        in_year = qs.filter(**{f"{r.date_field}__year": year})
        if r.model is SocialMediaCount:
            figure = in_year.aggregate(n=Sum("posts"))["n"] or 0
            figure_label = "publications"
        else:
            figure = in_year.aggregate(n=Count("pk"))["n"]
            figure_label = PLURALS.get(r.slug, r.singular) if figure > 1 else r.singular
        cards.append({"register": r, "figure": figure, "figure_label": figure_label})
    return render(
        request,
        "steering/register_list.html",
        {
            "cards": cards,
            "year": year,
            "years": years,
            "breadcrumbs": crumbs(("Pilotage", None), ("Registres des modules", None)),
        },
    )


@require_safe
def register_entries(request, slug):
    r = _register(slug)
    entries = visible(request.user, r.model.objects).select_related("department")
    year = _year(request)
    if year:
        entries = entries.filter(**{f"{r.date_field}__year": year})
    entries, sort = sort_queryset(request, entries, r.sort, r.default_sort)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"{r.slug}.xlsx", [(r.title, r.columns, entries)])
    page = paginate(request, entries)
    rows = [(entry, [c.value(entry) for c in r.columns]) for entry in page]
    return render(
        request,
        "steering/register_entries.html",
        {
            "register": r,
            "page_obj": page,
            "rows": rows,
            "headers": [c.header for c in r.columns],
            "sort": sort,
            "date_fmt": r.extra.get("date_format", "j F Y"),
            "year": year or "",
            "years": sorted(
                {d.year for d in visible(request.user, r.model.objects).dates(r.date_field, "year")},
                reverse=True,
            ),
            "total_posts": entries.aggregate(n=Sum("posts"))["n"] if r.model is SocialMediaCount else None,
            "can_write": bool(scope_for(request.user).ids("department", WRITE)),
            "breadcrumbs": crumbs(("Registres des modules", "steering:register_list"), (r.title, None)),
        },
    )


def _form_page(request, r, form, title, cancel_url):
    return form_page(
        request,
        form,
        title=title,
        cancel_url=cancel_url,
        trail=[
            ("Registres des modules", "steering:register_list"),
            (r.title, reverse("steering:register_entries", args=[r.slug])),
        ],
        save=lambda entry: services.register_entry_save(entry=entry, by=request.user),
        success=lambda entry: f"{r.singular.capitalize()} enregistré(e) : {entry}.",
        done=lambda entry: reverse("steering:register_entries", args=[r.slug]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def register_create(request, slug):
    r = _register(slug)
    if not scope_for(request.user).ids("department", WRITE):
        raise PermissionDenied("Votre rôle ne permet pas de compléter ce registre.")
    form = r.form(request.POST or None, user=request.user)
    return _form_page(
        request, r, form, f"Nouveau : {r.singular}", reverse("steering:register_entries", args=[slug])
    )


@require_http_methods(["GET", "HEAD", "POST"])
def register_update(request, slug, pk):
    r = _register(slug)
    entry = get_scoped(r.model, request.user, pk, write=True)
    form = r.form(request.POST or None, instance=entry, user=request.user)
    return _form_page(
        request, r, form, f"Modifier : {entry}", reverse("steering:register_entries", args=[slug])
    )


@require_safe
def register_detail(request, slug, pk):
    r = _register(slug)
    entry = get_scoped(r.model, request.user, pk)
    return render(
        request,
        "steering/register_detail.html",
        {
            "register": r,
            "entry": entry,
            "fields": [(c.header, c.value(entry)) for c in r.columns],
            "can_write": scope_for(request.user).allows(entry, WRITE),
            "timeline": timeline_for(entry),
            "breadcrumbs": crumbs(
                ("Registres des modules", "steering:register_list"),
                (r.title, reverse("steering:register_entries", args=[slug])),
                (str(entry), None),
            ),
        },
    )


@require_POST
def register_delete(request, slug, pk):
    r = _register(slug)
    entry = get_scoped(r.model, request.user, pk, write=True)
    services.register_entry_delete(entry=entry, by=request.user)
    messages.success(request, f"Supprimé : {entry}.")
    return redirect("steering:register_entries", slug=slug)


def _press_department(request):
    department = imports.writable_department(request.user)
    if department is None:
        raise PermissionDenied("Votre rôle ne permet pas d'importer des communiqués.")
    return department


@require_safe
def press_import_template(request):
    department = (
        imports.writable_department(request.user) or visible(request.user, Department.objects).first()
    )
    return template_response(imports.PRESS, imports.PRESS.prepare(user=request.user, target=department))


@require_http_methods(["GET", "HEAD", "POST"])
def press_import(request):
    return import_page(
        request,
        imports.PRESS,
        target=_press_department(request),
        template_url=reverse("steering:press_import_template"),
        breadcrumbs=crumbs(
            ("Registres des modules", "steering:register_list"),
            ("Communiqués de crise", reverse("steering:register_entries", args=["communiques"])),
            ("Import", None),
        ),
    )
