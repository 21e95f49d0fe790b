from django import forms
from django.utils import timezone

from referential.selectors import engagements_in_force, modules_in_force, versions_in_force
from sites.access import visible
from sites.models import Department, Entity, Site, User

from . import origins
from .models import ORIGIN_FIELDS, Action, ActionPlan

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WRONG_VERSION = (
    "Choisissez dans le référentiel en vigueur dans le département de l'entité (sa version modifiée, s'il "
    "en a une)."
)


def department_users(user):
    """Users with a role in one of the user's départements (owners and contributors to choose from)."""
    return User.objects.filter(
        is_active=True, memberships__department__in=visible(user, Department.objects)
    ).distinct()


def current_modules(department_ids, *, keep=()):
    """The modules of the referential version in force for these départements (`keep`: the module a row
    being edited already has)."""
    return modules_in_force(department_ids, keep=keep)


class ActionForm(forms.ModelForm):
    origin_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "entity",
            "sites",
            "category",
            "module",
            "engagement",
            "origin_kind",
            "origin_text",
            "owner",
            "contributors",
            "start_on",
            "due_on",
            "progress",
        ]
        widgets = {
            "start_on": DATE,
            "due_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "sites": forms.CheckboxSelectMultiple,
            "contributors": forms.SelectMultiple(attrs={"size": 5}),
        }
        help_texts = {"due_on": "Les relances partent au pilote avant l'échéance puis en cas de retard."}

    def __init__(self, *args, user, entity_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.origin = None
        self.fields["entity"].queryset = Entity.objects.filter(pk__in=entity_ids)
        self.fields["sites"].queryset = Site.objects.filter(entity_id__in=entity_ids).select_related("entity")
        self.fields["sites"].label_from_instance = lambda s: (
            f"{s.name} ({s.entity.short_name or s.entity.name})"
        )
        # The engagements of the version in force in the entities' départements (their own edited version
        # when they have one); what the action already points to stays choosable.
        department_ids = set(Entity.objects.filter(pk__in=entity_ids).values_list("department_id", flat=True))
        self.fields["module"].queryset = current_modules(department_ids, keep=[self.instance.module_id])
        self.fields["engagement"].queryset = engagements_in_force(
            department_ids, keep=[self.instance.engagement_id]
        )
        self.fields["engagement"].label_from_instance = lambda e: f"M{e.module.number} · {e.code} – {e.title}"
        users = department_users(user)
        self.fields["owner"].queryset = users
        self.fields["contributors"].queryset = users
        self.fields["contributors"].required = False
        self.fields["contributors"].help_text = "Ctrl + clic pour en choisir plusieurs."
        available = set(origins.available_kinds()) | {"free_text"}
        self.fields["origin_kind"].choices = [c for c in Action.OriginKind.choices if c[0] in available]
        if self.instance.pk is None:
            del self.fields["progress"]
            self.initial.setdefault("owner", user.pk)

    def clean(self):
        data = super().clean()
        start, due = data.get("start_on"), data.get("due_on")
        if start and due and due < start:
            self.add_error("due_on", "L'échéance ne peut pas précéder la date de début.")
        entity = data.get("entity")
        if entity is not None:
            in_force = versions_in_force([entity.department_id]).get(entity.department_id)
            module, engagement = data.get("module"), data.get("engagement")
            for field, chosen, referential_id, kept in (
                ("module", module, module and module.referential_id, self.instance.module_id),
                ("engagement", engagement, engagement and engagement.module.referential_id,
                 self.instance.engagement_id),
            ):  # fmt: skip
                if chosen is None or chosen.pk == kept:
                    continue
                if in_force is None or referential_id != in_force.pk:
                    self.add_error(field, WRONG_VERSION)
        kind = data.get("origin_kind")
        if kind in ORIGIN_FIELDS:
            origin = origins.load(kind, data.get("origin_id"))
            if origin is None or not origins.readable_by(kind, origin, self.user):
                self.add_error(
                    "origin_kind", "Choisissez l'élément d'origine (ou changez le type d'origine)."
                )
            self.origin = origin
        return data


class ActionTransitionForm(forms.Form):
    target = forms.ChoiceField(choices=Action.Status.choices, widget=forms.HiddenInput)
    completed_on = forms.DateField(label="Réalisée le", required=False, widget=DATE)
    verification_note = forms.CharField(
        label="Note de vérification", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    cancel_reason = forms.CharField(label="Motif d'annulation", required=False, max_length=300)


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label="Avancement (%)", min_value=0, max_value=100)


class CommentForm(forms.Form):
    text = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="Fichier", required=False)
    url = forms.URLField(label="Lien", required=False, assume_scheme="https")
    description = forms.CharField(label="Description", required=False, max_length=255)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url"):
            raise forms.ValidationError("Joignez un fichier ou indiquez un lien.")
        return data


class PlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["entity", "year", "title", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, entity_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].queryset = Entity.objects.filter(pk__in=entity_ids)
        self.initial.setdefault("year", timezone.localdate().year)


class PlanApproveForm(forms.Form):
    approved_on = forms.DateField(label="Approuvé le", widget=DATE)
    approved_by_committee = forms.CharField(
        label="Par", max_length=200, required=False, initial="Comité de pilotage qualité"
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="Classeur Excel (.xlsx)")
