from django import forms
from django.core.exceptions import ValidationError

from qualipref.attachments.validators import validate_upload
from referential.selectors import engagements_in_force, modules_in_force
from sites.access import WRITE, allows, ids, scope_for, writable
from sites.models import Entity, Site, User

from .models import (
    Agent,
    Committee,
    CrisisExercise,
    Deadline,
    Decision,
    Document,
    LabelEvent,
    Meeting,
    Newsletter,
    PressRelease,
    SocialMediaCount,
    Training,
)
from .services import VERSION_FILE_REQUIRED

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _department_users(department):
    """The active users with a membership of the département (a Department or its id)."""
    department_id = getattr(department, "pk", department)
    return User.objects.filter(memberships__department_id=department_id, is_active=True).distinct()


class DepartmentFormMixin:
    """Forms of département rows: the département comes from the user's writable ones."""

    def _setup_department(self, user):
        departments = scope_for(user).ids("department", WRITE)
        from sites.models import Department

        self.fields["department"].queryset = Department.objects.filter(pk__in=departments)
        if len(departments) == 1:
            self.fields["department"].initial = next(iter(departments))
            self.fields["department"].widget = forms.HiddenInput()
            # Not a choice: a tampered value is ignored (its error would not show on a hidden field).
            self.fields["department"].disabled = True


class CommitteeForm(DepartmentFormMixin, forms.ModelForm):
    class Meta:
        model = Committee
        fields = ["department", "name", "kind", "frequency", "description", "active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["department"]
        else:
            self._setup_department(user)


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(User.objects.none(), required=False, label="Utilisateur")
    name = forms.CharField(
        label="ou personne extérieure", required=False, max_length=150, help_text="Nom et prénom."
    )
    organisation = forms.CharField(label="Organisme", required=False, max_length=150)
    role = forms.CharField(label="Rôle dans le comité", required=False, max_length=100)

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _department_users(committee.department_id)

    def clean(self):
        data = super().clean()
        if not data.get("user") and not data.get("name", "").strip():
            raise ValidationError("Choisissez un utilisateur ou saisissez le nom d'une personne extérieure.")
        return data


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "title", "location", "attendees", "other_attendees", "agenda", "minutes"]
        widgets = {
            "held_on": DATE,
            "attendees": forms.CheckboxSelectMultiple,
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "other_attendees": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, committee, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.committee = committee
        self.instance.department_id = committee.department_id
        self.fields["attendees"].queryset = committee.members.select_related("user")


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text", "owner", "due_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "due_on": DATE}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        self.instance.department_id = meeting.department_id
        self.fields["owner"].queryset = _department_users(meeting.department_id)


class NarrowScopeFormMixin:
    """Département, then optionally an entity or a site among those the user may write."""

    def _setup_scope(self, user):
        from sites.models import Department

        entities = writable(user, Entity.objects)
        dept_ids = set(ids(user, "department", WRITE)) | set(entities.values_list("department_id", flat=True))
        self.fields["department"].queryset = Department.objects.filter(pk__in=dept_ids)
        if len(dept_ids) == 1:
            self.fields["department"].initial = next(iter(dept_ids))
            self.fields["department"].widget = forms.HiddenInput()
            self.fields["department"].disabled = True  # a tampered value is ignored
        self.fields["entity"].queryset = entities
        self.fields["site"].queryset = writable(user, Site.objects)
        self.user = user

    def clean(self):
        data = super().clean()
        probe = self.instance
        probe.department = data.get("department") or getattr(probe, "department", None)
        probe.entity = data.get("entity")
        probe.site = data.get("site")
        if probe.site and not probe.entity:
            probe.entity = probe.site.entity
        if probe.department_id and not allows(self.user, probe, WRITE):
            raise ValidationError(
                "Votre rôle ne permet pas d'enregistrer à ce niveau : choisissez votre entité ou votre site."
            )
        return data


