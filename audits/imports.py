"""Import an auditor's findings sheet into one audit: every row validated, all rows saved or none."""

from django import forms

from qualipref.excel import import_rows, read_xlsx, template_response
from qualipref.uploads import import_key
from referential.models import Criterion, Engagement, FindingType
from sites.models import Site

from . import services

HEADERS = {
    "Type de constat": "finding_type",
    "Module": "module",
    "Engagement ou critère": "reference",
    "Site": "site",
    "Intitulé": "title",
    "Description": "description",
}
ERR_UNKNOWN_TYPE = "Type de constat inconnu : « {value} ». Types possibles : {choices}."
ERR_UNKNOWN_SITE = "Site inconnu pour cette entité : « {value} »."
ERR_UNKNOWN_REFERENCE = "Engagement ou critère inconnu dans le module {module} : « {value} »."
ERR_MODULE = "Le module doit être un numéro (par exemple 1)."
ERR_MODULE_OUT = "Le module {value} n'est pas dans le périmètre de l'audit (modules audités : {modules})."


class FindingRowForm(forms.Form):
    finding_type = forms.CharField(label="Type de constat")
    module = forms.CharField(label="Module", required=False)
    reference = forms.CharField(label="Engagement ou critère", required=False)
    site = forms.CharField(label="Site", required=False)
    title = forms.CharField(label="Intitulé", max_length=300)
    description = forms.CharField(label="Description", required=False)

    def __init__(self, data, *, audit, context):
        super().__init__({k: ("" if v is None else str(v).strip()) for k, v in data.items()})
        self.audit, self.ctx = audit, context

    def clean_finding_type(self):
        value = self.cleaned_data["finding_type"]
        found = self.ctx["types"].get(value.lower())
        if not found:
            raise forms.ValidationError(
                ERR_UNKNOWN_TYPE.format(value=value, choices=", ".join(self.ctx["type_labels"]))
            )
        return found

    def clean_module(self):
        value = self.cleaned_data["module"]
        if not value:
            return None
        try:
            number = int(float(value.replace("Module", "").strip()))
        except ValueError:
            raise forms.ValidationError(ERR_MODULE) from None
        module = self.ctx["modules"].get(number)
        if module is None:
            raise forms.ValidationError(
                ERR_MODULE_OUT.format(value=number, modules=self.ctx["module_numbers"])
            )
        return module

    def clean_site(self):
        value = self.cleaned_data["site"]
        if not value:
            return None
        site = self.ctx["sites"].get(value.lower())
        if site is None:
            raise forms.ValidationError(ERR_UNKNOWN_SITE.format(value=value))
        return site

    def clean(self):
        data = super().clean()
        value, module = data.get("reference"), data.get("module")
        data["engagement"] = data["criterion"] = None
        if value and "module" not in self.errors:
            candidates = [m for m in ([module] if module else self.ctx["modules"].values())]
            for m in candidates:
                if (m.pk, value) in self.ctx["criteria"]:
                    data["criterion"] = self.ctx["criteria"][(m.pk, value)]
                    data["engagement"] = data["criterion"].engagement
                    data["module"] = m
                    break
                if (m.pk, value) in self.ctx["engagements"]:
                    data["engagement"] = self.ctx["engagements"][(m.pk, value)]
                    data["module"] = m
                    break
            else:
                self.add_error(
                    "reference",
                    ERR_UNKNOWN_REFERENCE.format(
                        module=module.number if module else self.ctx["module_numbers"], value=value
                    ),
                )
        return data


def _context(audit):
    modules = {m.number: m for m in audit.modules.all()}
    types = {}
    for t in FindingType.objects.filter(referential_id=audit.referential_id).order_by("order"):
        types[t.code.lower()] = t
        types[t.label.lower()] = t
        if t.label_plural:
            types[t.label_plural.lower()] = t
    module_ids = [m.pk for m in modules.values()]
    return {
        "types": types,
        "type_labels": [
            t.label for t in FindingType.objects.filter(referential_id=audit.referential_id).order_by("order")
        ],
        "modules": modules,
        "module_numbers": ", ".join(str(n) for n in sorted(modules)),
        "sites": {
            key.lower(): s for s in Site.objects.filter(entity_id=audit.entity_id) for key in (s.name, s.code)
        },
        "engagements": {
            (e.module_id, e.code): e for e in Engagement.objects.filter(module_id__in=module_ids)
        },
        "criteria": {
            (c.engagement.module_id, c.code): c
            for c in Criterion.objects.filter(engagement__module_id__in=module_ids).select_related(
                "engagement"
            )
        },
    }


def findings_import(*, audit, upload, by):
    """Read, validate every row, then create every finding in one transaction, or nothing."""
    rows = read_xlsx(upload, HEADERS)
    context = _context(audit)
    module_ids = {m.pk for m in context["modules"].values()}

    def save(form):
        d = form.cleaned_data
        services.finding_create(
            audit=audit,
            finding_type=d["finding_type"],
            module=d["module"],
            engagement=d["engagement"],
            criterion=d["criterion"],
            site=d["site"],
            title=d["title"],
            description=d["description"],
            by=by,
            audit_module_ids=module_ids,
        )
        return True

    return import_rows(
        rows,
        lambda data: FindingRowForm(data, audit=audit, context=context),
        save,
        HEADERS,
        key=import_key("findings", upload, target=audit.pk, by=by),
    )


def findings_template():
    return template_response(
        "modele-constats.xlsx",
        "Constats",
        list(HEADERS),
        [
            [
                "Point fort",
                1,
                "E2",
                "",
                "Agents d'accueil identifiables et courtois",
                "Badges portés par tous les agents.",
            ],
            [
                "Non-conformité mineure",
                1,
                "E1.1",
                "",
                "Pics d'affluence non affichés",
                "Absents de l'affichage d'entrée.",
            ],
            ["Piste de progrès", 4, "E4-4", "", "Enrichir le tableau des rendez-vous des élus", ""],
        ],
    )
