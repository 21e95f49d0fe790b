"""Imports of the training register and of the press-release log: every row validated, all or nothing."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from qualipref.excel import CellDateField, import_rows, read_xlsx
from qualipref.uploads import import_key
from sites import examples
from sites.access import writable
from sites.models import Department, Site

from .models import TRAINING_IN_FUTURE, Agent, PressRelease, Training
from .services import agent_refresh_due

TRAINING_HEADERS = {
    "Site": "site",
    "Nom": "last_name",
    "Prénom": "first_name",
    "Thème": "topic",
    "Date": "trained_on",
    "Organisme": "provider",
    "Intitulé": "title",
}
TRAINING_EXAMPLE = [
    [
        examples.SITE_CODE,
        "Fabre",
        "Marc",
        "Formation à l'accueil",
        dt.date(2015, 3, 12),
        "IRA de Lyon",
        "Accueil du public",
    ]
]
PRESS_HEADERS = {"Date": "issued_on", "Événement": "event", "Canal": "channel", "Texte": "text"}
PRESS_EXAMPLE = [
    [dt.date(2015, 8, 20), "Feux de forêt à Vitrolles", "Communiqué de presse", "La préfecture…"]
]

UNKNOWN_SITE = "Site inconnu ou hors de votre périmètre : « {value} »."
UNKNOWN_AGENT = "Agent inconnu sur ce site : « {value} ». Créez d'abord sa fiche dans le registre."
UNKNOWN_TOPIC = "Thème inconnu : « {value} ». Thèmes possibles : {choices}."


def _text(value) -> str:
    return "" if value is None else str(value).strip()


class TrainingRowForm(forms.Form):
    site = forms.CharField()
    last_name = forms.CharField()
    first_name = forms.CharField()
    topic = forms.CharField()
    trained_on = CellDateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    provider = forms.CharField(required=False)
    title = forms.CharField(required=False)

    def __init__(self, data, *, sites, agents):
        super().__init__(data)
        self.sites, self.agents = sites, agents

    def clean_site(self):
        value = _text(self.cleaned_data["site"])
        site = self.sites.get(value.lower())
        if site is None:
            raise ValidationError(UNKNOWN_SITE.format(value=value))
        return site

    def clean_topic(self):
        value = _text(self.cleaned_data["topic"])
        for code, label in Training.Topic.choices:
            if value.lower() in (code, label.lower()):
                return code
        raise ValidationError(
            UNKNOWN_TOPIC.format(value=value, choices=", ".join(label for _, label in Training.Topic.choices))
        )

    def clean_trained_on(self):
        value = self.cleaned_data["trained_on"]
        if value > timezone.localdate():
            raise ValidationError(TRAINING_IN_FUTURE)
        return value

    def clean(self):
        data = super().clean()
        site = data.get("site")
        if site and data.get("last_name") and data.get("first_name"):
            key = (site.pk, data["last_name"].strip().lower(), data["first_name"].strip().lower())
            agent = self.agents.get(key)
            if agent is None:
                self.add_error(
                    "last_name", UNKNOWN_AGENT.format(value=f"{data['first_name']} {data['last_name']}")
                )
            data["agent"] = agent
        return data


def import_trainings(upload, *, user):
    """Validate every row, then save all trainings (a row already there is left unchanged)."""
    rows = read_xlsx(upload, TRAINING_HEADERS)
    writable_sites = writable(user, Site.objects)
    sites = {}
    for s in writable_sites:
        sites[s.code.lower()] = s
        sites[s.name.lower()] = s
    agents = {
        (a.site_id, a.last_name.lower(), a.first_name.lower()): a for a in writable(user, Agent.objects)
    }
    touched = {}

    def save(form):
        data = form.cleaned_data
        training, created = Training.objects.get_or_create(
            agent=data["agent"],
            topic=data["topic"],
            trained_on=data["trained_on"],
            defaults={"provider": data["provider"], "title": data["title"]},
        )
        touched[data["agent"].pk] = data["agent"]
        return created

    result = import_rows(
        rows,
        lambda d: TrainingRowForm(d, sites=sites, agents=agents),
        save,
        TRAINING_HEADERS,
        key=import_key("trainings", upload, by=user),
    )
    for agent in touched.values():
        agent_refresh_due(agent)
    return result


class PressRowForm(forms.ModelForm):
    issued_on = CellDateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"], label="Date")

    class Meta:
        model = PressRelease
        fields = ["issued_on", "event", "channel", "text"]

    def __init__(self, data, *, department):
        super().__init__(data)
        self.instance.department = department

    def validate_unique(self):
        # a row already in the log is not an error: the import leaves it unchanged
        pass


def writable_department(user) -> Department | None:
    return writable(user, Department.objects).order_by("code").first()


def import_press_releases(upload, *, user, department):
    rows = read_xlsx(upload, PRESS_HEADERS)

    def save(form):
        data = form.cleaned_data
        _, created = PressRelease.objects.get_or_create(
            department=department,
            issued_on=data["issued_on"],
            event=data["event"],
            channel=data["channel"],
            defaults={"text": data["text"]},
        )
        return created

    return import_rows(
        rows,
        lambda d: PressRowForm(d, department=department),
        save,
        PRESS_HEADERS,
        key=import_key("press", upload, target=department.pk, by=user),
    )
