"""Excel import of a campaign's results, in two layouts, declared on qualipref.imports (template, matching,
report, background run, once per file):

- "one row per unit and criterion": columns Unité, Critère, Taux (%) [, Satisfaits, Concernés];
- "matrix": a column Unité, then one column per criterion (its label, its code or a declared synonym),
  one row per unit.

A criterion is recognised by its label or code whatever the case, accents and spacing, or by one of the
« autres écritures acceptées » its campaign declares (Criterion.synonyms) — nothing else: « accueil PMR »
finds « Accueil des personnes à mobilité réduite » only if a synonym says so.
"""

from __future__ import annotations

from django import forms

from qualipref.excel import RowError
from qualipref.imports import Choice, ChoiceField, Choices, ImportColumn, Importer, normalise, split_synonyms
from qualipref.imports.engine import LABELS
from qualipref.uploads import ImportFileError
from sites.access import WRITE, ids

from .forms import rate_field
from .models import Campaign, Result
from .services import LOCKED_MESSAGE, result_set

UNIT, CRITERION, RATE, SATISFIED, CONCERNED = "Unité", "Critère", "Taux (%)", "Satisfaits", "Concernés"
IGNORED_MATRIX_HEADERS = {"site", "unite", ""}
UNKNOWN_UNIT = "Unité inconnue dans cette campagne : « {value} ». Unités de la campagne : {accepted}."
UNKNOWN_CRITERION = "Critère inconnu dans cette campagne : « {value} ». Critères acceptés : {accepted}."
NOT_WRITABLE = "Vous ne pouvez pas modifier les résultats de l'unité « {unit} »."
EXAMPLE_RATE = 80  # the template's example rate when the criterion has no target
COUNT = {"invalid": "Nombre entier attendu.", "min_value": "Nombre positif attendu."}


class ResultRowForm(forms.Form):
    unit = ChoiceField(error_messages={"required": "Indiquez l'unité."})
    criterion = ChoiceField(error_messages={"required": "Indiquez le critère."})
    rate = rate_field(error_messages={"required": "Indiquez le taux (entre 0 et 100)."})
    satisfied = forms.IntegerField(required=False, min_value=0, error_messages=COUNT)
    concerned = forms.IntegerField(required=False, min_value=0, error_messages=COUNT)

    def __init__(self, data, *, ctx):
        super().__init__({k: v for k, v in data.items() if k != LABELS})
        self.ctx = ctx
        for name in ("unit", "criterion"):
            self.fields[name].choices_set = ctx.choices[name]

    def clean_unit(self):
        unit = self.cleaned_data["unit"]
        if unit is not None and unit.site_id not in self.ctx.writable_site_ids:
            raise forms.ValidationError(NOT_WRITABLE.format(unit=unit.name))
        return unit

    def clean(self):
        data = super().clean()
        satisfied, concerned = data.get("satisfied"), data.get("concerned")
        if satisfied is not None and concerned is not None and satisfied > concerned:
            self.add_error("satisfied", "Le nombre de satisfaits dépasse le nombre de personnes concernées.")
        return data


def criterion_choices(criteria) -> Choices:
    return Choices(
        [Choice(c, c.label, (c.code, *split_synonyms(c.synonyms)), c.question) for c in criteria],
        unknown=UNKNOWN_CRITERION,
    )


