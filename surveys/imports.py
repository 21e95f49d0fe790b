"""Excel import of a campaign's results, in two layouts, all-or-nothing with errors by row in French:

- "one row per unit and criterion": columns Unité, Critère, Taux (%) [, Satisfaits, Concernés];
- "matrix": a column Unité, then one column per criterion (its label or its code), one row per unit.
"""

from __future__ import annotations

import re

from django import forms
from django.db import transaction

from qualipref.excel import ImportFileError, ImportResult, RowError, read_xlsx
from qualipref.uploads import import_key, open_workbook

from .forms import rate_field
from .models import Result
from .services import LOCKED_MESSAGE, result_set

UNIT, CRITERION, RATE, SATISFIED, CONCERNED = "Unité", "Critère", "Taux (%)", "Satisfaits", "Concernés"
LONG_HEADERS = {UNIT: "unit", CRITERION: "criterion", RATE: "rate"}
OPTIONAL_HEADERS = {SATISFIED: "satisfied", CONCERNED: "concerned"}
IGNORED_MATRIX_HEADERS = {"site", "unité", ""}


def normalise(text) -> str:
    text = str(text or "").replace("’", "'").replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip().casefold()


class _Lookup:
    def __init__(self, campaign, writable_site_ids):
        self.units = {}
        for unit in campaign.units.all():
            self.units[normalise(unit.name)] = unit
            self.units[normalise(unit.code)] = unit
        self.criteria = {}
        for criterion in campaign.criteria.all():
            self.criteria[normalise(criterion.label)] = criterion
            self.criteria[normalise(criterion.code)] = criterion
        self.writable_site_ids = writable_site_ids
        self.unit_names = sorted({u.name for u in self.units.values()})


class ResultRowForm(forms.Form):
    unit = forms.CharField(error_messages={"required": "Indiquez l'unité."})
    criterion = forms.CharField(error_messages={"required": "Indiquez le critère."})
    rate = rate_field(error_messages={"required": "Indiquez le taux (entre 0 et 100)."})
    satisfied = forms.IntegerField(
        required=False,
        min_value=0,
        error_messages={"invalid": "Nombre entier attendu.", "min_value": "Nombre positif attendu."},
    )
    concerned = forms.IntegerField(
        required=False,
        min_value=0,
        error_messages={"invalid": "Nombre entier attendu.", "min_value": "Nombre positif attendu."},
    )

    def __init__(self, data, *, lookup: _Lookup):
        super().__init__(data)
        self.lookup = lookup

    def clean_unit(self):
        value = self.cleaned_data["unit"]
        unit = self.lookup.units.get(normalise(value))
        if unit is None:
            raise forms.ValidationError(
                f"Unité inconnue dans cette campagne : « {value} ». "
                f"Unités de la campagne : {', '.join(self.lookup.unit_names) or 'aucune'}."
            )
        if unit.site_id not in self.lookup.writable_site_ids:
            raise forms.ValidationError(
                f"Vous ne pouvez pas modifier les résultats de l'unité « {unit.name} »."
            )
        return unit

    def clean_criterion(self):
        value = self.cleaned_data["criterion"]
        criterion = self.lookup.criteria.get(normalise(value))
        if criterion is None:
            raise forms.ValidationError(f"Critère inconnu dans cette campagne : « {value} ».")
        return criterion

    def clean(self):
        data = super().clean()
        satisfied, concerned = data.get("satisfied"), data.get("concerned")
        if satisfied is not None and concerned is not None and satisfied > concerned:
            self.add_error("satisfied", "Le nombre de satisfaits dépasse le nombre de personnes concernées.")
        return data


def _headers(upload) -> list[str]:
    workbook = open_workbook(upload)  # refuses a file over the limits before parsing it
    try:
        row = next(workbook.worksheets[0].iter_rows(values_only=True), None)
        workbook.close()
    except Exception:  # openpyxl raises many kinds on a bad file; all mean "not a workbook"
        raise ImportFileError("Le fichier n'est pas un classeur Excel (.xlsx) lisible.") from None
    finally:
        upload.seek(0)
    if not row:
        raise ImportFileError("Le classeur est vide : la première ligne doit porter les en-têtes.")
    return [str(h).strip() if h is not None else "" for h in row]


def _long_rows(upload, found):
    headers = dict(LONG_HEADERS)
    headers.update({h: f for h, f in OPTIONAL_HEADERS.items() if h in found})
    labels = {f: h for h, f in headers.items()}
    return [(number, data, labels) for number, data in read_xlsx(upload, headers)], []


def _matrix_rows(upload, found, lookup):
    errors, columns = [], {}
    for header in found:
        if normalise(header) in IGNORED_MATRIX_HEADERS:
            continue
        criterion = lookup.criteria.get(normalise(header))
        if criterion is None:
            errors.append(RowError(1, header, f"Critère inconnu dans cette campagne : « {header} »."))
        else:
            columns[header] = criterion.code
    headers = {UNIT: "unit", **{h: f"c:{h}" for h in columns}}
    rows = []
    for number, data in read_xlsx(upload, headers):
        for header, code in columns.items():
            value = data[f"c:{header}"]
            if value == "" or value is None:
                continue  # an empty cell: no result for this criterion
            rows.append(
                (
                    number,
                    {"unit": data["unit"], "criterion": code, "rate": value},
                    {"rate": header, "unit": UNIT},
                )
            )
    return rows, errors


def import_results(*, campaign, upload, writable_site_ids, by) -> ImportResult:
    """Validate every row; save every rate (source "import") in one transaction, or nothing."""
    if campaign.results_locked:
        raise ImportFileError(LOCKED_MESSAGE)
    once = import_key("survey-results", upload, target=campaign.pk, by=by)
    once.check()
    found = _headers(upload)
    lookup = _Lookup(campaign, writable_site_ids)
    if CRITERION in found:
        rows, errors = _long_rows(upload, found)
    elif UNIT in found:
        rows, errors = _matrix_rows(upload, found, lookup)
    else:
        raise ImportFileError(
            "Colonnes attendues : « Unité », « Critère », « Taux (%) » (une ligne par unité et critère), "
            "ou « Unité » puis une colonne par critère. Utilisez un des modèles proposés."
        )
    result = ImportResult(errors=list(errors))
    valid, seen = [], {}
    for number, data, labels in rows:
        form = ResultRowForm(data, lookup=lookup)
        if not form.is_valid():
            for name, messages in form.errors.items():
                for message in messages:
                    result.errors.append(RowError(number, labels.get(name, ""), message))
            continue
        key = (form.cleaned_data["unit"].pk, form.cleaned_data["criterion"].pk)
        if key in seen:
            result.errors.append(
                RowError(number, "", f"Doublon : cette unité et ce critère figurent déjà ligne {seen[key]}.")
            )
            continue
        seen[key] = number
        valid.append(form.cleaned_data)
    if not rows and not result.errors:
        result.errors.append(RowError(2, "", "Aucun taux à importer."))
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    with transaction.atomic():
        record = once.claim()
        for data in valid:
            changed = result_set(
                unit=data["unit"],
                criterion=data["criterion"],
                rate=data["rate"],
                satisfied=data.get("satisfied"),
                concerned=data.get("concerned"),
                source=Result.Source.IMPORT,
                by=by,
            )
            if changed:
                result.created += 1
            else:
                result.unchanged += 1
        record.rows_created = result.created
        record.save(update_fields=["rows_created"])
    return result
