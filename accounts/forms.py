"""Forms of onboarding and accounts (French labels and messages)."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import password_validation

from sites.models import Department, Entity, Role, Site, TimeZone, User

from . import services

# INSEE codes: 01–95 (2A and 2B for Corsica), 971–976 overseas.
DEPARTMENT_CODE = re.compile(r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$")


class DepartmentCreateForm(forms.ModelForm):
    quality_manager_email = forms.EmailField(
        label="Adresse électronique du (de la) chargé(e) de mission qualité",
        help_text="Il (elle) recevra un lien, valable 7 jours et utilisable une fois, pour choisir son "
        "mot de passe ; il (elle) invitera ensuite le reste de l'équipe.",
    )

    class Meta:
        model = Department
        fields = ["code", "name", "prefecture_name", "time_zone"]
        help_texts = {"code": "Code INSEE : 13, 2A, 974…"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prefecture_name"].required = True
        self.fields["time_zone"].initial = TimeZone.PARIS

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        if not DEPARTMENT_CODE.match(code):
            raise forms.ValidationError(
                "Code de département invalide : indiquez son code INSEE (01 à 95, 2A, 2B, 971 à 976)."
            )
        if Department.objects.filter(code=code).exists():
            raise forms.ValidationError(f"Le département {code} existe déjà.")
        return code

    def validate_unique(self):
        pass  # the code's uniqueness is said by clean_code (and the database keeps it)


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse électronique", max_length=254)
    role = forms.ChoiceField(label="Rôle", choices=[("", "---------"), *Role.choices])
    entity = forms.ModelChoiceField(
        label="Entité",
        queryset=Entity.objects.none(),
        required=False,
        help_text="Laissez vide pour tout le département.",
    )
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.none(),
        required=False,
        help_text="Laissez vide pour toute l'entité (ou tout le département).",
    )

    def __init__(self, *args, department, **kwargs):
        super().__init__(*args, **kwargs)
        self.department = department
        self.fields["entity"].queryset = Entity.objects.filter(department=department).order_by(
            "order", "name"
        )
        self.fields["site"].queryset = (
            Site.objects.filter(entity__department=department)
            .select_related("entity")
            .order_by("entity__order", "order", "name")
        )
        self.fields["site"].label_from_instance = lambda s: f"{s.name} ({s.code}) – {s.entity.name}"
        self.fields["entity"].label_from_instance = lambda e: f"{e.name} ({e.code})"

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            services.invitation_check(
                email=data["email"],
                role=data["role"],
                department=self.department,
                entity=data.get("entity"),
                site=data.get("site"),
            )
        except forms.ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                self.add_error(None, exc)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier Excel (.xlsx)", help_text="Le modèle à remplir est proposé ci-dessus."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Choisissez un classeur Excel (.xlsx).")
        return upload


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "Les deux mots de passe ne correspondent pas.")
        elif first:
            candidate = User(
                username=self.email,
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "job_title", "phone"]
