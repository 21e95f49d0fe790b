from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qualipref.attachments.services import attachment_add, attachments_for
from qualipref.filters import warn_ignored
from qualipref.imports.templates import template_response
from qualipref.imports.views import import_page
from qualipref.lists import int_param, paginate, sort_queryset, year_param
from qualipref.timeline import Event, timeline_for
from sites.access import WRITE, require, scope_for, visible
from sites.versions import kept, kept_page

from . import exports, imports, origins, selectors, services
from .filters import ActionFilter
from .forms import (
    ActionForm,
    ActionTransitionForm,
    CommentForm,
    EvidenceForm,
    ImportForm,
    PlanApproveForm,
    PlanForm,
    ProgressForm,
)
from .models import ORIGIN_FIELDS, Action, ActionPlan

SORTS = {
    "due": "due_on",
    "title": "title",
    "entity": "entity__order",
    "status": "status",
    "owner": "owner__last_name",
    "progress": "progress",
}
ERR_NO_RIGHT = "Votre rôle ne permet pas de modifier cette action."


# ---- access -------------------------------------------------------------------------------------------


def _get_action(request, pk):
    return selectors.action_for_user(request.user, pk)


def _get_rw_action(request, pk):
    action = _get_action(request, pk)
    if not selectors.can_write_action(request.user, action):
        raise PermissionDenied(ERR_NO_RIGHT)
    return action


def _form_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _year():
    return timezone.localdate().year


# ---- plans --------------------------------------------------------------------------------------------


