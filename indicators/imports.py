"""Import of monthly measurements: columns, row form and row service (the rest is qualipref.imports)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.urls import reverse

from qualipref.imports import ChoiceField, ImportColumn, Importer, coded
from sites.access import visible, writable
from sites.models import Site

from . import services
from .forms import FrenchDecimalField, MonthField
from .models import Indicator, Measurement

UNKNOWN_INDICATOR = "Indicateur inconnu : « {value} ». Indicateurs acceptés : {accepted}."
UNKNOWN_SITE = "Site inconnu : « {value} ». Sites acceptés : {accepted}."


class MeasurementRowForm(forms.Form):
    """One spreadsheet row: codes resolved against the user's indicators and writable sites."""

    indicator = ChoiceField()
    site = ChoiceField()
    period = MonthField()
    value = FrenchDecimalField(max_digits=12, decimal_places=2)
    comment = forms.CharField(max_length=255, required=False)

    def __init__(self, data, *, ctx):
        super().__init__(data)
        self.ctx = ctx
        for name in ("indicator", "site"):
            self.fields[name].choices_set = ctx.choices[name]

    def clean_site(self):
        return self.cleaned_data["site"]

    def full_clean(self):
        super().full_clean()
        # a site the user reads but may not write: say so rather than "unknown"
        raw = str(self.data.get("site") or "").strip()
        if "site" in self.errors and raw in self.ctx.readable:
            self.errors["site"] = self.error_class([services.NO_WRITE_ON_SITE.format(site=raw)])

    def clean(self):
        data = super().clean()
        if all(data.get(k) is not None for k in ("indicator", "site", "period", "value")):
            for field, message in services.measurement_errors(
                indicator=data["indicator"],
                site=data["site"],
                period=data["period"],
                value=Decimal(data["value"]),
                today=self.ctx.today,
            ).items():
                self.add_error(field, message)
        return data


def _plausible(indicator) -> float:
    """A value inside the indicator's declared range, for the template's example."""
    low, high = indicator.min_value, indicator.max_value
    if low is not None and high is not None:
        return float((low + high) / 2)
    return float(low if low is not None else high if high is not None else 1)


class MeasurementImporter(Importer):
    kind = "measurements"
    title = "Importer des mesures"
    intro = (
        "Une ligne par indicateur, site et mois. Une valeur déjà saisie pour le même mois et site est "
        "remplacée ; l'historique garde l'ancienne."
    )
    sheet = "Mesures"
    filename = "modele-mesures.xlsx"
    noun = ("mesure créée", "mesures créées")
    columns = [
        ImportColumn(
            "Indicateur (code)", "indicator", help="code d'un indicateur mesuré (voir « Valeurs acceptées »)"
        ),
        ImportColumn("Site (code)", "site", help="code d'un site de votre périmètre"),
        ImportColumn("Mois", "period", help="mois : AAAA-MM ou MM/AAAA"),
        ImportColumn("Valeur", "value", help="nombre (virgule ou point)"),
        ImportColumn("Commentaire", "comment", required=False),
    ]

    def prepare(self, *, user, target):
        ctx = super().prepare(user=user, target=target)
        ctx.indicators = list(
            visible(user, Indicator.objects).filter(formula=Indicator.Formula.MEASURED).order_by("code")
        )
        ctx.sites = list(writable(user, Site.objects).select_related("entity").order_by("code"))
        ctx.readable = set(visible(user, Site.objects).values_list("code", flat=True))
        ctx.choices = {
            "indicator": coded(ctx.indicators, unknown=UNKNOWN_INDICATOR),
            "site": coded(ctx.sites, unknown=UNKNOWN_SITE, detail=lambda s: s.name),
        }
        return ctx

    def examples(self, ctx):
        month = ctx.today.replace(day=1).strftime("%Y-%m")
        return [
            {"indicator": i.code, "site": s.code, "period": month, "value": _plausible(i), "comment": ""}
            for i in ctx.indicators[:2]
            for s in ctx.sites[:2]
        ]

    def form(self, data, ctx):
        return MeasurementRowForm(data, ctx=ctx)

    def identity(self, data, ctx):
        return (data["indicator"].pk, data["site"].pk, data["period"])

    def save(self, data, ctx):
        _, outcome = services.measurement_record(
            indicator=data["indicator"],
            site=data["site"],
            period=data["period"],
            value=data["value"],
            comment=data["comment"],
            source=Measurement.Source.IMPORT,
            by=ctx.user,
        )
        return outcome

    def done_url(self, target):
        return reverse("indicators:measurement_list")


IMPORTER = MeasurementImporter()
IMPORT_HEADERS = {c.header: c.field for c in IMPORTER.columns}
