from django import forms
from django.utils import timezone

from . import collect, periods


class PrepareForm(forms.Form):
    families = forms.MultipleChoiceField(
        label="Chiffres à publier",
        choices=collect.FAMILIES,
        widget=forms.CheckboxSelectMultiple,
        initial=[code for code, _label in collect.FAMILIES],
        help_text="Vous pourrez encore écarter un chiffre avant de publier.",
    )
    campaign = forms.ModelChoiceField(
        label="Enquête de satisfaction",
        queryset=None,
        required=False,
        empty_label="— aucune —",
        help_text="Enquêtes closes ou publiées ayant des résultats sur ce site ; "
        "la précédente est reprise pour comparaison.",
    )
    period_start = forms.DateField(
        label="Début de la période",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Réclamations et indicateurs mesurés : par défaut les 12 derniers mois complets.",
    )
    period_end = forms.DateField(
        label="Fin de la période", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label="Message au public",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Facultatif, affiché sur la page publique (par exemple : travaux, déménagement).",
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        from surveys.models import Campaign

        campaigns = collect.satisfaction_campaigns(site)
        self.fields["campaign"].queryset = Campaign.objects.filter(pk__in=[c.pk for c in campaigns]).order_by(
            "-year"
        )
        start, end = periods.last_twelve_months(timezone.localdate())
        self.fields["period_start"].initial = start
        self.fields["period_end"].initial = end
        if campaigns:
            self.fields["campaign"].initial = campaigns[0].pk

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "La fin de la période doit suivre son début.")
        if end and end > timezone.localdate():
            self.add_error("period_end", "La période ne peut pas finir dans le futur.")
        if collect.SATISFACTION in (data.get("families") or []) and not data.get("campaign"):
            self.add_error("campaign", "Choisissez l'enquête dont publier les taux de satisfaction.")
        return data
