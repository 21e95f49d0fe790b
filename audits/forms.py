from django import forms
from django.db.models import Q

from referential.models import Criterion, Engagement, FindingType, Module, Referential
from referential.selectors import finding_types_in_force, versions_in_force
from sites.models import Department, Membership, ReceptionPoint, Role, Site, User

from .models import Audit, AuditPlanLine, Finding, GapSheet, SelfAssessmentRow

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditForm(forms.ModelForm):
    class Meta:
        model = Audit
        fields = [
            "entity",
            "kind",
            "title",
            "referential",
            "start_on",
            "end_on",
            "modules",
            "sites",
            "reception_points",
            "auditors",
            "external_body",
            "external_auditors",
            "headcount_total",
            "headcount_in_scope",
        ]
        widgets = {
            "start_on": DATE,
            "end_on": DATE,
            "modules": forms.CheckboxSelectMultiple,
            "sites": forms.CheckboxSelectMultiple,
            "reception_points": forms.CheckboxSelectMultiple,
            "auditors": forms.CheckboxSelectMultiple,
        }
        help_texts = {"sites": "Vide : tous les sites de l'entité."}

    def __init__(self, *args, entities, **kwargs):
        super().__init__(*args, **kwargs)
        entity_ids = [e.pk for e in entities]
        self.fields["entity"].queryset = entities
        department_ids = {e.department_id for e in entities}
        # the published referentials and the versions the entities' départements made of them (another
        # département's version is not offered)
        self.fields["referential"].queryset = Referential.objects.filter(
            Q(department__isnull=True) | Q(department_id__in=department_ids)
        ).order_by("-published_on", "-pk")
        self.fields["modules"].queryset = (
            Module.objects.filter(label_scopes__entity_id__in=entity_ids)
            .select_related("referential")
            .distinct()
            .order_by("number", "referential__published_on", "pk")
        )
        self.fields["modules"].label_from_instance = lambda m: (
            f"Module {m.number} – {m.title} ({m.referential.name} {m.referential.version})"
        )
        self.fields["sites"].queryset = Site.objects.filter(entity_id__in=entity_ids).select_related("entity")
        self.fields["sites"].required = False
        self.fields["reception_points"].queryset = ReceptionPoint.objects.filter(
            site__entity_id__in=entity_ids
        ).select_related("site")
        self.fields["reception_points"].label_from_instance = lambda p: f"{p.site} · {p.name}"
        self.fields["auditors"].queryset = User.objects.filter(
            pk__in=Membership.objects.filter(department_id__in=department_ids)
            .filter(Q(role=Role.AUDITOR) | Q(role=Role.QUALITY_MANAGER) | Q(role=Role.SITE_REFERENT))
            .values("user_id")
        ).order_by("last_name", "first_name")
        if self.instance.pk:
            self.fields["entity"].disabled = True
            self.fields["kind"].disabled = True


class AuditReportForm(forms.ModelForm):
    class Meta:
        model = Audit
        fields = ["documents_received", "evaluation", "closing_minutes"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}


class PlanLineForm(forms.ModelForm):
    class Meta:
        model = AuditPlanLine
        fields = ["date", "time", "place", "people_met", "topic"]
        widgets = {"date": DATE, "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


class FindingForm(forms.ModelForm):
    """A finding of one audit: types of the audit's referential; module, engagement and criterion of
    the audited modules; sites of the audit."""

    class Meta:
        model = Finding
        fields = [
            "finding_type",
            "module",
            "engagement",
            "criterion",
            "site",
            "title",
            "description",
            "observed_on",
        ]
        widgets = {"observed_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.audit = audit
        self.fields["finding_type"].queryset = FindingType.objects.filter(referential_id=audit.referential_id)
        # All modules of the referential are offered so that choosing one outside the audit gets a clear
        # message rather than a generic "invalid choice".
        self.fields["module"].queryset = Module.objects.filter(referential_id=audit.referential_id)
        self.fields["module"].label_from_instance = lambda m: f"Module {m.number} – {m.title}"
        self.fields["module"].help_text = "Modules audités : " + ", ".join(
            str(m.number) for m in audit.modules.all()
        )
        self.fields["engagement"].queryset = Engagement.objects.filter(
            module__referential_id=audit.referential_id
        ).select_related("module")
        self.fields["criterion"].queryset = Criterion.objects.filter(
            engagement__module__referential_id=audit.referential_id
        )
        self.fields["site"].queryset = Site.objects.filter(entity_id=audit.entity_id)
        self.fields["observed_on"].required = False


class GeneralFindingForm(forms.ModelForm):
    """A général finding, for the whole département."""

    class Meta:
        model = Finding
        fields = ["department", "finding_type", "title", "description", "observed_on"]
        widgets = {"observed_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, department_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(pk__in=department_ids)
        # the finding types of the version in force in the département (its edited one if any)
        self.fields["finding_type"].queryset = finding_types_in_force(
            department_ids, keep=[self.instance.finding_type_id]
        )

    def clean(self):
        data = super().clean()
        department, finding_type = data.get("department"), data.get("finding_type")
        if department and finding_type and finding_type.pk != self.instance.finding_type_id:
            in_force = versions_in_force([department.pk]).get(department.pk)
            if in_force is None or finding_type.referential_id != in_force.pk:
                self.add_error(
                    "finding_type",
                    "Choisissez un type de constat du référentiel en vigueur dans ce département.",
                )
        return data


class FindingStatusForm(forms.Form):
    status = forms.ChoiceField(label="Nouveau statut")
    verification_note = forms.CharField(
        label="Note de vérification",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour clore un constat qui appelle une action : ce qui a été vérifié.",
    )

    def __init__(self, *args, finding, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Finding.WORKFLOW.allowed(finding.status)
        self.fields["status"].choices = [(v, lbl) for v, lbl in Finding.Status.choices if v in allowed]
        if not self.is_bound:
            self.fields["verification_note"].initial = finding.verification_note


class GapSheetForm(forms.ModelForm):
    class Meta:
        model = GapSheet
        fields = ["observed", "requirement", "cause_analysis", "correction"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}


class ChecklistRowForm(forms.Form):
    answer = forms.ChoiceField(
        label="Évaluation", choices=[("", "—")] + SelfAssessmentRow.Answer.choices, required=False
    )
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label="Preuves", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ScheduleForm(forms.Form):
    entity = forms.ModelChoiceField(label="Entité", queryset=None)
    year = forms.IntegerField(label="Année", min_value=2000, max_value=2100)

    def __init__(self, *args, entities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = entities
