"""Import an auditor's findings sheet into one audit: columns, row form and row service (template,
matching, report, background run, once per file: qualipref.imports). A finding identifies itself in its
audit by its type, title and site, under a database constraint (audits.models.Finding)."""

from __future__ import annotations

from django import forms

from qualipref.imports import Choice, ChoiceField, Choices, ImportColumn, Importer, coded
from referential.models import Criterion, Engagement, FindingType
from sites.models import Site

from . import services
from .models import Audit, Finding

UNKNOWN_TYPE = "Type de constat inconnu : « {value} ». Valeurs acceptées : {accepted}."
UNKNOWN_SITE = "Site inconnu pour cette entité : « {value} ». Sites acceptés : {accepted}."
UNKNOWN_MODULE = "Le module « {value} » n'est pas dans le périmètre de l'audit. Modules audités : {accepted}."
ERR_UNKNOWN_REFERENCE = (
    "Engagement ou critère inconnu dans le module {module} : « {value} ». "
    "Les codes acceptés sont listés dans la feuille « Valeurs acceptées » du modèle."
)


class FindingRowForm(forms.Form):
    finding_type = ChoiceField(label="Type de constat")
    module = ChoiceField(label="Module", required=False)
    reference = forms.CharField(label="Engagement ou critère", required=False)
    site = ChoiceField(label="Site", required=False)
    title = forms.CharField(label="Intitulé", max_length=300)
    description = forms.CharField(label="Description", required=False)

    def __init__(self, data, *, ctx):
        super().__init__(
            {k: ("" if v is None else v if isinstance(v, int | float) else str(v)) for k, v in data.items()}
        )
        self.ctx = ctx
        for name in ("finding_type", "module", "site"):
            self.fields[name].choices_set = ctx.choices[name]

    def clean(self):
        data = super().clean()
        value, module = (data.get("reference") or "").strip(), data.get("module")
        data["engagement"] = data["criterion"] = None
        if value and "module" not in self.errors:
            for m in [module] if module else self.ctx.modules:
                if (m.pk, value) in self.ctx.criteria:
                    data["criterion"] = self.ctx.criteria[(m.pk, value)]
                    data["engagement"], data["module"] = data["criterion"].engagement, m
                    break
                if (m.pk, value) in self.ctx.engagements:
                    data["engagement"], data["module"] = self.ctx.engagements[(m.pk, value)], m
                    break
            else:
                numbers = str(module.number) if module else ", ".join(str(m.number) for m in self.ctx.modules)
                self.add_error("reference", ERR_UNKNOWN_REFERENCE.format(module=numbers, value=value))
        return data


class FindingImporter(Importer):
    kind = "findings"
    title = "Importer des constats"
    intro = (
        "Une ligne par constat de l'audit. Un constat déjà enregistré dans cet audit (même type, même "
        "intitulé, même site) n'est pas créé deux fois."
    )
    sheet = "Constats"
    filename = "modele-constats.xlsx"
    noun = ("constat importé", "constats importés")
    columns = [
        ImportColumn("Type de constat", "finding_type", help="une des valeurs acceptées"),
        ImportColumn("Module", "module", required=False, help="numéro d'un module audité (par exemple 1)"),
        ImportColumn(
            "Engagement ou critère", "reference", required=False, help="code (par exemple E1 ou E1.1)"
        ),
        ImportColumn("Site", "site", required=False, help="vide : le constat vaut pour toute l'entité"),
        ImportColumn("Intitulé", "title", help="texte, 300 caractères au plus"),
        ImportColumn("Description", "description", required=False),
    ]

    def prepare(self, *, user, target: Audit):
        ctx = super().prepare(user=user, target=target)
        ctx.modules = sorted(target.modules.all(), key=lambda m: m.number)
        module_ids = [m.pk for m in ctx.modules]
        types = list(FindingType.objects.filter(referential_id=target.referential_id).order_by("order"))
        engagements = list(Engagement.objects.filter(module_id__in=module_ids).order_by("order", "code"))
        criteria = list(
            Criterion.objects.filter(engagement__module_id__in=module_ids)
            .select_related("engagement")
            .order_by("engagement__order", "code")
        )
        ctx.engagements = {(e.module_id, e.code): e for e in engagements}
        ctx.criteria = {(c.engagement.module_id, c.code): c for c in criteria}
        ctx.sites = list(Site.objects.filter(entity_id=target.entity_id).order_by("code"))
        numbers = {m.pk: m.number for m in ctx.modules}
        ctx.choices = {
            "finding_type": Choices(
                [
                    Choice(t, t.label, (t.code, t.label_plural) if t.label_plural else (t.code,))
                    for t in types
                ],
                unknown=UNKNOWN_TYPE,
            ),
            "module": Choices(
                [Choice(m, str(m.number), (f"Module {m.number}",), str(m)) for m in ctx.modules],
                unknown=UNKNOWN_MODULE,
            ),
            "reference": Choices(
                [Choice(e, e.code, (), f"module {numbers[e.module_id]} — {e}") for e in engagements]
                + [Choice(c, c.code, (), f"module {numbers[c.engagement.module_id]} — {c}") for c in criteria]
            ),
            "site": coded(ctx.sites, unknown=UNKNOWN_SITE, detail=lambda s: s.name),
        }
        return ctx

    def examples(self, ctx):
        types = ctx.choices["finding_type"].choices
        module = ctx.modules[0] if ctx.modules else None
        engagement = next((k for k in ctx.engagements if module and k[0] == module.pk), None)
        return [
            {
                "finding_type": types[0].label if types else "",
                "module": module.number if module else "",
                "reference": engagement[1] if engagement else "",
                "site": ctx.sites[0].code if ctx.sites else "",
                "title": "Agents d'accueil identifiables et courtois",
                "description": f"Observé lors de l'audit de {ctx.today.year}.",
            }
        ]

    def form(self, data, ctx):
        return FindingRowForm(data, ctx=ctx)

    def identity(self, data, ctx):
        return (data["finding_type"].pk, data["title"], data["site"].pk if data["site"] else None)

    def save(self, data, ctx):
        audit = ctx.target
        if Finding.objects.filter(
            audit=audit, finding_type=data["finding_type"], title=data["title"], site=data["site"]
        ).exists():
            return False
        services.finding_create(
            audit=audit,
            finding_type=data["finding_type"],
            module=data["module"],
            engagement=data["engagement"],
            criterion=data["criterion"],
            site=data["site"],
            title=data["title"],
            description=data["description"],
            by=ctx.user,
            audit_module_ids={m.pk for m in ctx.modules},
        )
        return True

    def load_target(self, params):
        return Audit.objects.select_related("entity__department").get(pk=params["pk"])

    def done_url(self, target):
        return target.get_absolute_url()


IMPORTER = FindingImporter()
HEADERS = {c.header: c.field for c in IMPORTER.columns}
