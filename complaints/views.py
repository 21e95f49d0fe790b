"""Register views: thin (parse, call a service or selector, render or redirect)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qualipref import humandates
from qualipref.attachments.services import attachment_add, attachments_for
from qualipref.excel import xlsx_response
from qualipref.filters import warn_ignored
from qualipref.imports.templates import template_response
from qualipref.imports.views import import_page
from qualipref.lists import paginate, sort_queryset
from qualipref.timeline import Event, history_of, timeline_for
from sites.access import READ, REQUESTS, WRITE, require, scope_for, visible
from sites.models import Department
from sites.versions import kept, kept_page

from . import deadline_rule, exports, imports, selectors, services
from .figures import selection_figures
from .forms import (
    AnswerForm,
    ModelAnswerForm,
    RequestFilter,
    RequestForm,
    TransitionForm,
)
from .models import WORKFLOW, Correspondence, ModelAnswer, Status

SORTS = {
    "reference": "reference",
    "received_on": "received_on",
    "due_on": "due_on",
    "site": "site__name",
    "kind": "kind",
    "status": "status",
}

# Buttons of the detail page: target status → (label, style, needs a date, needs a reason)
TRANSITION_BUTTONS = {
    Status.ACKNOWLEDGED: ("Accuser réception", "outline-primary"),
    Status.WAITING: ("Suspendre (attente du requérant)", "outline-secondary"),
    Status.CLOSED: ("Clôturer", "outline-success"),
}


def _breadcrumbs(*extra):
    return [("Réclamations et demandes", reverse("complaints:correspondence_list")), *extra]


def deadline_state(request_obj: Correspondence, today, soon_days: int = 3) -> tuple[str, str]:
    """(label, badge colour) of the deadline; one colour per meaning: red late, orange soon, green done.

    The days are counted under the request's own rule (`deadline_rule.days_left`: calendar or working days
    of its département), the rule of its due date, and the label says which."""
    if request_obj.status in (Status.ANSWERED, Status.CLOSED):
        if request_obj.answered_on_time is False:
            return "Répondue hors délai", "danger"
        return "Répondue dans le délai", "success"
    if request_obj.status == Status.WAITING:
        return "Délai suspendu", "secondary"
    remaining = deadline_rule.days_left(request_obj, today)
    days = deadline_rule.days_label(abs(remaining), request_obj.deadline_kind)
    if remaining < 0:
        if -remaining > humandates.NEAR_DAYS:  # a date, not thousands of days
            return f"En retard {humandates.since(request_obj.due_on, today)}", "danger"
        return f"En retard de {days}", "danger"
    if remaining <= soon_days:
        return ("Échéance aujourd'hui" if remaining == 0 else f"Échéance dans {days}"), "warning"
    return ngettext("%(days)s restant", "%(days)s restants", remaining) % {"days": days}, "secondary"


def _filtered(request):
    queryset = selectors.correspondences_for_user(request.user)
    request_filter = RequestFilter(request.GET or None, queryset=queryset, user=request.user)
    return request_filter, request_filter.qs


@require_safe
@kept_page
def correspondence_list(request):
    request_filter, queryset = _filtered(request)
    warn_ignored(request, request_filter)
    queryset, sort = sort_queryset(request, queryset, SORTS, "-received_on")
    today = timezone.localdate()
    scope = scope_for(request.user)
    figures = selection_figures(
        user=request.user, queryset=request_filter.qs, site_ids=scope.site_ids(READ), today=today
    )
    # the figures count the selection: the pages are not counted again; rows fetched by id (deferred)
    page = paginate(request, queryset, count=figures["received"], deferred=True)
    for row in page.object_list:
        row.deadline_label, row.deadline_badge = deadline_state(row, today, request_filter.within_days)
    return render(
        request,
        "complaints/correspondence_list.html",
        {
            "filter": request_filter,
            "page_obj": page,
            "sort": sort,
            "figures": figures,
            "can_log": scope.can(REQUESTS),
            "can_write": scope.can(WRITE),
            "breadcrumbs": [("Réclamations et demandes", None)],
        },
    )


@require_safe
def correspondence_export(request):
    _, queryset = _filtered(request)
    queryset = queryset.select_related("site__entity", "created_by").order_by("received_on", "pk")
    return xlsx_response(
        f"registre-demandes-{timezone.localdate():%Y-%m-%d}.xlsx",
        [("Registre", exports.REGISTER_COLUMNS, queryset.iterator(chunk_size=2000))],
    )


@require_http_methods(["GET", "HEAD", "POST"])
def correspondence_create(request):
    require(request.user, REQUESTS)
    form = RequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "site"}
        try:
            obj = services.correspondence_create(site=form.cleaned_data["site"], by=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"Demande {obj.reference} enregistrée ; échéance le {obj.due_on:%d/%m/%Y}."
            )
            return redirect(obj)
    return render(
        request,
        "complaints/correspondence_form.html",
        {"form": form, "title": "Nouvelle demande", "breadcrumbs": _breadcrumbs(("Nouvelle demande", None))},
    )


@require_safe
@kept_page
def correspondence_detail(request, pk):
    obj = selectors.correspondence_for_user(request.user, pk)
    scope = scope_for(request.user)
    can_act = scope.allows(obj, REQUESTS)
    today = timezone.localdate()
    label, badge = deadline_state(obj, today)
    # What the page reads of the request, once per user, scope and day until a write on their départements.
    readings = kept(request.user, f"request|{obj.pk}", lambda: _readings(obj))
    allowed = WORKFLOW.allowed(obj.status)
    buttons = [(status, *TRANSITION_BUTTONS[status]) for status in TRANSITION_BUTTONS if status in allowed]
    return render(
        request,
        "complaints/correspondence_detail.html",
        {
            "obj": obj,
            "deadline_label": label,
            "deadline_badge": badge,
            **readings,
            "can_act": can_act,
            "can_answer": can_act and Status.ANSWERED in allowed,
            "can_resume": can_act and obj.status == Status.WAITING,
            "can_reopen": can_act and obj.status in (Status.ANSWERED, Status.CLOSED),
            "can_start": can_act and obj.status in (Status.RECEIVED, Status.ACKNOWLEDGED),
            "buttons": buttons if can_act else [],
            "attachment_form": can_act,
            "attachment_post_url": reverse("complaints:correspondence_attach", args=[obj.pk]),
            "today": today,
            "breadcrumbs": _breadcrumbs((obj.reference, None)),
        },
    )


def _readings(obj) -> dict:
    """The request's pauses, history (read once for its status changes and its timeline) and attachments."""
    history = history_of(obj)
    return {
        "pauses": list(obj.pauses.all()),
        "timeline": timeline_for(obj, extra=_status_events(history), records=history),
        "attachments": attachments_for(obj),
    }


