from __future__ import annotations

import datetime as dt

from django import forms

from qualipref.widgets import Select
from referential.selectors import engagements_in_force, modules_in_force
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
        # the version of the referential in force in the département (its edited one if any); an
        # indicator's module or engagement of an earlier version stays choosable
        self.fields["module"].queryset = modules_in_force([department.pk], keep=[self.instance.module_id])
        self.fields["engagement"].queryset = engagements_in_force(
            [department.pk], keep=[self.instance.engagement_id]
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
    indicator = forms.ModelChoiceField(label="Indicateur", queryset=Indicator.objects.none(), widget=Select)
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none(), widget=Select)
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
