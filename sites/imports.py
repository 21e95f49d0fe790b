"""The organisation spreadsheet: entities, sites and reception points of a département in one sheet.

One row per site (its entity repeated on each of its rows) or per reception point (its site repeated).
Rows are matched by code: an entity by its code in the département, a site by its code, a reception point
by its code on its site. A new code creates the row; a known code updates the names and contact details
that differ (a changed name updates the row with that code); the same file imported again changes
nothing. Nothing is ever deleted by an import. All-or-nothing: one row in error and nothing is saved,
with a report that names the row, the column, the value and what is accepted.
"""

from __future__ import annotations

from collections import Counter

from django import forms

from qualipref.excel import ImportResult, import_rows

from . import services
from .models import Entity, ReceptionPoint, Site

HEADERS = {
    "Entité (code)": "entity_code",
    "Entité (nom)": "entity_name",
    "Entité (type)": "entity_kind",
    "Site (code)": "site_code",
    "Site (nom)": "site_name",
    "Adresse": "address",
    "Code postal": "postal_code",
    "Commune": "city",
    "Téléphone": "phone",
    "Courriel": "email",
    "Horaires d'ouverture": "opening_hours",
    "Point d'accueil (code)": "point_code",
    "Point d'accueil (nom)": "point_name",
}
SITE_DETAILS = ("address", "postal_code", "city", "phone", "email", "opening_hours")
KINDS = {label.casefold(): value for value, label in Entity.Kind.choices} | {
    value: value for value in Entity.Kind.values
}
KIND_LABELS = " ou ".join(f"« {label} »" for _, label in Entity.Kind.choices)

SITE_WITHOUT_ENTITY = "Le site « {site} » n'a pas d'entité : renseignez la colonne « Entité (code) »."
POINT_WITHOUT_SITE = "Le point d'accueil « {point} » n'a pas de site : renseignez la colonne « Site (code) »."
DIFFERS = (
    "« {value} » diffère de la ligne {row} pour le même {what} (« {other} ») : une seule valeur par {what}."
)


def template_rows(department) -> list[list]:
    """The example rows of the template: the département's own organisation when it has one."""
    sites = list(
        Site.objects.filter(entity__department=department)
        .select_related("entity")
        .prefetch_related("reception_points")
        .order_by("entity__order", "order", "name")[:10]
    )
    rows = []
    for site in sites:
        entity = site.entity
        base = [
            entity.code,
            entity.name,
            entity.get_kind_display(),
            site.code,
            site.name,
            site.address,
            site.postal_code,
            site.city,
            site.phone,
            site.email,
            site.opening_hours,
        ]
        points = list(site.reception_points.all())
        rows += [base + [p.code, p.name] for p in points] or [base + ["", ""]]
    if rows:
        return rows
    code = department.code
    return [
        [f"prefecture-{code}", f"Préfecture de {department.name}", "Préfecture", f"prefecture-{code}",
         f"Préfecture de {department.name}", "1 place de la Préfecture", "", "", "", "",
         "Du lundi au vendredi, 8 h 30 – 16 h", "accueil-general", "Accueil général"],
        [f"prefecture-{code}", f"Préfecture de {department.name}", "Préfecture", f"prefecture-{code}",
         f"Préfecture de {department.name}", "1 place de la Préfecture", "", "", "", "",
         "Du lundi au vendredi, 8 h 30 – 16 h", "titres", "Titres et permis"],
    ]  # fmt: skip


