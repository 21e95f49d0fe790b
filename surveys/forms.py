from decimal import Decimal

from django import forms

from referential.selectors import engagements_in_force
from sites.models import Department, ReceptionPoint, Site

from .models import Answer, Campaign, Criterion, SurveyUnit

RATE_ERRORS = {
    # Messages with parameters are %-formatted by Django: "%%" is a literal percent sign.
    "min_value": "Un taux est compris entre 0 et 100 %%.",
    "max_value": "Un taux est compris entre 0 et 100 %%.",
    "invalid": "Saisissez un nombre (par exemple 51,5).",
    "max_decimal_places": "Une seule décimale au plus (par exemple 51,5).",
    "max_digits": "Un taux est compris entre 0 et 100 %%.",
    "max_whole_digits": "Un taux est compris entre 0 et 100 %%.",
}


def rate_field(*, error_messages=None, **kwargs):
    return forms.DecimalField(
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=1,
        localize=True,
        error_messages={**RATE_ERRORS, **(error_messages or {})},
        **kwargs,
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CampaignForm(forms.ModelForm):
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label="Département")
    copy_from_previous = forms.BooleanField(
        label="Reprendre les unités et les critères de la campagne précédente de la même population",
        required=False,
        initial=True,
        help_text="Sinon, la campagne reçoit les critères par défaut et aucune unité.",
    )

    class Meta:
        model = Campaign
        fields = [
            "department",
            "name",
            "year",
            "population",
            "starts_on",
            "ends_on",
            "method",
            "respondents",
            "notes",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "method": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["department"]
            del self.fields["copy_from_previous"]
            self.fields["population"].disabled = True
        else:
            self.fields["department"].queryset = departments
            if departments is not None and departments.count() == 1:
                self.fields["department"].initial = departments.first()
                self.fields["department"].widget = forms.HiddenInput()
                self.fields["department"].disabled = True  # a tampered value is ignored

    def clean(self):
        data = super().clean()
        department = data.get("department") or getattr(self.instance, "department", None)
        if department and data.get("year") and data.get("population"):
            clash = Campaign.objects.filter(
                department=department, year=data["year"], population=data["population"]
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("year", "Une campagne existe déjà pour cette population et cette année.")
        return data

    def validate_unique(self):
        # The department is not on the instance before the service sets it: checked in clean().
        pass


class CriterionForm(forms.ModelForm):
    target_rate = rate_field(label="Cible (%)", required=False)

    class Meta:
        model = Criterion
        fields = ["order", "code", "label", "synonyms", "question", "engagement", "target_rate"]
        widgets = {
            "order": forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 0}),
            "code": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "label": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "synonyms": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "question": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "engagement": forms.Select(attrs={"class": "form-select form-select-sm"}),
        }

    def __init__(self, *args, department_id, **kwargs):
        super().__init__(*args, **kwargs)
        # the version of the referential in force in the campaign's département (its edited one if any)
        self.fields["engagement"].queryset = engagements_in_force(
            [department_id], keep=[self.instance.engagement_id]
        )
        self.fields["engagement"].required = False
        self.fields["engagement"].label_from_instance = lambda e: f"{e.code} – {e.title[:45]}"
        self.fields["target_rate"].widget.attrs.update({"class": "form-control form-control-sm text-end"})
        self.fields["code"].required = False
        self.fields["code"].help_text = "Laissé vide : déduit du libellé."


class UnitForm(forms.ModelForm):
    strengths = forms.CharField(
        label="Points forts",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Un point par ligne.",
    )
    vigilance = forms.CharField(
        label="Points de vigilance",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Un point par ligne. Un point de vigilance peut donner lieu à une action.",
    )

    class Meta:
        model = SurveyUnit
        fields = ["site", "name", "code", "reception_points", "respondents", "order"]
        widgets = {"reception_points": forms.CheckboxSelectMultiple}

    def __init__(self, *args, campaign, site_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["site"].queryset = Site.objects.filter(
            pk__in=site_ids, entity__department_id=campaign.department_id
        ).select_related("entity")
        self.fields["reception_points"].queryset = ReceptionPoint.objects.filter(
            site_id__in=site_ids, site__entity__department_id=campaign.department_id
        ).select_related("site")
        self.fields["reception_points"].label_from_instance = lambda p: f"{p.site.name} – {p.name}"
        self.fields[
            "reception_points"
        ].help_text = "Le ou les points d'accueil couverts (par exemple accueil général et associations)."
        self.fields["code"].required = False
        self.fields["code"].help_text = "Laissé vide : déduit du nom. Il figure dans l'adresse du QR code."
        if self.instance.pk:
            points = list(self.instance.points.order_by("order", "pk"))
            self.fields["strengths"].initial = "\n".join(p.text for p in points if p.kind == "strength")
            self.fields["vigilance"].initial = "\n".join(p.text for p in points if p.kind == "vigilance")

    def clean(self):
        data = super().clean()
        site, points = data.get("site"), data.get("reception_points")
        if site and points:
            wrong = [p for p in points if p.site_id != site.pk]
            if wrong:
                self.add_error("reception_points", "Choisissez des points d'accueil du site de l'unité.")
        code = data.get("code")
        if (
            code
            and SurveyUnit.objects.filter(campaign=self.campaign, code=code)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("code", "Une autre unité de la campagne porte déjà ce code.")
        return data

    def validate_unique(self):
        pass

    @staticmethod
    def lines(text):
        return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


class ResultsForm(forms.Form):
    """One decimal input per unit × criterion the user may change."""

    def __init__(self, *args, matrix, writable_site_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        self.cells = {}
        for row in matrix.rows:
            editable_row = row.unit.site_id in writable_site_ids
            for cell in row.cells:
                name = f"r_{row.unit.pk}_{cell.criterion.pk}"
                field = rate_field(label=f"{row.unit.name} – {cell.criterion.label}", required=False)
                field.widget.attrs.update(
                    {"class": "form-control form-control-sm text-end", "inputmode": "decimal"}
                )
                if not editable_row or cell.source == "responses":
                    field.disabled = True
                field.initial = cell.rate
                self.fields[name] = field
                self.cells[name] = (row.unit, cell.criterion)

    def values(self):
        return {
            self.cells[name]: self.cleaned_data.get(name)
            for name, field in self.fields.items()
            if not field.disabled
        }

    def grid(self):
        """Rows of (unit, [bound field per criterion]) for the template."""
        return [
            (row.unit, [self[f"r_{row.unit.pk}_{cell.criterion.pk}"] for cell in row.cells])
            for row in self.matrix.rows
        ]


ANSWER_CHOICES = [(str(v.value), v.label) for v in Answer.Value]
HONEYPOT_FIELD = "site_web"


class QuestionnaireForm(forms.Form):
    """The public questionnaire: one required radio group per criterion, a comment, a honeypot."""

    token = forms.CharField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label="Votre commentaire (facultatif)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="N'indiquez ni votre nom ni vos coordonnées : ce questionnaire est anonyme.",
        error_messages={"max_length": "Votre commentaire est trop long (2 000 caractères au plus)."},
    )
    site_web = forms.CharField(label="Ne pas remplir ce champ", required=False)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"c_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.question_text,
                choices=ANSWER_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choisissez une réponse (ou « Non concerné(e) »).",
                    "invalid_choice": "Choisissez une des réponses proposées.",
                },
            )

    def criterion_fields(self):
        return [(c, self[f"c_{c.pk}"]) for c in self.criteria]

    def answers(self):
        return {c.pk: self.cleaned_data[f"c_{c.pk}"] for c in self.criteria}

    @property
    def is_bot(self):
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())