@require_safe
def plan_list(request):
    plans = selectors.plans_for_user(request.user)
    if year := year_param(request):
        plans = plans.filter(year=year)
    years = sorted(
        set(visible(request.user, ActionPlan.objects).values_list("year", flat=True)), reverse=True
    )
    return render(
        request,
        "actionplans/plan_list.html",
        {
            "plans": list(plans.order_by("-year", "entity__order")),
            "years": years,
            "year": year,
            "can_write": bool(selectors.writable_entity_ids(request.user)),
            "breadcrumbs": [("Plans d'actions", None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def plan_create(request):
    require(request.user, WRITE)
    entity_ids = scope_for(request.user).ids("entity", WRITE)
    form = PlanForm(request.POST or None, entity_ids=entity_ids, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"{plan} créé.")
            return redirect(plan)
    return render(
        request,
        "actionplans/form.html",
        {
            "form": form,
            "title": "Nouveau plan d'actions",
            "breadcrumbs": [("Plans d'actions", reverse("actionplans:plan_list")), ("Nouveau plan", None)],
        },
    )


@require_safe
def plan_detail(request, pk):
    plan = selectors.plan_for_user(request.user, pk)
    actions = list(
        selectors.actions_for_user(request.user).filter(plan=plan).order_by("status", "due_on", "pk")
    )
    next_plan = ActionPlan.objects.filter(entity=plan.entity, year=plan.year + 1).first()
    outlook_actions = (
        list(selectors.actions_for_user(request.user).filter(plan=next_plan).order_by("due_on", "pk"))
        if next_plan
        else []
    )
    can_write = scope_for(request.user).allows(plan, WRITE)
    counts = {
        "total": len([a for a in actions if a.status != Action.Status.CANCELLED]),
        "done": len([a for a in actions if a.status in Action.DONE_STATUSES]),
        "overdue": len([a for a in actions if a.is_overdue]),
    }
    return render(
        request,
        "actionplans/plan_detail.html",
        {
            "plan": plan,
            "actions": actions,
            "counts": counts,
            "next_plan": next_plan,
            "outlook_actions": outlook_actions,
            "can_write": can_write,
            "can_add": plan.entity_id in selectors.writable_entity_ids(request.user),
            "approve_form": PlanApproveForm(initial={"approved_on": timezone.localdate()}),
            "allowed": ActionPlan.WORKFLOW.allowed(plan.status),
            "timeline": timeline_for(plan),
            "import_form": ImportForm(),
            **selectors.loop_panel(request.user, entity=plan.entity),
            "breadcrumbs": [("Plans d'actions", reverse("actionplans:plan_list")), (str(plan), None)],
        },
    )


@require_POST
def plan_transition(request, pk):
    plan = selectors.plan_for_user(request.user, pk, perm=WRITE)
    target = request.POST.get("target", "")
    form = PlanApproveForm(request.POST) if target == ActionPlan.Status.APPROVED else None
    kwargs = {}
    if form is not None and plan.status == ActionPlan.Status.DRAFT:
        if not form.is_valid():
            messages.error(request, "Indiquez la date d'approbation du plan par le comité de pilotage.")
            return redirect(plan)
        kwargs = form.cleaned_data
    try:
        plan = services.plan_transition(plan=plan, target=target, by=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Plan : {plan.get_status_display().lower()}.")
    return redirect(plan)


@require_POST
def plan_next(request, pk):
    """Create (or open) the outlook plan: the same entity's plan for the next year."""
    plan = selectors.plan_for_user(request.user, pk, perm=WRITE)
    next_plan = services.plan_get_or_create(entity=plan.entity, year=plan.year + 1, by=request.user)
    messages.success(request, f"Perspectives {next_plan.year} : ajoutez-y les actions prévues.")
    return redirect(next_plan)


@require_safe
def plan_export(request, pk):
    plan = selectors.plan_for_user(request.user, pk)
    actions = selectors.actions_for_user(request.user).filter(plan=plan).prefetch_related("contributors")
    actions = actions.select_related("engagement", *ORIGIN_FIELDS.values()).order_by("due_on", "pk")
    return exports.actions_xlsx(actions, f"plan-actions-{plan.entity.code}-{plan.year}.xlsx")


@require_http_methods(["GET", "HEAD", "POST"])
def plan_import(request, pk):
    plan = selectors.plan_for_user(request.user, pk, perm=WRITE)
    return import_page(
        request,
        imports.IMPORTER,
        target=plan,
        template_url=f"{reverse('actionplans:import_template')}?plan={plan.pk}",
        breadcrumbs=[
            ("Plans d'actions", reverse("actionplans:plan_list")),
            (str(plan), plan.get_absolute_url()),
            ("Import", None),
        ],
    )


@require_safe
def import_template(request):
    """The template for one plan (?plan=…: its entity's sites, its year), else from the user's scope."""
    plan_id = int_param(request, "plan")
    plans = visible(request.user, ActionPlan.objects.select_related("entity__department"))
    plan = plans.filter(pk=plan_id).first() if plan_id else None
    return template_response(imports.IMPORTER, imports.IMPORTER.prepare(user=request.user, target=plan))


# ---- actions ------------------------------------------------------------------------------------------


def _filtered(request):
    queryset = selectors.actions_for_user(request.user)
    action_filter = ActionFilter(request.GET or None, queryset=queryset, user=request.user)
    return action_filter, action_filter.qs


@require_safe
@kept_page
def action_list(request):
    action_filter, queryset = _filtered(request)
    warn_ignored(request, action_filter)
    queryset, sort = sort_queryset(request, queryset, SORTS, "-due")
    page = paginate(request, queryset)
    return render(
        request,
        "actionplans/action_list.html",
        {
            "filter": action_filter,
            "sort": sort,
            "page_obj": page,
            "actions": page.object_list,
            "can_write": bool(selectors.writable_entity_ids(request.user)),
            "export_url": reverse("actionplans:action_export"),
            "breadcrumbs": [("Actions", None)],
        },
    )


@require_safe
def action_board(request):
    action_filter, queryset = _filtered(request)
    warn_ignored(request, action_filter)
    columns = selectors.board_columns(queryset.order_by("due_on", "pk")[:500])
    return render(
        request,
        "actionplans/action_board.html",
        {
            "filter": action_filter,
            "columns": columns,
            "can_write": bool(selectors.writable_entity_ids(request.user)),
            "breadcrumbs": [("Actions", reverse("actionplans:action_list")), ("Tableau par statut", None)],
        },
    )


@require_safe
def my_actions(request):
    actions = list(selectors.my_actions(request.user).order_by("status", "due_on", "pk"))
    open_actions = [a for a in actions if a.is_open]
    closed = [a for a in actions if not a.is_open][:20]
    return render(
        request,
        "actionplans/my_actions.html",
        {
            "open_actions": open_actions,
            "closed_actions": closed,
            "breadcrumbs": [("Actions", reverse("actionplans:action_list")), ("Mes actions", None)],
        },
    )


@require_safe
def action_export(request):
    _action_filter, queryset = _filtered(request)
    queryset = queryset.select_related("engagement", *ORIGIN_FIELDS.values()).prefetch_related("contributors")
    return exports.actions_xlsx(queryset.order_by("due_on", "pk"))


@require_http_methods(["GET", "HEAD", "POST"])
def action_create(request):
    entity_ids = selectors.writable_entity_ids(request.user)
    if not entity_ids:
        raise PermissionDenied("Votre rôle ne permet pas de créer une action.")
    initial = {}
    origin_kind, origin_id = request.GET.get("origin_kind"), request.GET.get("origin_id")
    origin_label = ""
    if origin_kind:
        origin = origins.load(origin_kind, origin_id)
        if origin is None or not origins.readable_by(origin_kind, origin, request.user):
            raise Http404
        initial = origins.prefill(origin_kind, origin)
        origin_label = origins.describe(origin_kind, origin)
    plan = None
    if plan_id := int_param(request, "plan"):
        plan = selectors.plan_for_user(request.user, plan_id)
        initial.setdefault("entity", plan.entity_id)
    form = ActionForm(request.POST or None, user=request.user, entity_ids=entity_ids, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("origin_id", None)
        sites, contributors = list(data.pop("sites")), list(data.pop("contributors"))
        if plan is not None and plan.entity_id != data["entity"].pk:
            plan = None
        if not _may_create(request.user, data["entity"], sites):
            form.add_error("sites", "Choisissez au moins un des sites dont vous êtes référent(e).")
        else:
            try:
                action = services.action_create(
                    by=request.user,
                    sites=sites,
                    contributors=contributors,
                    plan=plan,
                    origin=form.origin,
                    **data,
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, "Action créée.")
                return redirect(action)
    return render(
        request,
        "actionplans/action_form.html",
        {
            "form": form,
            "title": "Nouvelle action",
            "origin_label": origin_label,
            "breadcrumbs": [("Actions", reverse("actionplans:action_list")), ("Nouvelle action", None)],
        },
    )


def _may_create(user, entity, sites) -> bool:
    return scope_for(user).holds(WRITE, entity_id=entity.pk, site_ids=[s.pk for s in sites])


@require_http_methods(["GET", "HEAD", "POST"])
def action_update(request, pk):
    action = _get_rw_action(request, pk)
    entity_ids = selectors.writable_entity_ids(request.user) | {action.entity_id}
    initial = {"origin_id": action.origin.pk if action.origin is not None else None}
    form = ActionForm(
        request.POST or None, instance=action, user=request.user, entity_ids=entity_ids, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("origin_id", None)
        sites, contributors = list(data.pop("sites")), list(data.pop("contributors"))
        origin_kind = data.pop("origin_kind")
        try:
            action.refresh_from_db()
            services.action_update(
                action=action,
                by=request.user,
                sites=sites,
                contributors=contributors,
                origin_kind=origin_kind,
                origin=form.origin,
                **data,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Action modifiée.")
            return redirect(action)
    return render(
        request,
        "actionplans/action_form.html",
        {
            "form": form,
            "title": f"Modifier : {action}",
            "action": action,
            "breadcrumbs": [
                ("Actions", reverse("actionplans:action_list")),
                (str(action)[:60], action.get_absolute_url()),
                ("Modifier", None),
            ],
        },
    )


@require_safe
@kept_page
def action_detail(request, pk):
    return _action_page(request, pk)


def _action_readings(action) -> dict:
    """The action's origin, comments (in its history too), evidence and history."""
    comments = list(action.comments.select_related("author"))
    extra = [
        Event(c.created_at, str(c.author or "—"), "Commentaire", c.text[:120], kind="custom")
        for c in comments
    ]
    return {
        "origin": action.origin,
        "comments": comments,
        "attachments": attachments_for(action),
        "timeline": timeline_for(action, extra=extra),
    }


def _action_page(request, pk, *, transition_form=None):
    """The action's page; a refused status change (a POST) shows it again with the form's errors."""
    action = _get_action(request, pk)
    can_write = selectors.can_write_action(request.user, action)
    # What the page reads of the action, once per user, scope and day until a write on their départements.
    readings = kept(request.user, f"action|{action.pk}", lambda: _action_readings(action))
    return render(
        request,
        "actionplans/action_detail.html",
        {
            **readings,
            "action": action,
            "can_write": can_write,
            "allowed": [
                (s, Action.Status(s).label)
                for s, _label in Action.Status.choices
                if s in Action.WORKFLOW.allowed(action.status)
            ],
            "transition_form": transition_form
            or ActionTransitionForm(initial={"completed_on": timezone.localdate()}),
            "progress_form": ProgressForm(initial={"progress": action.progress}),
            "comment_form": CommentForm(),
            "attachment_form": can_write,
            "attachment_post_url": reverse("actionplans:action_evidence", args=[action.pk]),
            "breadcrumbs": [
                ("Plans d'actions", reverse("actionplans:plan_list")),
                (str(action.plan), action.plan.get_absolute_url()),
                (str(action)[:60], None),
            ],
        },
    )


@require_POST
def action_transition(request, pk):
    action = _get_rw_action(request, pk)
    form = ActionTransitionForm(request.POST)
    if form.is_valid():
        try:
            action = services.action_transition(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Action : {action.get_status_display().lower()}.")
            return redirect(action)
    messages.error(
        request, "Le statut n'a pas changé : " + " ".join(m for ms in form.errors.values() for m in ms)
    )
    response = _action_page(request, pk, transition_form=form)
    response.status_code = 400
    return response


@require_POST
def action_progress(request, pk):
    action = _get_rw_action(request, pk)
    form = ProgressForm(request.POST)
    if form.is_valid() and action.is_open:
        services.action_progress_set(action=action, progress=form.cleaned_data["progress"], by=request.user)
        messages.success(request, "Avancement enregistré.")
    else:
        messages.error(request, "L'avancement est un pourcentage entre 0 et 100, sur une action en cours.")
    return redirect(action)


@require_POST
def action_comment(request, pk):
    action = _get_action(request, pk)
    if not selectors.can_write_action(request.user, action) and action.owner_id != request.user.pk:
        raise PermissionDenied(ERR_NO_RIGHT)
    form = CommentForm(request.POST)
    if form.is_valid():
        services.action_comment_add(action=action, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, "Commentaire ajouté.")
    else:
        messages.error(request, "Le commentaire est vide.")
    return redirect(action)


@require_POST
def action_evidence(request, pk):
    action = _get_rw_action(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(
                parent=action,
                by=request.user,
                upload=form.cleaned_data["file"],
                url=form.cleaned_data["url"] or "",
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Preuve jointe à l'action.")
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect(action)


@require_safe
def loop(request):
    """The closing-the-loop panel alone (htmx or a full page)."""
    context = selectors.loop_panel(request.user, limit=50)
    context["breadcrumbs"] = [("Actions", reverse("actionplans:action_list")), ("Boucler la boucle", None)]
    return render(request, "actionplans/loop.html", context)
