import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from qualipref.filters import CodeOrPkFilter
from qualipref.widgets import Select
from sites.access import REQUESTS, visible
from sites.models import ReceptionPoint, Site, User

from . import search
from .models import (
    ANSWER_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    Channel,
    Correspondence,
    DaysKind,
    Kind,
    ModelAnswer,
    Status,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _sites(user, perm):
    return visible(user, Site.objects, perm).order_by("entity__order", "order", "name")


# The requester's contact is one text on the request; the form asks for it in three fields so that a phone
# shows the right keyboard (e-mail, telephone, text), then joins them.
CONTACT_SEPARATOR = " · "
PHONE = re.compile(r"\+?[0-9][0-9 .()-]{5,24}")


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def split_contact(text: str) -> tuple[str, str, str]:
    """(e-mail, telephone, the rest) read back from a stored contact."""
    email = phone = ""
    rest = []
    for part in (text or "").split(CONTACT_SEPARATOR):
        part = part.strip()
        if not email and _is_email(part):
            email = part
        elif not phone and PHONE.fullmatch(part):
            phone = part
        elif part:
            rest.append(part)
    return email, phone, CONTACT_SEPARATOR.join(rest)


def join_contact(email: str, phone: str, rest: str) -> str:
    return CONTACT_SEPARATOR.join(p.strip() for p in (email, phone, rest) if p and p.strip())


class RequestForm(forms.ModelForm):
    requester_email = forms.EmailField(
        label="Courriel du requérant",
        required=False,
        max_length=120,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "inputmode": "email"}),
    )
    requester_phone = forms.CharField(
        label="Téléphone du requérant",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
        help_text="Par exemple 04 42 00 00 00.",
    )
    field_order = [
        "site",
        "reception_point",
        "kind",
        "channel",
        "received_on",
        "subject",
        "description",
        "requester_name",
        "requester_email",
        "requester_phone",
        "requester_contact",
        "assigned_to",
    ]

    class Meta:
        model = Correspondence
        fields = [
            "site",
            "reception_point",
            "kind",
            "channel",
            "received_on",
            "subject",
            "description",
            "requester_name",
            "requester_contact",
            "assigned_to",
        ]
        widgets = {
            "received_on": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 5}),
            # the country's sites and people for the administrator: written without a template per option
            "site": Select,
            "reception_point": Select,
            "assigned_to": Select,
        }
        help_texts = {
            "received_on": "Jour 0 du délai : le délai court à partir du lendemain.",
            "requester_name": "Donnée personnelle, effacée automatiquement après la durée de conservation.",
            "requester_contact": "Adresse postale, ou tout autre moyen de répondre.",
        }
        labels = {"requester_contact": "Autre contact du requérant"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        sites = _sites(user, REQUESTS)
        self.fields["site"].queryset = sites
        self.fields["site"].empty_label = None
        self.fields["reception_point"].queryset = ReceptionPoint.objects.filter(
            site__in=sites
        ).select_related("site")
        self.fields["reception_point"].label_from_instance = lambda p: f"{p.site.name} · {p.name}"
        department_ids = set(sites.values_list("entity__department_id", flat=True))
        self.fields["assigned_to"].queryset = User.objects.filter(
            memberships__department_id__in=department_ids, is_active=True
        ).distinct()
        self.fields["requester_name"].widget.attrs["autocomplete"] = "off"
        if self.instance.pk:
            self.fields["site"].disabled = True
            email, phone, rest = split_contact(self.instance.requester_contact)
            self.initial.update(requester_email=email, requester_phone=phone, requester_contact=rest)
        else:
            self.fields["received_on"].initial = timezone.localdate()

    def clean_requester_phone(self):
        value = self.cleaned_data["requester_phone"].strip()
        if value and not PHONE.fullmatch(value):
            raise forms.ValidationError("Saisissez un numéro de téléphone (chiffres, espaces, points, +).")
        return value

    def clean(self):
        data = super().clean()
        point, site = data.get("reception_point"), data.get("site")
        if point and site and point.site_id != site.pk:
            self.add_error("reception_point", "Ce point d'accueil n'appartient pas au site choisi.")
        # One contact on the request: the three fields joined (the views pass model fields only).
        email, phone = data.pop("requester_email", "") or "", data.pop("requester_phone", "") or ""
        if "requester_contact" in data:
            contact = join_contact(email, phone, data["requester_contact"])
            limit = Correspondence._meta.get_field("requester_contact").max_length
            if len(contact) > limit:
                self.add_error("requester_contact", f"Le contact complet dépasse {limit} caractères.")
            else:
                data["requester_contact"] = contact
        return data

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("La date de réception ne peut pas être dans le futur.")
        return value


class TransitionForm(forms.Form):
    on = forms.DateField(label="Date", widget=DATE_INPUT, required=False)
    reason = forms.CharField(label="Motif", max_length=255, required=False)


class AnswerForm(forms.Form):
    answered_on = forms.DateField(label="Date de la réponse", widget=DATE_INPUT)
    answer = forms.CharField(
        label="Réponse",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=ANSWER_MAX_LENGTH,
        error_messages={"required": "Saisissez le texte de la réponse."},
    )

    def __init__(self, *args, request_obj, **kwargs):
        self.request_obj = request_obj
        super().__init__(*args, **kwargs)

    def clean_answered_on(self):
        value = self.cleaned_data["answered_on"]
        if value < self.request_obj.received_on:
            raise forms.ValidationError("La date de réponse ne peut pas précéder la date de réception.")
        if value > timezone.localdate():
            raise forms.ValidationError("La date de réponse ne peut pas être dans le futur.")
        return value


class ModelAnswerForm(forms.ModelForm):
    class Meta:
        model = ModelAnswer
        fields = ["department", "kind", "topic", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["department"].empty_label = None


DEADLINE_CHOICES = [("overdue", "En retard"), ("due_soon", "Échéance proche"), ("open", "En cours")]


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Recherche",
        method="search",
        help_text="Tous les mots, dans l'objet, la description ou le nom du requérant, ou une référence.",
    )
    site = CodeOrPkFilter(label="Site", queryset=Site.objects.none(), empty_label="Tous")
    kind = django_filters.ChoiceFilter(label="Type", choices=Kind.choices, empty_label="Tous")
    status = django_filters.ChoiceFilter(label="Statut", choices=Status.choices, empty_label="Tous")
    channel = django_filters.ChoiceFilter(label="Canal", choices=Channel.choices, empty_label="Tous")
    received_from = django_filters.DateFilter(
        label="Reçue du", field_name="received_on", lookup_expr="gte", widget=DATE_INPUT
    )
    received_to = django_filters.DateFilter(
        label="Reçue au", field_name="received_on", lookup_expr="lte", widget=DATE_INPUT
    )
    deadline = django_filters.ChoiceFilter(
        label="Échéance", choices=DEADLINE_CHOICES, method="filter_deadline", empty_label="Toutes"
    )
    within = django_filters.NumberFilter(
        label="« Échéance proche » : nombre de jours", method="noop", min_value=0, max_value=365
    )

    class Meta:
        model = Correspondence
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["site"].queryset = _sites(user, "read")
        self.today = timezone.localdate()

    @property
    def within_days(self):
        try:
            value = int(self.data.get("within") or 3)
        except (TypeError, ValueError):
            return 3
        return min(max(value, 0), 365)

    def noop(self, queryset, name, value):
        return queryset

    def search(self, queryset, name, value):
        return search.matching(queryset, value)

    def filter_deadline(self, queryset, name, value):
        from .selectors import due_soon_q, overdue_q

        if value == "overdue":
            return queryset.filter(overdue_q(self.today))
        if value == "due_soon":
            return queryset.filter(due_soon_q(self.today, self.within_days))
        if value == "open":
            return queryset.filter(
                status__in=[Status.RECEIVED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.WAITING]
            )
        return queryset


# ---- public form --------------------------------------------------------------------------------------

PUBLIC_DESCRIPTION_MAX = DESCRIPTION_MAX_LENGTH


class PublicRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="Vous souhaitez déposer",
        choices=[(Kind.COMPLAINT, "une réclamation"), (Kind.SUGGESTION, "une suggestion")],
        widget=forms.RadioSelect,
        initial=Kind.COMPLAINT,
    )
    reception_point = forms.ModelChoiceField(
        label="Service concerné",
        queryset=ReceptionPoint.objects.none(),
        required=False,
        empty_label="Je ne sais pas",
    )
    subject = forms.CharField(label="Objet", max_length=200)
    description = forms.CharField(
        label="Votre message",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=PUBLIC_DESCRIPTION_MAX,
        help_text=f"{PUBLIC_DESCRIPTION_MAX} caractères au plus.",
    )
    requester_name = forms.CharField(label="Vos nom et prénom", max_length=150, required=False)
    requester_contact = forms.CharField(
        label="Votre adresse électronique ou postale",
        max_length=200,
        required=False,
        help_text="Facultatif, mais nécessaire pour recevoir une réponse.",
    )
    # Honeypot: hidden from people (CSS and aria-hidden); robots fill it in.
    website = forms.CharField(label="Ne pas remplir ce champ", required=False)

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reception_point"].queryset = site.reception_points.order_by("order", "name")

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError("Votre demande n'a pas pu être enregistrée.")
        return ""