def _status_events(history) -> list[Event]:
    """One event per status change, from the history records (who and when), labelled in French."""
    events, previous = [], None
    for record in history:
        if previous is not None and record.status != previous:
            events.append(
                Event(
                    when=record.history_date,
                    who=str(record.history_user or "système"),
                    what=f"Statut : {Status(record.status).label}",
                    kind="custom",
                )
            )
        previous = record.status
    return events


@require_http_methods(["GET", "HEAD", "POST"])
def correspondence_edit(request, pk):
    obj = selectors.correspondence_for_user(request.user, pk, perm=REQUESTS)
    form = RequestForm(request.POST or None, instance=obj, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in services.EDITABLE_FIELDS}
        try:
            services.correspondence_update(
                correspondence=Correspondence.objects.get(pk=obj.pk), by=request.user, **fields
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Demande modifiée.")
            return redirect(obj)
    return render(
        request,
        "complaints/correspondence_form.html",
        {
            "form": form,
            "obj": obj,
            "title": f"Modifier {obj.reference}",
            "breadcrumbs": _breadcrumbs((obj.reference, obj.get_absolute_url()), ("Modifier", None)),
        },
    )


@require_POST
def correspondence_transition(request, pk, to):
    obj = selectors.correspondence_for_user(request.user, pk, perm=REQUESTS)
    if to not in Status.values or to == Status.ANSWERED:
        raise Http404
    form = TransitionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, f"Statut inchangé : {message}")
        return redirect(obj)
    try:
        services.correspondence_transition(
            correspondence=obj,
            to=to,
            by=request.user,
            on=form.cleaned_data.get("on"),
            reason=form.cleaned_data.get("reason") or "",
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Statut de {obj.reference} : {Status(to).label}.")
    return redirect(obj)


@require_http_methods(["GET", "HEAD", "POST"])
def correspondence_answer(request, pk):
    obj = selectors.correspondence_for_user(request.user, pk, perm=REQUESTS)
    if Status.ANSWERED not in WORKFLOW.allowed(obj.status):
        messages.error(request, "Cette demande ne peut pas recevoir de réponse dans son statut actuel.")
        return redirect(obj)
    model_answers = selectors.model_answers_for(obj)
    initial = {"answered_on": timezone.localdate(), "answer": obj.answer}
    chosen = request.GET.get("modele")
    if chosen:
        # Without JavaScript: the "Insérer" button reloads the page with ?modele=<id>.
        picked = next((m for m in model_answers if str(m.pk) == chosen), None)
        if picked:
            initial["answer"] = picked.body
    form = AnswerForm(request.POST or None, request_obj=obj, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.correspondence_answer(
                correspondence=obj,
                by=request.user,
                answered_on=form.cleaned_data["answered_on"],
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Réponse à {obj.reference} enregistrée.")
            return redirect(obj)
    return render(
        request,
        "complaints/correspondence_answer.html",
        {
            "obj": obj,
            "form": form,
            "model_answers": model_answers,
            "chosen": chosen,
            "breadcrumbs": _breadcrumbs((obj.reference, obj.get_absolute_url()), ("Répondre", None)),
        },
    )


@require_POST
def correspondence_attach(request, pk):
    obj = selectors.correspondence_for_user(request.user, pk, perm=REQUESTS)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choisissez un fichier à joindre.")
        return redirect(obj)
    try:
        attachment_add(
            parent=obj, by=request.user, upload=upload, description=request.POST.get("description", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Pièce jointe ajoutée.")
    return redirect(obj)


# ---- import -------------------------------------------------------------------------------------------


@require_safe
def import_template(request):
    require(request.user, REQUESTS)
    importer = imports.IMPORTER
    return template_response(importer, importer.prepare(user=request.user, target=None))


@require_http_methods(["GET", "HEAD", "POST"])
def correspondence_import(request):
    require(request.user, REQUESTS)
    return import_page(
        request,
        imports.IMPORTER,
        target=None,
        template_url=reverse("complaints:import_template"),
        breadcrumbs=_breadcrumbs(("Importer un registre", None)),
    )


# ---- model answers -------------------------------------------------------------------------------------


def _writable_departments(user):
    """Model answers are département-wide: only those who write at the département's level (its quality
    managers, administrators) create and edit them; site referents use them, they do not edit them."""
    return Department.objects.filter(pk__in=scope_for(user).ids("department", WRITE))


@require_safe
def model_answer_list(request):
    answers = visible(request.user, ModelAnswer.objects).select_related("department")
    return render(
        request,
        "complaints/model_answer_list.html",
        {
            "answers": answers,
            "can_write": _writable_departments(request.user).exists(),
            "breadcrumbs": _breadcrumbs(("Modèles de réponse", None)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def model_answer_edit(request, pk=None):
    departments = _writable_departments(request.user)
    instance = None
    if pk is not None:
        instance = get_object_or_404(visible(request.user, ModelAnswer.objects), pk=pk)
        if not departments.filter(pk=instance.department_id).exists():
            raise PermissionDenied("Votre rôle ne permet pas de modifier ce modèle.")
    elif not departments.exists():
        raise PermissionDenied("Votre rôle ne permet pas de créer un modèle.")
    form = ModelAnswerForm(request.POST or None, instance=instance, departments=departments)
    if request.method == "POST" and form.is_valid():
        services.model_answer_save(instance=form.save(commit=False), by=request.user)
        messages.success(request, "Modèle de réponse enregistré.")
        return redirect("complaints:model_answer_list")
    return render(
        request,
        "complaints/model_answer_form.html",
        {
            "form": form,
            "title": "Modifier le modèle" if instance else "Nouveau modèle de réponse",
            "breadcrumbs": _breadcrumbs(
                ("Modèles de réponse", reverse("complaints:model_answer_list")), ("Modèle", None)
            ),
        },
    )
