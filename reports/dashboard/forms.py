"""The dashboard's filter and the pack request."""

from django import forms

from indicators.forms import MonthField


class DashboardFilter(forms.Form):
    entity = forms.TypedChoiceField(label="Entité", required=False, coerce=int, empty_value=None)
    month = MonthField(label="Mois", required=False)

    def __init__(self, *args, entities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = [("", "Toutes les entités")] + [(e.pk, e.name) for e in entities]


class PackRequestForm(forms.Form):
    month = MonthField(label="Mois du comité")