class DeadlineRulesForm(forms.Form):
    """The département's answer deadline per kind of request: a number of days (bounded), calendar or
    working days, and whether waiting for the requester stops the clock. No key is typed."""

    def __init__(self, *args, rules, **kwargs):
        from .deadline_rule import MAX_DEADLINE_DAYS, MIN_DEADLINE_DAYS

        super().__init__(*args, **kwargs)
        self.rows = []
        bounds = f"Entre {MIN_DEADLINE_DAYS} et {MAX_DEADLINE_DAYS} jours."
        for rule in rules:
            label = Kind(rule.kind).label
            self.fields[f"{rule.kind}-days"] = forms.IntegerField(
                label=f"Délai de réponse ({label.lower()})",
                initial=rule.days,
                min_value=MIN_DEADLINE_DAYS,
                max_value=MAX_DEADLINE_DAYS,
                help_text=bounds,
                error_messages={
                    "min_value": f"Un délai se compte en jours, au moins {MIN_DEADLINE_DAYS}.",
                    "max_value": f"Un délai ne peut pas dépasser {MAX_DEADLINE_DAYS} jours.",
                    "required": "Saisissez le délai en jours.",
                    "invalid": "Saisissez un nombre entier de jours.",
                },
                widget=forms.NumberInput(attrs={"min": MIN_DEADLINE_DAYS, "max": MAX_DEADLINE_DAYS}),
            )
            self.fields[f"{rule.kind}-days_kind"] = forms.ChoiceField(
                label=f"Décompte ({label.lower()})",
                choices=DaysKind.choices,
                initial=rule.days_kind,
                error_messages={"invalid_choice": "Choisissez jours calendaires ou jours ouvrés."},
            )
            self.fields[f"{rule.kind}-pauses"] = forms.TypedChoiceField(
                label=f"Attente du requérant ({label.lower()})",
                choices=[("oui", "suspend le délai"), ("non", "ne suspend pas le délai")],
                coerce=lambda v: v == "oui",
                initial="oui" if rule.pauses else "non",
                error_messages={"invalid_choice": "Choisissez si l'attente du requérant suspend le délai."},
            )
            self.rows.append((rule.kind, label))

    def bound_rows(self):
        return [
            (kind, label, self[f"{kind}-days"], self[f"{kind}-days_kind"], self[f"{kind}-pauses"])
            for kind, label in self.rows
        ]

    def rules(self):
        from .deadline_rule import DeadlineRule

        data = self.cleaned_data
        return [
            DeadlineRule(kind, data[f"{kind}-days"], data[f"{kind}-days_kind"], data[f"{kind}-pauses"])
            for kind, _ in self.rows
        ]