class Text(forms.CharField):
    """A cell read as text (a number cell such as a postal code or a phone number is kept as typed)."""

    def to_python(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super().to_python(value)


class OrganisationRowForm(forms.Form):
    entity_code = forms.SlugField(max_length=50, required=False)
    entity_name = Text(max_length=150, required=False)
    entity_kind = Text(required=False)
    site_code = forms.SlugField(max_length=50, required=False)
    site_name = Text(max_length=150, required=False)
    address = Text(max_length=255, required=False)
    postal_code = Text(max_length=10, required=False)
    city = Text(max_length=100, required=False)
    phone = Text(max_length=30, required=False)
    email = forms.EmailField(required=False)
    opening_hours = Text(required=False)
    point_code = forms.SlugField(max_length=50, required=False)
    point_name = Text(max_length=150, required=False)

    def __init__(self, data, *, context: ImportContext):
        super().__init__(data)
        self.context = context

    def clean_entity_kind(self):
        text = self.cleaned_data["entity_kind"]
        if not text:
            return ""
        kind = KINDS.get(" ".join(text.split()).casefold())
        if kind is None:
            raise forms.ValidationError(
                f"Type d'entité inconnu : « {text} ». Valeurs acceptées : {KIND_LABELS}."
            )
        return kind

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"]
        return value.zfill(5) if value.isdigit() and len(value) == 4 else value

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        ctx, entity_code, site_code, point_code = (
            self.context,
            data["entity_code"],
            data["site_code"],
            data["point_code"],
        )
        if not entity_code:
            if site_code:
                self.add_error("entity_code", SITE_WITHOUT_ENTITY.format(site=site_code))
            else:
                self.add_error("entity_code", "Renseignez le code de l'entité.")
            return data
        if point_code and not site_code:
            self.add_error("site_code", POINT_WITHOUT_SITE.format(point=point_code))
            return data
        entity = ctx.entities.get(entity_code)
        if entity is None and not data["entity_name"]:
            self.add_error("entity_name", f"Nouvelle entité « {entity_code} » : renseignez son nom.")
        if entity is None and not data["entity_kind"]:
            self.add_error(
                "entity_kind", f"Nouvelle entité « {entity_code} » : renseignez son type ({KIND_LABELS})."
            )
        self._same("entity_name", data["entity_name"], ("entity", entity_code), "entité")
        self._same("entity_kind", data["entity_kind"], ("entity_kind", entity_code), "entité")
        if not site_code:
            return data
        if site_code in ctx.foreign_site_codes:
            self.add_error("site_code", services.SITE_CODE_TAKEN.format(code=site_code))
            return data
        first = ctx.site_entity.setdefault(site_code, (self.row, entity_code))
        if first[1] != entity_code:
            self.add_error(
                "site_code",
                f"Code de site en double : « {site_code} » figure déjà ligne {first[0]} sous l'entité "
                f"« {first[1]} ». Un code de site désigne un seul site.",
            )
        if site_code not in ctx.sites and not data["site_name"]:
            self.add_error("site_name", f"Nouveau site « {site_code} » : renseignez son nom.")
        self._same("site_name", data["site_name"], ("site", site_code), "site")
        for name in SITE_DETAILS:
            self._same(name, data[name], (name, site_code), "site")
        if point_code:
            if (site_code, point_code) not in ctx.points and not data["point_name"]:
                self.add_error(
                    "point_name", f"Nouveau point d'accueil « {point_code} » : renseignez son nom."
                )
            self._same("point_name", data["point_name"], ("point", site_code, point_code), "point d'accueil")
        return data

    def _same(self, field: str, value, key, what: str) -> None:
        """A value given on several rows for the same entity, site or point must be the same."""
        if value in ("", None):
            return
        first = self.context.values.setdefault(key, (self.row, value))
        if first[1] != value:
            self.add_error(field, DIFFERS.format(value=value, row=first[0], what=what, other=first[1]))


class ImportContext:
    """What the rows are checked against: the département's rows, loaded once (three queries), and what
    the previous rows of the file said."""

    def __init__(self, department):
        self.department = department
        self.entities = {e.code: e for e in Entity.objects.filter(department=department)}
        self.sites = {}
        self.foreign_site_codes = set()
        for site in Site.objects.select_related("entity"):
            if site.entity.department_id == department.pk:
                self.sites[site.code] = site
            else:
                self.foreign_site_codes.add(site.code)
        self.points = {
            (p.site.code, p.code): p
            for p in ReceptionPoint.objects.filter(site__entity__department=department).select_related("site")
        }
        self.site_entity: dict[str, tuple[int, str]] = {}
        self.values: dict[tuple, tuple[int, object]] = {}


def organisation_import(*, department, rows, by) -> tuple[ImportResult, Counter]:
    """Check every row, then create or update the entities, sites and reception points (all or nothing).
    Returns the result (errors per row) and the counts of what was created and updated."""
    context = ImportContext(department)
    counts: Counter = Counter()
    numbers = iter([number for number, _ in rows])

    def form_factory(data):
        form = OrganisationRowForm(data, context=context)
        form.row = next(numbers)
        return form

    def save(form) -> bool:
        data = form.cleaned_data
        changed = False
        entity_fields = {"name": data["entity_name"], "kind": data["entity_kind"]}
        entity_fields = {k: v for k, v in entity_fields.items() if v}
        entity = context.entities.get(data["entity_code"])
        if entity is None:
            entity = services.entity_create(
                department=department, by=by, code=data["entity_code"], order=len(context.entities) + 1,
                **entity_fields,
            )  # fmt: skip
            context.entities[entity.code] = entity
            counts["entités créées"] += 1
            changed = True
        elif _differs(entity, entity_fields):
            services.entity_update(entity=entity, by=by, **entity_fields)
            counts["entités modifiées"] += 1
            changed = True
        if not data["site_code"]:
            return changed
        site_fields = {"entity": entity, "name": data["site_name"]} | {n: data[n] for n in SITE_DETAILS}
        site_fields = {k: v for k, v in site_fields.items() if v not in ("", None)}
        site = context.sites.get(data["site_code"])
        if site is None:
            site = services.site_create(by=by, code=data["site_code"], **site_fields)
            context.sites[site.code] = site
            counts["sites créés"] += 1
            changed = True
        elif _differs(site, site_fields):
            services.site_update(site=site, by=by, **site_fields)
            counts["sites modifiés"] += 1
            changed = True
        if not data["point_code"]:
            return changed
        point_fields = {"name": data["point_name"]} if data["point_name"] else {}
        point = context.points.get((site.code, data["point_code"]))
        if point is None:
            point = services.reception_point_create(
                site=site, by=by, code=data["point_code"], order=site.reception_points.count() + 1,
                **point_fields,
            )  # fmt: skip
            context.points[(site.code, point.code)] = point
            counts["points d'accueil créés"] += 1
            changed = True
        elif _differs(point, point_fields):
            services.reception_point_update(point=point, by=by, **point_fields)
            counts["points d'accueil modifiés"] += 1
            changed = True
        return changed

    result = import_rows(rows, form_factory, save, HEADERS)
    return result, counts


def _differs(obj, fields: dict) -> bool:
    return any(getattr(obj, name) != value for name, value in fields.items())
