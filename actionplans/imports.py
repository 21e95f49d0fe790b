"""Import the actions of a plan from Excel: every row checked, all saved or none, errors by row in French."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from qualipref.excel import import_rows, read_xlsx, template_response
from qualipref.uploads import import_key
from referential.models import Module
from sites import examples
from sites.models import Site, User

from . import services
from .models import Action

HEADERS = {
    "Intitulé": "title",
    "Description": "description",
    "Sites": "sites",
    "Rubrique": "category",
    "Module": "module",
    "Identifiant du pilote": "owner",
    "Début": "start_on",
    "Échéance": "due_on",
    "Origine (précision)": "origin_text",
}
CATEGORY_WORDS = {label.lower(): value for value, label in Action.Category.choices} | {
    value: value for value in Action.Category.values
}


class ImportRowForm(forms.Form):
    title = forms.CharField(max_length=300)
    description = forms.CharField(required=False)
    sites = forms.CharField(required=False)
    category = forms.CharField(required=False)
    module = forms.CharField(required=False)
    owner = forms.CharField()
    start_on = forms.DateField(required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    due_on = forms.DateField(input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    origin_text = forms.CharField(required=False, max_length=300)

    def __init__(self, data, *, plan, modules, sites, owners):
        for key in ("start_on", "due_on"):
            if isinstance(data.get(key), dt.date):
                data = {**data, key: data[key].strftime("%d/%m/%Y")}
        super().__init__(
            {k: ("" if v is None else str(v) if not isinstance(v, str) else v) for k, v in data.items()}
        )
        self.plan, self.modules, self.sites_by_key, self.owners = plan, modules, sites, owners

    def clean_sites(self):
        raw = self.cleaned_data["sites"]
        chosen = []
        for word in [w.strip() for w in raw.replace(",", ";").split(";") if w.strip()]:
            site = self.sites_by_key.get(word.lower())
            if site is None:
                raise ValidationError(f"Site inconnu dans l'entité du plan : « {word} ».")
            chosen.append(site)
        return chosen

    def clean_category(self):
        raw = self.cleaned_data["category"].strip().lower()
        if not raw:
            return Action.Category.IMPROVEMENT
        if raw not in CATEGORY_WORDS:
            choices = ", ".join(label for _v, label in Action.Category.choices)
            raise ValidationError(f"Rubrique inconnue : « {raw} ». Valeurs possibles : {choices}.")
        return CATEGORY_WORDS[raw]

    def clean_module(self):
        raw = self.cleaned_data["module"].strip()
        if not raw:
            return None
        try:
            number = int(float(raw.replace("Module", "").strip()))
        except ValueError:
            raise ValidationError(
                f"Module inconnu : « {raw} » (indiquez son numéro, par exemple 1)."
            ) from None
        if number not in self.modules:
            raise ValidationError(f"Module inconnu : « {raw} » (indiquez son numéro, par exemple 1).")
        return self.modules[number]

    def clean_owner(self):
        raw = self.cleaned_data["owner"].strip()
        user = self.owners.get(raw.lower())
        if user is None:
            raise ValidationError(
                f"Pilote inconnu : « {raw} ». Indiquez l'identifiant d'un utilisateur du département."
            )
        return user

    def clean(self):
        data = super().clean()
        if data.get("start_on") and data.get("due_on") and data["due_on"] < data["start_on"]:
            self.add_error("due_on", "L'échéance ne peut pas précéder la date de début.")
        return data


def import_plan(upload, *, plan, by):
    """Read `upload` and create the plan's actions; re-importing a row already there changes nothing."""
    from .forms import current_modules

    rows = read_xlsx(upload, HEADERS)
    modules = {m.number: m for m in current_modules()}
    sites = {}
    for site in Site.objects.filter(entity=plan.entity):
        sites[site.code.lower()] = site
        sites[site.name.lower()] = site
    owners = {
        u.username.lower(): u
        for u in User.objects.filter(
            is_active=True, memberships__department_id=plan.entity.department_id
        ).distinct()
    }
    existing = set(Action.objects.filter(plan=plan).values_list("title", "due_on"))

    def form_factory(data):
        return ImportRowForm(data, plan=plan, modules=modules, sites=sites, owners=owners)

    def save(form):
        data = form.cleaned_data
        if (data["title"], data["due_on"]) in existing:
            return False
        services.action_create(
            by=by,
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
        existing.add((data["title"], data["due_on"]))
        return True

    return import_rows(
        rows, form_factory, save, HEADERS, key=import_key("actions", upload, target=plan.pk, by=by)
    )


def template(plan=None):
    year = plan.year if plan else dt.date.today().year
    return template_response(
        "modele-plan-actions.xlsx",
        "Actions",
        list(HEADERS),
        [
            [
                "Renouveler la signalétique du hall d'accueil",
                "Panneaux directionnels et plan d'orientation",
                examples.SITE_CODE,
                "Prise en compte des évaluations",
                1,
                "qualite",
                dt.date(year, 2, 1),
                dt.date(year, 6, 30),
                "Enquête de satisfaction",
            ]
        ],
    )


__all__ = ["import_plan", "template", "HEADERS", "Module"]
