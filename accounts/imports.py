"""The team from a spreadsheet: one invitation per row, all or nothing, errors by row and column in French.

Columns: Adresse électronique, Rôle (its label or code), Entité (code, optional), Site (code, optional).
Every row is checked by the same rule as the invitation form (`services.invitation_check`).
"""

from __future__ import annotations

import unicodedata

from django import forms

from qualipref.excel import Column, import_rows, read_xlsx, xlsx_response
from qualipref.uploads import import_key
from sites.models import Entity, Role, Site

from . import services

HEADERS = {"Adresse électronique": "email", "Rôle": "role", "Entité": "entity", "Site": "site"}
UNKNOWN_ENTITY = "Entité « {value} » inconnue dans ce département. Codes acceptés : {choices}."
UNKNOWN_SITE = "Site « {value} » inconnu dans ce département. Codes acceptés : {choices}."
DUPLICATE = "Cette adresse figure déjà plus haut dans le fichier (ligne {row})."


def _key(value) -> str:
    """Compared without regard to case, accents and spacing."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("’", "'").split())


ROLES = {_key(code): code for code, _ in Role.choices} | {_key(label): code for code, label in Role.choices}


class TeamRowForm(forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.CharField()
    entity = forms.CharField(required=False)
    site = forms.CharField(required=False)

    def __init__(self, data, *, department, entities, sites, seen, row):
        super().__init__({k: "" if v is None else str(v).strip() for k, v in data.items()})
        self.department, self.entities, self.sites, self.seen, self.row = (
            department,
            entities,
            sites,
            seen,
            row,
        )

    def clean_role(self):
        value = self.cleaned_data["role"]
        role = ROLES.get(_key(value))
        if role is None:
            raise forms.ValidationError(
                services.UNKNOWN_ROLE.format(value=value, choices=services.role_choices_text())
            )
        return role

    def clean_entity(self):
        value = self.cleaned_data["entity"]
        if not value:
            return None
        entity = self.entities.get(value.lower())
        if entity is None:
            choices = ", ".join(sorted({e.code for e in self.entities.values()})) or "aucune"
            raise forms.ValidationError(UNKNOWN_ENTITY.format(value=value, choices=choices))
        return entity

    def clean_site(self):
        value = self.cleaned_data["site"]
        if not value:
            return None
        site = self.sites.get(value.lower())
        if site is None:
            choices = ", ".join(sorted({s.code for s in self.sites.values()})) or "aucun"
            raise forms.ValidationError(UNKNOWN_SITE.format(value=value, choices=choices))
        return site

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        email = services.normalise_email(data["email"])
        if email in self.seen:
            raise forms.ValidationError(DUPLICATE.format(row=self.seen[email]))
        self.seen[email] = self.row
        try:
            services.invitation_check(
                email=email,
                role=data["role"],
                department=self.department,
                entity=data.get("entity"),
                site=data.get("site"),
            )
        except forms.ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
            for field, messages in errors.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


def import_team(upload, *, department, by):
    """Validate every row, then send every invitation (or give the role to who already has an account in
    the département); nothing is saved when a row is refused."""
    rows = read_xlsx(upload, HEADERS)
    entities = {e.code.lower(): e for e in Entity.objects.filter(department=department)}
    sites = {
        s.code.lower(): s for s in Site.objects.filter(entity__department=department).select_related("entity")
    }
    seen: dict[str, int] = {}
    numbered = iter(number for number, _ in rows)

    def save(form):
        data = form.cleaned_data
        services.invitation_create(
            email=data["email"],
            role=data["role"],
            department=department,
            entity=data.get("entity"),
            site=data.get("site"),
            by=by,
        )
        return True

    return import_rows(
        rows,
        lambda data: TeamRowForm(
            data, department=department, entities=entities, sites=sites, seen=seen, row=next(numbered)
        ),
        save,
        HEADERS,
        key=import_key("team", upload, target=department.pk, by=by),
    )


def template_response(department):
    """The template: its headers, an example row from the département's own organisation, and a second
    sheet listing the accepted values of each column."""
    site = Site.objects.filter(entity__department=department).select_related("entity").order_by("pk").first()
    examples = [
        ["prenom.nom@exemple.gouv.fr", Role.QUALITY_MANAGER.label, "", ""],
        [
            "referent@exemple.gouv.fr",
            Role.SITE_REFERENT.label,
            site.entity.code if site else "",
            site.code if site else "",
        ],
    ]
    headers = list(HEADERS)
    columns = [Column(h, lambda row, i=i: row[i], width=32 if i == 0 else 28) for i, h in enumerate(headers)]
    accepted = [["Rôle", label, code] for code, label in Role.choices]
    accepted += [
        ["Entité", e.name, e.code]
        for e in Entity.objects.filter(department=department).order_by("order", "name")
    ]
    accepted += [
        ["Site", s.name, s.code]
        for s in Site.objects.filter(entity__department=department).order_by("entity__order", "order", "name")
    ]
    value_columns = [
        Column("Colonne", lambda row: row[0], width=14),
        Column("Valeur", lambda row: row[1], width=48),
        Column("Code accepté aussi", lambda row: row[2], width=24),
    ]
    return xlsx_response(
        f"modele-equipe-{department.code}.xlsx",
        [("Équipe", columns, examples), ("Valeurs acceptées", value_columns, accepted)],
    )
