"""Setting a département up in the app's own pages: the label and rules settings page (referential and
label scope per entity, answer deadlines with a live example) and the home page's first-run checklist.

The page composes the referential (label scopes), the complaints (deadline rules) and the indicators
(default indicators created when the referential is chosen), so it lives here, above them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from complaints import services as complaint_services
from complaints.deadline_rule import EXAMPLE_RECEIPT, example_sentence, french_date, rule_keys
from complaints.forms import DeadlineRulesForm
from complaints.models import Correspondence, Kind
from indicators.defaults import apply_default_indicators
from indicators.models import Measurement
from qualipref.sqlcache import SQLCache
from referential import services as referential_services
from referential.models import LabelScope, Module, Parameter, Referential
from referential.selectors import current_referential, referentials
from sites.access import MANAGE, managed_departments, scope_for
from sites.models import Department, Entity, Membership, Role, Site
from surveys.models import Result

NOT_A_MANAGER = "Seule la chargée de mission qualité du département règle son label et ses délais."


def _department(request) -> Department:
    """The département set up: the one the user manages, or the one named (404 outside the scope)."""
    scope = scope_for(request.user)
    managed, readable = scope.ids("department", MANAGE), scope.ids("department")
    raw = request.GET.get("departement") or request.POST.get("departement")
    if raw:
        if not raw.isdigit() or int(raw) not in readable:
            raise Http404("Département introuvable.")
        if int(raw) not in managed:
            raise PermissionDenied(NOT_A_MANAGER)
        return Department.objects.get(pk=int(raw))
    if not managed:
        raise PermissionDenied(NOT_A_MANAGER)
    return Department.objects.filter(pk__in=sorted(managed)).order_by("code").first()


def _chosen_referential(data, department) -> Referential | None:
    """The referential shown: the one asked for, else the one the département's entities work under,
    else the one in force (Services Publics+ by default)."""
    raw = data.get("referentiel", "")
    if raw:
        found = Referential.objects.filter(pk=raw).first() if raw.isdigit() else None
        if found is None:
            raise Http404("Référentiel introuvable.")
        return found
    scope = (
        LabelScope.objects.filter(entity__department=department)
        .current(timezone.localdate())
        .select_related("module__referential")
        .order_by("-started_on")
        .first()
    )
    return scope.module.referential if scope else current_referential()


@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request):
    department = _department(request)
    rules = complaint_services.deadline_rules(department)
    rules_form = DeadlineRulesForm(
        request.POST if request.POST.get("section") == "delais" else None, rules=rules
    )
    referential = _chosen_referential(request.POST or request.GET, department)
    entities = list(Entity.objects.filter(department=department).order_by("order", "name"))
    modules = list(Module.objects.filter(referential=referential).order_by("number")) if referential else []
    today = timezone.localdate()
    held = set(
        LabelScope.objects.filter(entity__in=entities, module__in=modules)
        .current(today)
        .values_list("entity_id", "module_id")
    )
    label_errors = []
    if request.method == "POST" and request.POST.get("section") == "label":
        if referential is None:
            label_errors.append("Choisissez un référentiel de la liste.")
        elif not entities:
            label_errors.append("Créez d'abord l'organisation : aucune entité à labelliser.")
        else:
            try:
                added = 0
                for entity in entities:
                    chosen = request.POST.getlist(f"modules-{entity.pk}")
                    if not all(c.isdigit() for c in chosen):
                        raise ValidationError("Choisissez des modules de la liste.")
                    added += referential_services.label_scope_set(
                        entity=entity, referential=referential, module_ids=chosen, by=request.user
                    )[0]
                applied = apply_default_indicators(department, referential=referential, by=request.user)
            except ValidationError as exc:
                label_errors += exc.messages
            else:
                messages.success(
                    request,
                    f"Label enregistré sous « {referential} ». "
                    f"{applied.indicators} indicateur(s) et {applied.targets} cible(s) ajouté(s) "
                    "au tableau de bord.",
                )
                return redirect(_url(department))
    if request.method == "POST" and request.POST.get("section") == "delais" and rules_form.is_valid():
        try:
            changed = complaint_services.deadline_rules_set(
                department=department, rules=rules_form.rules(), by=request.user
            )
        except ValidationError as exc:
            rules_form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                "Délais enregistrés : ils s'appliquent aux demandes reçues à partir de maintenant ; "
                "chaque demande déjà enregistrée garde le délai sous lequel elle a été reçue."
                + ("" if changed else " (Aucune valeur n'a changé.)"),
            )
            return redirect(_url(department) + "#delais")
    shown_rules = rules_form.rules() if rules_form.is_bound and rules_form.is_valid() else rules
    return render(
        request,
        "reports/settings.html",
        {
            "department": department,
            "managed": managed_departments(request.user),
            "referentials": referentials(),
            "referential": referential,
            "entities": [
                {
                    "entity": e,
                    "modules": [(m, (e.pk, m.pk) in held or m.mandatory) for m in modules],
                }
                for e in entities
            ],
            "label_errors": label_errors,
            "rules_form": rules_form,
            "examples": [example_sentence(rule, department) for rule in shown_rules],
            "example_day": french_date(EXAMPLE_RECEIPT),
            "breadcrumbs": [("Label et règles", None)],
        },
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@require_safe
def deadline_example(request):
    """The live example, re-computed as the form changes (htmx): one sentence per kind of request."""
    department = _department(request)
    form = DeadlineRulesForm(request.GET, rules=complaint_services.deadline_rules(department))
    sentences = []
    if form.is_valid():
        sentences = [example_sentence(rule, department) for rule in form.rules()]
    errors = [message for messages_ in form.errors.values() for message in messages_]
    return render(
        request, "reports/partials/deadline_examples.html", {"examples": sentences, "errors": errors}
    )


def _url(department) -> str:
    return f"{reverse('setup:settings')}?departement={department.pk}"


# ---- the first-run checklist ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    url: str
    hint: str


def _team_url() -> str:
    """The team page (accounts app) when installed, else the organisation page."""
    try:
        return reverse("accounts:team")
    except NoReverseMatch:
        return reverse("sites:organisation")


_CHECKS = (
    "has_site",
    "has_team",
    "has_label",
    "has_rules",
    "has_requests",
    "has_measurements",
    "has_results",
)
# The checklist's query, compiled once per process and département (qualipref.sqlcache): its seven
# subqueries cost more to build than to run, on every home page of a quality manager. It depends on the
# département's id only (the rules' keys are code); it runs every time, so a step done shows at once.
_COMPILED_CHECKLIST = SQLCache()


def _checklist_queryset(department_id: int):
    deadline_keys = [rule_keys(kind)["days"] for kind in Kind.values]
    in_department = OuterRef("pk")
    return (
        Department.objects.filter(pk=department_id)
        .annotate(
            has_site=Exists(Site.objects.filter(entity__department=in_department)),
            has_team=Exists(
                Membership.objects.filter(department=in_department).exclude(
                    role__in=[Role.QUALITY_MANAGER, Role.ADMIN]
                )
            ),
            has_label=Exists(
                LabelScope.objects.filter(entity__department=in_department, ended_on__isnull=True)
            ),
            has_rules=Exists(Parameter.objects.filter(department=in_department, key__in=deadline_keys)),
            has_requests=Exists(Correspondence.objects.filter(site__entity__department=in_department)),
            has_measurements=Exists(Measurement.objects.filter(site__entity__department=in_department)),
            has_results=Exists(Result.objects.filter(unit__site__entity__department=in_department)),
        )
        .order_by()
        .values("pk", *_CHECKS)
    )


def checklist(user) -> list[Step] | None:
    """The set-up steps of the département the user manages, each ticked from the data itself; None when
    the user manages none or every step is done (the checklist then disappears). One query."""
    managed = sorted(scope_for(user).ids("department", MANAGE))
    if not managed:
        return None
    compiled = _COMPILED_CHECKLIST.get((managed[0],), lambda: _checklist_queryset(managed[0]))
    found = next(iter(compiled.rows()), None)
    if found is None:
        return None
    # SQLite gives 0 and 1 for the subqueries (a plain cursor's rows, without the ORM's converters)
    row = {"pk": found[0], **{key: bool(value) for key, value in zip(_CHECKS, found[1:], strict=True)}}
    settings_url = f"{reverse('setup:settings')}?departement={row['pk']}"
    steps = [
        Step("Organisation", row["has_site"], reverse("sites:organisation_import"),
             "Importez ou saisissez vos entités, sites et points d'accueil."),
        Step("Équipe", row["has_team"], _team_url(),
             "Invitez les référents, agents et membres du comité de pilotage."),
        Step("Label", row["has_label"], settings_url, "Choisissez le référentiel et le périmètre du label."),
        Step("Délais de réponse", row["has_rules"], settings_url + "#delais",
             "Vérifiez et enregistrez les délais de réponse par type de demande."),
        Step("Premières données", any(row[k] for k in ("has_requests", "has_measurements", "has_results")),
             reverse("complaints:correspondence_import"),
             "Importez votre registre des demandes ou vos mesures d'indicateurs."),
    ]  # fmt: skip
    return None if all(s.done for s in steps) else steps