class DeadlineForm(NarrowScopeFormMixin, forms.ModelForm):
    class Meta:
        model = Deadline
        fields = [
            "department",
            "entity",
            "site",
            "title",
            "kind",
            "frequency",
            "starts_on",
            "ends_on",
            "until",
            "responsible",
            "remind_days",
            "notes",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "until": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_scope(user)
        self.fields["responsible"].queryset = User.objects.filter(
            memberships__department__in=self.fields["department"].queryset, is_active=True
        ).distinct()
        self.fields["remind_days"].max_value = 90
        self.fields["remind_days"].widget.attrs["max"] = 90


class DocumentForm(NarrowScopeFormMixin, forms.ModelForm):
    class Meta:
        model = Document
        fields = [
            "department",
            "entity",
            "site",
            "reference",
            "title",
            "kind",
            "module",
            "engagement",
            "owner",
            "review_on",
            "review_months",
        ]
        widgets = {"review_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_scope(user)
        # the version of the referential in force in the user's départements (their edited one if any)
        departments = self.fields["department"].queryset.values_list("pk", flat=True)
        self.fields["module"].queryset = modules_in_force(departments, keep=[self.instance.module_id])
        self.fields["engagement"].queryset = engagements_in_force(
            departments, keep=[self.instance.engagement_id]
        )
        self.fields["owner"].queryset = User.objects.filter(
            memberships__department__in=self.fields["department"].queryset, is_active=True
        ).distinct()


class DocumentReviewForm(forms.Form):
    reviewed_on = forms.DateField(
        label="Revue faite le", widget=DATE, error_messages={"invalid": "Saisissez une date valide."}
    )
    note = forms.CharField(label="Remarque (facultatif)", max_length=255, required=False)


class DocumentVersionForm(forms.Form):
    label = forms.CharField(label="Version", max_length=20, help_text="Par exemple 1.0 ou 2.")
    issued_on = forms.DateField(label="Date", widget=DATE)
    file = forms.FileField(
        label="Fichier",
        help_text="PDF, Word, OpenDocument… 10 Mo au plus.",
        error_messages={"required": VERSION_FILE_REQUIRED},
    )
    changes = forms.CharField(label="Modifications", max_length=255, required=False)
    make_current = forms.BooleanField(label="Version en vigueur", required=False, initial=True)

    def __init__(self, *args, document, **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload)
        return upload

    def clean_label(self):
        label = self.cleaned_data["label"].strip()
        if self.document.versions.filter(label=label).exists():
            raise ValidationError(f"La version « {label} » existe déjà pour ce document.")
        return label


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Document.Status.choices)


class AgentForm(forms.ModelForm):
    class Meta:
        model = Agent
        fields = [
            "site",
            "last_name",
            "first_name",
            "job_title",
            "user",
            "reception_duties",
            "took_post_on",
            "left_on",
        ]
        widgets = {"took_post_on": DATE, "left_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        sites = writable(user, Site.objects)
        self.fields["site"].queryset = sites
        self.fields["user"].queryset = User.objects.filter(
            memberships__department__entities__sites__in=sites, is_active=True
        ).distinct()
        self.fields["user"].required = False


class TrainingForm(forms.ModelForm):
    class Meta:
        model = Training
        fields = ["topic", "title", "trained_on", "provider", "hours"]
        widgets = {"trained_on": DATE}


class YearFilterForm(forms.Form):
    annee = forms.IntegerField(label="Année", required=False, min_value=2000, max_value=2100)


class PressReleaseForm(DepartmentFormMixin, forms.ModelForm):
    class Meta:
        model = PressRelease
        fields = ["department", "issued_on", "event", "channel", "text"]
        widgets = {"issued_on": DATE, "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["department"]
        else:
            self._setup_department(user)


class CrisisExerciseForm(PressReleaseForm):
    class Meta:
        model = CrisisExercise
        fields = ["department", "held_on", "scenario", "cip_activated", "lessons"]
        widgets = {"held_on": DATE, "lessons": forms.Textarea(attrs={"rows": 4})}


class NewsletterForm(PressReleaseForm):
    class Meta:
        model = Newsletter
        fields = ["department", "title", "number", "published_on", "summary"]
        widgets = {"published_on": DATE, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk and "department" in self.fields and not self.initial.get("title"):
            # The title is the département's setting (one département in scope: its own).
            titles = {d.newsletter_title for d in self.fields["department"].queryset if d.newsletter_title}
            if len(titles) == 1:
                self.fields["title"].initial = titles.pop()


class SocialMediaCountForm(PressReleaseForm):
    class Meta:
        model = SocialMediaCount
        fields = ["department", "network", "month", "posts"]
        widgets = {"month": forms.DateInput(attrs={"type": "month"}, format="%Y-%m")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].input_formats = ["%Y-%m", "%Y-%m-%d", "%d/%m/%Y", "%m/%Y"]

    def clean_month(self):
        month = self.cleaned_data["month"]
        return month.replace(day=1) if month else month


class LabelEventForm(PressReleaseForm):
    class Meta:
        model = LabelEvent
        fields = ["department", "happened_on", "kind", "title", "detail"]
        widgets = {"happened_on": DATE, "detail": forms.Textarea(attrs={"rows": 3})}
