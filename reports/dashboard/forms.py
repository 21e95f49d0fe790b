"""The dashboard's filter and the pack request."""

from django import forms

from indicators.forms import MonthField


class DashboardFilter(forms.Form):
    """The département (a scope over several: one committee at a time), the entity and the month shown."""

    department = forms.TypedChoiceField(label="Département", required=False, coerce=int, empty_value=None)
    entity = forms.TypedChoiceField(label="Entité", required=False, coerce=int, empty_value=None)
    month = MonthField(label="Mois", required=False)

    def __init__(self, *args, departments, entities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [(d.pk, f"{d.code} · {d.name}") for d in departments]
        self.fields["entity"].choices = [("", "Toutes les entités")] + [(e.pk, e.name) for e in entities]


class PackRequestForm(forms.Form):
    month = MonthField(label="Mois du comité")