class ResultImporter(Importer):
    kind = "survey-results"
    title = "Importer des résultats"
    intro = (
        "Une ligne par unité et critère (colonnes Unité, Critère, Taux), ou une ligne par unité et une "
        "colonne par critère (modèle « matrice »). Un taux déjà enregistré est remplacé."
    )
    sheet = "Résultats"
    noun = ("taux enregistré", "taux enregistrés")
    columns = [
        ImportColumn(UNIT, "unit", help="nom ou code d'une unité de la campagne"),
        ImportColumn(CRITERION, "criterion", help="libellé, code ou autre écriture déclarée du critère"),
        ImportColumn(RATE, "rate", help="pourcentage entre 0 et 100 (virgule ou point)"),
        ImportColumn(SATISFIED, "satisfied", required=False, help="nombre entier"),
        ImportColumn(CONCERNED, "concerned", required=False, help="nombre entier"),
    ]

    def prepare(self, *, user, target: Campaign, writable_site_ids=None):
        ctx = super().prepare(user=user, target=target)
        ctx.units = list(target.units.select_related("site").order_by("order", "name"))
        ctx.criteria = list(target.criteria.order_by("order", "pk"))
        ctx.writable_site_ids = (
            set(writable_site_ids) if writable_site_ids is not None else set(ids(user, "site", WRITE))
        )
        ctx.header_errors = []
        ctx.choices = {
            "unit": Choices(
                [Choice(u, u.name, (u.code,) if u.code else (), u.site.name) for u in ctx.units],
                unknown=UNKNOWN_UNIT,
            ),
            "criterion": criterion_choices(ctx.criteria),
        }
        return ctx

    def examples(self, ctx):
        """The rates already recorded on the user's units (imported unchanged, the file changes nothing);
        before the first one, one example row that imports: the first unit and criterion, at the
        criterion's target. Every unit and criterion accepted is listed in « Valeurs acceptées », and the
        matrix template has a row per unit to fill in."""
        units = [u for u in ctx.units if u.site_id in ctx.writable_site_ids] or ctx.units
        if not units or not ctx.criteria:
            return []
        criteria = {c.pk: c for c in ctx.criteria}
        recorded = {
            (r.unit_id, r.criterion_id): r
            for r in Result.objects.filter(unit__in=units, criterion__in=ctx.criteria)
        }
        rows = [
            {
                "unit": unit.name,
                "criterion": criteria[criterion_id].label,
                "rate": result.rate,
                "satisfied": result.satisfied,
                "concerned": result.concerned,
            }
            for unit in units
            for criterion_id in criteria
            if (result := recorded.get((unit.pk, criterion_id))) is not None
        ]
        if rows:
            return rows
        first = ctx.criteria[0]
        return [{"unit": units[0].name, "criterion": first.label, "rate": first.target_rate or EXAMPLE_RATE}]

    def read(self, headers, rows, ctx):
        if ctx.target.results_locked:
            raise ImportFileError(LOCKED_MESSAGE)
        found = {normalise(h) for h in headers}
        if normalise(CRITERION) in found:
            yield from super().read(headers, rows, ctx)
        elif normalise(UNIT) in found:
            yield from self._matrix(headers, rows, ctx)
        else:
            raise ImportFileError(
                "Colonnes attendues : « Unité », « Critère », « Taux (%) » (une ligne par unité et critère), "
                "ou « Unité » puis une colonne par critère. Utilisez un des modèles proposés."
            )

    def _matrix(self, headers, rows, ctx):
        unit_position, columns = None, {}
        for position, header in enumerate(headers):
            key = normalise(header)
            if key == normalise(UNIT):
                unit_position = position
            if key in IGNORED_MATRIX_HEADERS:
                continue
            try:
                columns[position] = (header, ctx.choices["criterion"].match(header))
            except forms.ValidationError as exc:
                ctx.header_errors.extend(RowError(1, header, m) for m in exc.messages)
        for number, values in rows:
            unit = values[unit_position] if unit_position < len(values) else ""
            for position, (header, criterion) in columns.items():
                value = values[position] if position < len(values) else None
                if value is None or value == "":
                    continue  # an empty cell: no result for this criterion
                yield (
                    number,
                    {
                        "unit": "" if unit is None else unit,
                        "criterion": criterion.code,
                        "rate": value,
                        LABELS: {"rate": header, "unit": UNIT},
                    },
                )

    def form(self, data, ctx):
        return ResultRowForm(data, ctx=ctx)

    def identity(self, data, ctx):
        return (data["unit"].pk, data["criterion"].pk)

    def save(self, data, ctx):
        changed = result_set(
            unit=data["unit"],
            criterion=data["criterion"],
            rate=data["rate"],
            satisfied=data.get("satisfied"),
            concerned=data.get("concerned"),
            source=Result.Source.IMPORT,
            by=ctx.user if getattr(ctx.user, "pk", None) else None,
        )
        return "created" if changed else "unchanged"

    def load_target(self, params):
        return Campaign.objects.get(pk=params["pk"])

    def done_url(self, target):
        return target.get_absolute_url()


IMPORTER = ResultImporter()


def import_results(*, campaign, upload, writable_site_ids, by):
    """Import `upload` into `campaign` for a user who writes the sites `writable_site_ids`."""
    from qualipref.imports.engine import run

    ctx = IMPORTER.prepare(user=by, target=campaign, writable_site_ids=writable_site_ids)
    return run(IMPORTER, upload, user=by, target=campaign, ctx=ctx)


__all__ = ["IMPORTER", "import_results"]
