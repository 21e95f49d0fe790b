from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms

from referential.models import Engagement, Module
from sites.access import visible, writable
from sites.models import Entity, Site
from surveys.selectors import criterion_choices

from . import computed, rules, services
from .models import ApiClient, Indicator, Target


class MonthField(forms.DateField):
    """A month typed as 2015-06 (HTML month input), 06/2015, or any date of the month."""

    widget = forms.DateInput(attrs={"type": "month"})

    def to_python(self, value):
        if isinstance(value, dt.datetime):
            return value.date().replace(day=1)
        if isinstance(value, dt.date):
            return value.replace(day=1)
        text = str(value or "").strip()
        if not text:
            return None
        if "/" in text:
            parts = text.split("/")
            text = f"{parts[-1]}-{parts[-2]}" if len(parts) in (2, 3) else text
        month = rules.parse_month(text)
        if month is None:
            raise forms.ValidationError("Mois attendu, par exemple 2015-06 ou 06/2015.")
        return month


class FrenchDecimalField(forms.DecimalField):
    """Accepts 66,3 as well as 66.3 (and spaces as thousands separators)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "description",
            "unit",
            "direction",
            "frequency",
            "aggregation",
            "formula",
            "computed_code",
            "computed_param",
            "module",
            "engagement",
            "min_value",
            "max_value",
            "order",
            "active",
        ]

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.department = department
        self.fields["computed_code"] = forms.ChoiceField(
            label="Calcul",
            required=False,
            choices=[("", "—")] + computed.choices(),
            help_text="Pour un indicateur calculé : la source dans Qualipref.",
        )
        criteria = criterion_choices(department)
        current = self.instance.computed_param
        if current and current not in dict(criteria):
            criteria.append((current, f"{current} (critère absent des enquêtes)"))
        self.fields["computed_param"] = forms.ChoiceField(
            label="Critère d'enquête",
            required=False,
            choices=[("", "—")] + criteria,
            help_text="Pour la satisfaction par critère : le critère des enquêtes de satisfaction suivi.",
        )
        self.fields["module"].queryset = Module.objects.select_related("referential").order_by(
            "referential", "number"
        )
        self.fields["engagement"].queryset = Engagement.objects.select_related("module").order_by(
            "module", "order"
        )


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["entity", "site", "year", "value"]

    def __init__(self, *args, indicator, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.indicator = indicator
        self.fields["entity"].queryset = writable(user, Entity.objects).filter(
            department_id=indicator.department_id
        )
        self.fields["site"].queryset = (
            writable(user, Site.objects)
            .filter(entity__department_id=indicator.department_id)
            .select_related("entity")
        )


class MeasurementForm(forms.Form):
    indicator = forms.ModelChoiceField(label="Indicateur", queryset=Indicator.objects.none())
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none())
    period = MonthField(label="Mois")
    value = FrenchDecimalField(label="Valeur", max_digits=12, decimal_places=2)
    comment = forms.CharField(label="Commentaire", max_length=255, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = visible(user, Indicator.objects).filter(
            formula=Indicator.Formula.MEASURED
        )
        self.fields["site"].queryset = writable(user, Site.objects).select_related("entity")

    def clean(self):
        data = super().clean()
        indicator, site = data.get("indicator"), data.get("site")
        if indicator and site and data.get("period") and data.get("value") is not None:
            for field, message in services.measurement_errors(
                indicator=indicator, site=site, period=data["period"], value=data["value"]
            ).items():
                self.add_error(field, message)
        return data


IMPORT_HEADERS = {
    "Indicateur (code)": "indicator",
    "Site (code)": "site",
    "Mois": "period",
    "Valeur": "value",
    "Commentaire": "comment",
}


class MeasurementImportRowForm(forms.Form):
    """One spreadsheet row: codes resolved against the user's département and writable sites."""

    indicator = forms.CharField()
    site = forms.CharField()
    period = MonthField()
    value = FrenchDecimalField(max_digits=12, decimal_places=2)
    comment = forms.CharField(max_length=255, required=False)

    def __init__(self, data, *, indicators: dict, sites: dict, readable_site_codes: set):
        super().__init__(data)
        self.indicators, self.sites, self.readable = indicators, sites, readable_site_codes

    def clean_indicator(self):
        code = str(self.cleaned_data["indicator"]).strip()
        if code not in self.indicators:
            raise forms.ValidationError(f"Indicateur inconnu : « {code} ».")
        return self.indicators[code]

    def clean_site(self):
        code = str(self.cleaned_data["site"]).strip()
        if code not in self.sites:
            if code in self.readable:
                raise forms.ValidationError(services.NO_WRITE_ON_SITE.format(site=code))
            raise forms.ValidationError(f"Site inconnu : « {code} ».")
        return self.sites[code]

    def clean(self):
        data = super().clean()
        if all(data.get(k) is not None for k in ("indicator", "site", "period", "value")):
            for field, message in services.measurement_errors(
                indicator=data["indicator"],
                site=data["site"],
                period=data["period"],
                value=Decimal(data["value"]),
            ).items():
                self.add_error(field, message)
        return data


def import_row_factory(user):
    """Build the row form with the user's indicators and sites loaded once (two queries for the file)."""
    indicators = {i.code: i for i in visible(user, Indicator.objects)}
    sites = {s.code: s for s in writable(user, Site.objects).select_related("entity")}
    readable = set(visible(user, Site.objects).values_list("code", flat=True))
    return lambda data: MeasurementImportRowForm(
        data, indicators=indicators, sites=sites, readable_site_codes=readable
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Classeur Excel (.xlsx)", help_text="Utilisez le modèle : une ligne par mesure."
    )


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ["name", "sites"]
        widgets = {"sites": forms.CheckboxSelectMultiple}

    def __init__(self, *args, department, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = (
            writable(user, Site.objects).filter(entity__department=department).select_related("entity")
        )
