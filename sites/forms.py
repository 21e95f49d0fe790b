from django import forms

from . import services
from .access import MANAGE, managed_departments, writable
from .models import Department, Entity, ReceptionPoint, Site

CODE_FIXED = "Le code ne change plus une fois créé : il figure dans les imports et les adresses publiques."


def _one_department(field, departments) -> None:
    """A user who manages one département does not choose it (the field is hidden and defaults to it)."""
    departments = list(departments)
    field.queryset = Department.objects.filter(pk__in=[d.pk for d in departments])
    if len(departments) == 1:
        field.initial = departments[0]
        field.required = False
        field.widget = forms.HiddenInput()


class HiddenDepartmentErrors:
    """A hidden département field's error is shown at the top of the form (a hidden field shows none)."""

    def clean(self):
        data = super().clean()
        field = self.fields.get("department")
        if field is not None and isinstance(field.widget, forms.HiddenInput) and "department" in self.errors:
            self.add_error(None, "Département inconnu : choisissez un département que vous gérez.")
        return data


class EntityForm(HiddenDepartmentErrors, forms.ModelForm):
    department = forms.ModelChoiceField(label="Département", queryset=Department.objects.none())

    class Meta:
        model = Entity
        fields = ["department", "code", "name", "short_name", "kind", "order"]
        help_texts = {
            "code": "Identifiant court (lettres, chiffres, tirets), repris dans le fichier d'organisation.",
            "order": "Ordre d'affichage dans les listes et les rapports.",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["department"]
            self.fields["code"].disabled = True
            self.fields["code"].help_text = CODE_FIXED
        else:
            _one_department(self.fields["department"], managed_departments(user))

    def clean_department(self):
        return self.cleaned_data["department"] or self.fields["department"].initial

    def clean_code(self):
        code, department = self.cleaned_data["code"], self.cleaned_data.get("department")
        if not self.instance.pk and department:
            message = services.entity_code_taken(department.pk, code)
            if message:
                raise forms.ValidationError(message)
        return code

    def validate_unique(self):
        """Uniqueness is checked by the service, with a message that names the code."""


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = [
            "entity",
            "code",
            "name",
            "address",
            "postal_code",
            "city",
            "phone",
            "email",
            "opening_hours",
            "peak_hours",
            "notes",
            "order",
        ]
        help_texts = {
            "code": "Identifiant court et unique (lettres, chiffres, tirets) : la colonne « Site (code) » de "
            "tous les imports et l'adresse publique des formulaires du site.",
            "opening_hours": "Par exemple : du lundi au vendredi, 8 h 30 – 12 h et 13 h 30 – 16 h.",
        }
        widgets = {
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "peak_hours": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        entities = writable(user, Entity.objects, MANAGE).select_related("department")
        if self.instance.pk:
            entities = entities.filter(department_id=self.instance.entity.department_id)
            self.fields["code"].disabled = True
            self.fields["code"].help_text = CODE_FIXED
        self.fields["entity"].queryset = entities
        self.fields["entity"].error_messages["required"] = (
            "Choisissez l'entité à laquelle le site appartient."
        )
        self.fields["entity"].error_messages["invalid_choice"] = "Choisissez une entité de la liste."

    def validate_unique(self):
        """Uniqueness is checked by the service, with a message that names the code."""


class ReceptionPointForm(forms.ModelForm):
    class Meta:
        model = ReceptionPoint
        fields = ["code", "name", "phone", "email", "appointment_url", "opening_hours", "order"]
        help_texts = {
            "code": "Identifiant court, unique sur le site (colonne « Point d'accueil (code) » des imports).",
            "opening_hours": "Laissez vide si ce sont les horaires du site.",
        }
        widgets = {"opening_hours": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = CODE_FIXED

    def validate_unique(self):
        """Uniqueness is checked by the service, with a message that names the code."""


class OrganisationImportForm(HiddenDepartmentErrors, forms.Form):
    department = forms.ModelChoiceField(label="Département", queryset=Department.objects.none())
    file = forms.FileField(
        label="Classeur Excel (.xlsx)",
        help_text="Utilisez le modèle : une ligne par site, ou par point d'accueil.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _one_department(self.fields["department"], managed_departments(user))

    def clean_department(self):
        return self.cleaned_data["department"] or self.fields["department"].initial
