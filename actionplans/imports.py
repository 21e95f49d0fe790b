"""Import the actions of a plan: columns, row form and row service (template, matching, report, background
run, once per file: qualipref.imports). An action identifies itself in its plan by its title and due date,
under a database constraint (actionplans.models.Action)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from qualipref.excel import CellDateField
from qualipref.imports import (
    Choice,
    ChoiceField,
    Choices,
    ImportColumn,
    Importer,
    coded,
    model_column,
    model_default,
)
from sites.access import visible
from sites.models import Department, Site, User

from . import services
from .models import Action, ActionPlan

DATE = "date (JJ/MM/AAAA)"
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
UNKNOWN_SITE = "Site inconnu dans l'entité du plan : « {value} ». Sites acceptés : {accepted}."
UNKNOWN_CATEGORY = "Rubrique inconnue : « {value} ». Valeurs acceptées : {accepted}."
UNKNOWN_MODULE = "Module inconnu : « {value} » (indiquez son numéro). Modules acceptés : {accepted}."
UNKNOWN_OWNER = (
    "Pilote inconnu : « {value} ». Indiquez l'identifiant d'un utilisateur du département : {accepted}."
)


class ImportRowForm(forms.Form):
    title = forms.CharField(max_length=300)
    description = forms.CharField(required=False)
    sites = forms.CharField(required=False)
    category = ChoiceField(default=model_default(Action, "category"))
    module = ChoiceField(required=False)
    owner = ChoiceField()
    start_on = CellDateField(required=False, input_formats=DATE_FORMATS)
    due_on = CellDateField(input_formats=DATE_FORMATS)
    origin_text = forms.CharField(required=False, max_length=300)

    def __init__(self, data, *, ctx):
        super().__init__(
            {k: (v if isinstance(v, dt.date | int | float) else str(v)) for k, v in data.items()}
        )
        self.ctx = ctx
        for name in ("category", "module", "owner"):
            self.fields[name].choices_set = ctx.choices[name]

    def clean_sites(self):
        raw = self.cleaned_data["sites"]
        words = [w.strip() for w in raw.replace(",", ";").split(";") if w.strip()]
        chosen, errors = [], []
        for word in words:
            try:
                chosen.append(self.ctx.choices["sites"].match(word))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return chosen

    def clean(self):
        data = super().clean()
        if data.get("start_on") and data.get("due_on") and data["due_on"] < data["start_on"]:
            self.add_error("due_on", "L'échéance ne peut pas précéder la date de début.")
        return data


class ActionImporter(Importer):
    kind = "actions"
    title = "Importer des actions"
    intro = (
        "Une ligne par action du plan. Une action déjà enregistrée dans le plan (même intitulé, même "
        "échéance) n'est pas créée deux fois."
    )
    sheet = "Actions"
    filename = "modele-plan-actions.xlsx"
    noun = ("action créée", "actions créées")
    columns = [
        ImportColumn("Intitulé", "title", help="texte, 300 caractères au plus"),
        ImportColumn("Description", "description", required=False),
        ImportColumn("Sites", "sites", required=False, help="codes de sites de l'entité, séparés par « ; »"),
        model_column(Action, "category", "Rubrique", help="une des valeurs acceptées"),
        ImportColumn("Module", "module", required=False, help="numéro du module (par exemple 1)"),
        ImportColumn("Identifiant du pilote", "owner", help="identifiant de connexion d'un utilisateur"),
        ImportColumn("Début", "start_on", required=False, help=DATE),
        ImportColumn("Échéance", "due_on", help=DATE),
        ImportColumn("Origine (précision)", "origin_text", required=False),
    ]

    def prepare(self, *, user, target: ActionPlan | None):
        from .forms import current_modules

        ctx = super().prepare(user=user, target=target)
        if target is not None:
            sites = Site.objects.filter(entity=target.entity)
            department_ids = [target.entity.department_id]
        else:
            sites = visible(user, Site.objects)
            department_ids = list(visible(user, Department.objects).values_list("pk", flat=True))
        ctx.sites = list(sites.order_by("code"))
        # one module per number, of the version in force in the département (several départements: the
        # first version found)
        modules = {}
        for m in current_modules(department_ids):
            modules.setdefault(m.number, m)
        modules = [modules[n] for n in sorted(modules)]
        owners = list(
            User.objects.filter(is_active=True, memberships__department_id__in=department_ids)
            .distinct()
            .order_by("username")
        )
        ctx.owners = owners
        ctx.choices = {
            "sites": coded(ctx.sites, unknown=UNKNOWN_SITE, detail=lambda s: s.name),
            "category": Choices.of(Action.Category, unknown=UNKNOWN_CATEGORY),
            "module": Choices(
                [Choice(m, str(m.number), (f"Module {m.number}",), str(m)) for m in modules],
                unknown=UNKNOWN_MODULE,
            ),
            "owner": Choices(
                [Choice(u, u.username, (), u.get_full_name()) for u in owners], unknown=UNKNOWN_OWNER
            ),
        }
        return ctx

    def examples(self, ctx):
        year = ctx.target.year if ctx.target else ctx.today.year
        owner = next((u for u in ctx.owners if u.pk == ctx.user.pk), ctx.owners[0] if ctx.owners else None)
        modules = ctx.choices["module"].choices
        return [
            {
                "title": "Renouveler la signalétique du hall d'accueil",
                "description": "Panneaux directionnels et plan d'orientation",
                "sites": ctx.sites[0].code if ctx.sites else "",
                "category": Action.Category.choices[0][1],
                "module": modules[0].label if modules else "",
                "owner": owner.username if owner else "",
                "start_on": dt.date(year, 2, 1),
                "due_on": dt.date(year, 6, 30),
                "origin_text": "Enquête de satisfaction",
            }
        ]

    def form(self, data, ctx):
        return ImportRowForm(data, ctx=ctx)

    def identity(self, data, ctx):
        return (data["title"], data["due_on"])

    def save(self, data, ctx):
        plan = ctx.target
        if Action.objects.filter(plan=plan, title=data["title"], due_on=data["due_on"]).exists():
            return False
        services.action_create(
            by=ctx.user,
            plan=plan,
            entity=plan.entity,
            title=data["title"],
            description=data["description"],
            sites=data["sites"],
            category=data["category"],
            module=data["module"],
            owner=data["owner"],
            start_on=data["start_on"],
            due_on=data["due_on"],
            origin_text=data["origin_text"],
        )
        return True

    def load_target(self, params):
        return ActionPlan.objects.select_related("entity__department").get(pk=params["pk"])

    def done_url(self, target):
        return target.get_absolute_url() if target else reverse("actionplans:plan_list")


IMPORTER = ActionImporter()
HEADERS = {c.header: c.field for c in IMPORTER.columns}
