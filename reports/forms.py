from django import forms
from django.utils import timezone

from sites.access import writable
from sites.models import Department

from .models import ReportRun

FIRST_YEAR = 2005  # the Charte Marianne: no quality label data can be older


def report_years() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


class AnnualReportForm(forms.Form):
    department = forms.ModelChoiceField(
        label="Département", queryset=Department.objects.none(), empty_label=None
    )
    year = forms.TypedChoiceField(
        label="Année",
        coerce=int,
        help_text="L'année dont le bilan rassemble les chiffres (du 1er janvier au 31 décembre).",
    )
    output_format = forms.ChoiceField(
        label="Format",
        choices=ReportRun.Format.choices,
        initial=ReportRun.Format.PDF,
        widget=forms.RadioSelect,
    )
    archival = forms.BooleanField(
        label="Version d'archivage (PDF/A-3b)",
        required=False,
        help_text="Pour le dépôt aux archives : polices incorporées, format figé. PDF seulement.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = writable(user, Department.objects).order_by("code")
        years = report_years()
        self.fields["year"].choices = [(y, str(y)) for y in years]
        self.fields["year"].initial = years[1] if len(years) > 1 else years[0]

    def clean(self):
        data = super().clean()
        if data.get("archival") and data.get("output_format") != ReportRun.Format.PDF:
            self.add_error("archival", "La version d'archivage n'existe qu'au format PDF.")
        return data

    def params(self) -> dict:
        return {
            "year": self.cleaned_data["year"],
            "variant": "pdf/a-3b" if self.cleaned_data["archival"] else "",
        }
