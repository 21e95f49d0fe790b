from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qualipref.excel import Column, xlsx_response
from qualipref.filters import choice_param, notify, object_param
from qualipref.imports.templates import template_response
from qualipref.imports.views import import_page
from qualipref.lists import paginate, sort_queryset
from qualipref.timeline import timeline_for
from sites.access import WRITE, scope_for
from sites.versions import kept_page

from .. import imports, selectors, services, training_rules
from ..forms import AgentForm, TrainingForm
from ..models import Agent, Training
from .common import crumbs, form_page, get_scoped


def _status(agent, today):
    if not agent.reception_duties or agent.left_on:
        return "", "Sans mission d'accueil" if not agent.left_on else "Parti(e)"
    status = training_rules.agent_status(agent.training_due_on, today)
    return training_rules.BADGES[status], training_rules.LABELS[status]


STATES = [("a-renouveler", "À renouveler dans les 3 mois"), ("hors-delai", "Hors délai")]


@require_safe
@kept_page
def training_list(request):
    today = timezone.localdate()
    site_ids = scope_for(request.user).site_ids()
    compliance = selectors.compliance_by_site(site_ids, today)
    years = compliance[0].years if compliance else services.DEFAULT_TRAINING_YEARS
    agents = selectors.agents_for_user(request.user)
    sites = [row.site for row in compliance]  # the user's sites, in order: read with the compliance
    notices = []
    site = object_param(request, "site", sites, "Site", notices)
    state = choice_param(request, "etat", STATES, "État", notices)
    notify(request, notices)
    if site is not None:
        agents = agents.filter(site=site)
    soon = today + relativedelta(months=training_rules.DUE_SOON_MONTHS)
    if state == "a-renouveler":
        agents = agents.filter(
            reception_duties=True, left_on__isnull=True, training_due_on__gt=today, training_due_on__lte=soon
        )
    elif state == "hors-delai":
        agents = agents.filter(reception_duties=True, left_on__isnull=True).exclude(training_due_on__gt=today)
    agents, sort = sort_queryset(
        request,
        agents,
        {"nom": "last_name", "site": "site__name", "echeance": "training_due_on", "poste": "took_post_on"},
        "nom",
    )
    page = paginate(request, agents)
    for agent in page:
        agent.badge, agent.status_label = _status(agent, today)
    return render(
        request,
        "steering/training_list.html",
        {
            "compliance": compliance,
            "years": years,
            "page_obj": page,
            "sort": sort,
            "site": site,
            "state": state,
            "states": STATES,
            "sites": sites,
            "today": today,
            "can_write": scope_for(request.user).can(WRITE),
            "breadcrumbs": crumbs(
                ("Registres des modules", "steering:register_list"), ("Formations des agents", None)
            ),
        },
    )


@require_safe
def training_export(request):
    trainings = selectors.trainings_for_user(request.user).order_by(
        "agent__site__name", "agent__last_name", "-trained_on"
    )
    agents = selectors.agents_for_user(request.user).order_by("site__name", "last_name")
    return xlsx_response(
        "formations.xlsx",
        [
            (
                "Formations",
                [
                    Column("Site", lambda t: t.agent.site.code, 16),
                    Column("Nom", lambda t: t.agent.last_name, 18),
                    Column("Prénom", lambda t: t.agent.first_name, 16),
                    Column("Thème", lambda t: t.get_topic_display(), 30),
                    Column("Date", lambda t: t.trained_on, 12),
                    Column("Organisme", lambda t: t.provider, 22),
                    Column("Intitulé", lambda t: t.title, 30),
                ],
                trainings,
            ),
            (
                "Agents",
                [
                    Column("Site", lambda a: a.site.name, 16),
                    Column("Nom", lambda a: a.last_name, 18),
                    Column("Prénom", lambda a: a.first_name, 16),
                    Column("Fonction", lambda a: a.job_title, 24),
                    Column("Missions d'accueil", lambda a: a.reception_duties, 10),
                    Column("Prise de poste", lambda a: a.took_post_on, 12),
                    Column("Départ", lambda a: a.left_on, 12),
                    Column("Dernière formation à l'accueil", lambda a: a.last_reception_training, 14),
                    Column("Formation à renouveler avant", lambda a: a.training_due_on, 14),
                ],
                agents,
            ),
        ],
    )


@require_safe
def training_import_template(request):
    return template_response(imports.TRAININGS, imports.TRAININGS.prepare(user=request.user, target=None))


@require_http_methods(["GET", "HEAD", "POST"])
def training_import(request):
    if not scope_for(request.user).can(WRITE):
        raise PermissionDenied("Votre rôle ne permet pas d'importer des formations.")
    return import_page(
        request,
        imports.TRAININGS,
        target=None,
        template_url=reverse("steering:training_import_template"),
        breadcrumbs=crumbs(("Formations des agents", "steering:training_list"), ("Import", None)),
    )


@require_safe
@kept_page
def agent_detail(request, pk):
    agent = get_scoped(Agent, request.user, pk, queryset=Agent.objects.select_related("site", "user"))
    writable = scope_for(request.user).allows(agent, WRITE)
    today = timezone.localdate()
    agent.badge, agent.status_label = _status(agent, today)
    return render(
        request,
        "steering/agent_detail.html",
        {
            "agent": agent,
            "trainings": agent.trainings.order_by("-trained_on"),
            "can_write": writable,
            "training_form": TrainingForm(initial={"topic": Training.Topic.RECEPTION}) if writable else None,
            "timeline": timeline_for(agent),
            "breadcrumbs": crumbs(("Formations des agents", "steering:training_list"), (str(agent), None)),
        },
    )


def _agent_form(request, form, title, cancel_url):
    return form_page(
        request,
        form,
        title=title,
        cancel_url=cancel_url,
        trail=[("Formations des agents", "steering:training_list")],
        save=lambda agent: services.agent_save(agent=agent, by=request.user),
        success=lambda agent: f"Fiche de {agent} enregistrée.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def agent_create(request):
    if not scope_for(request.user).can(WRITE):
        raise PermissionDenied("Votre rôle ne permet pas d'ajouter un agent.")
    form = AgentForm(request.POST or None, user=request.user)
    return _agent_form(request, form, "Nouvel agent", reverse("steering:training_list"))


@require_http_methods(["GET", "HEAD", "POST"])
def agent_update(request, pk):
    agent = get_scoped(Agent, request.user, pk, write=True)
    form = AgentForm(request.POST or None, instance=agent, user=request.user)
    return _agent_form(request, form, f"Modifier la fiche de {agent}", agent.get_absolute_url())


@require_POST
def training_add(request, pk):
    agent = get_scoped(Agent, request.user, pk, write=True, queryset=Agent.objects.select_related("site"))
    form = TrainingForm(request.POST)
    form.instance.agent = agent
    if form.is_valid():
        try:
            services.training_add(agent=agent, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, "Formation enregistrée.")
            return redirect(agent)
    else:
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return redirect(agent)


@require_POST
def training_delete(request, pk):
    training = get_object_or_404(Training.objects.select_related("agent"), pk=pk)
    agent = get_scoped(Agent, request.user, training.agent_id, write=True)
    services.training_delete(training=training, by=request.user)
    messages.success(request, "Formation supprimée.")
    return redirect(agent)
