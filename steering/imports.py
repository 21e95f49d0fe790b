"""Imports of the training register and of the press-release log: columns, row forms and row services
(template, matching, report, background run, once per file: qualipref.imports)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from qualipref.excel import CellDateField
from qualipref.imports import Choice, ChoiceField, Choices, ImportColumn, Importer, coded, normalise
from sites.access import writable
from sites.models import Department, Site

from .models import TRAINING_IN_FUTURE, Agent, PressRelease, Training
from .services import agent_refresh_due

DATE = "date (JJ/MM/AAAA)"
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
UNKNOWN_SITE = "Site inconnu ou hors de votre périmètre : « {value} ». Sites acceptés : {accepted}."
UNKNOWN_AGENT = "Agent inconnu sur ce site : « {value} ». Créez d'abord sa fiche dans le registre."
UNKNOWN_TOPIC = "Thème inconnu : « {value} ». Valeurs acceptées : {accepted}."


class TrainingRowForm(forms.Form):
    site = ChoiceField()
    last_name = forms.CharField()
    first_name = forms.CharField()
    topic = ChoiceField()
    trained_on = CellDateField(input_formats=DATE_FORMATS)
    provider = forms.CharField(required=False)
    title = forms.CharField(required=False)

    def __init__(self, data, *, ctx):
        super().__init__(data)
        self.ctx = ctx
        for name in ("site", "topic"):
            self.fields[name].choices_set = ctx.choices[name]

    def clean_trained_on(self):
        value = self.cleaned_data["trained_on"]
        if value > self.ctx.today:
            raise ValidationError(TRAINING_IN_FUTURE)
        return value

    def clean(self):
        data = super().clean()
        site = data.get("site")
        if site and data.get("last_name") and data.get("first_name"):
            key = (site.pk, normalise(data["last_name"]), normalise(data["first_name"]))
            agent = self.ctx.agents.get(key)
            if agent is None:
                self.add_error(
                    "last_name", UNKNOWN_AGENT.format(value=f"{data['first_name']} {data['last_name']}")
                )
            data["agent"] = agent
        return data


class TrainingImporter(Importer):
    kind = "trainings"
    title = "Importer le registre des formations"
    intro = "Une ligne par formation suivie par un agent déjà inscrit au registre des agents."
    sheet = "Formations"
    filename = "modele-import-formations.xlsx"
    noun = ("formation ajoutée", "formations ajoutées")
    columns = [
        ImportColumn("Site", "site", help="code ou nom d'un site de votre périmètre"),
        ImportColumn("Nom", "last_name", help="nom d'un agent du registre (voir « Valeurs acceptées »)"),
        ImportColumn("Prénom", "first_name"),
        ImportColumn("Thème", "topic", help="une des valeurs acceptées"),
        ImportColumn("Date", "trained_on", help=DATE),
        ImportColumn("Organisme", "provider", required=False),
        ImportColumn("Intitulé", "title", required=False),
    ]

    def prepare(self, *, user, target):
        ctx = super().prepare(user=user, target=target)
        ctx.sites = list(writable(user, Site.objects).select_related("entity").order_by("code"))
        agents = list(
            writable(user, Agent.objects).select_related("site").order_by("last_name", "first_name")
        )
        ctx.agents = {(a.site_id, normalise(a.last_name), normalise(a.first_name)): a for a in agents}
        ctx.agent_list = agents
        ctx.touched = {}
        ctx.choices = {
            "site": coded(ctx.sites, unknown=UNKNOWN_SITE, detail=lambda s: s.name),
            "topic": Choices.of(Training.Topic, unknown=UNKNOWN_TOPIC),
            "last_name": Choices(
                [Choice(a, a.last_name, (), f"{a.first_name} — site {a.site.code}") for a in agents]
            ),
        }
        return ctx

    def examples(self, ctx):
        agent = ctx.agent_list[0] if ctx.agent_list else None
        site = agent.site if agent else (ctx.sites[0] if ctx.sites else None)
        return [
            {
                "site": site.code if site else "",
                "last_name": agent.last_name if agent else "Nom de l'agent",
                "first_name": agent.first_name if agent else "Prénom",
                "topic": Training.Topic.RECEPTION.label,
                "trained_on": ctx.today.replace(day=1),
                "provider": "Organisme de formation",
                "title": "Accueil du public",
            }
        ]

    def form(self, data, ctx):
        return TrainingRowForm(data, ctx=ctx)

    def identity(self, data, ctx):
        return (data["agent"].pk, data["topic"], data["trained_on"])

    def save(self, data, ctx):
        _, created = Training.objects.get_or_create(
            agent=data["agent"],
            topic=data["topic"],
            trained_on=data["trained_on"],
            defaults={"provider": data["provider"], "title": data["title"]},
        )
        ctx.touched[data["agent"].pk] = data["agent"]
        return created

    def finish(self, ctx):
        for agent in ctx.touched.values():
            agent_refresh_due(agent)

    def done_url(self, target):
        return reverse("steering:training_list")


class PressRowForm(forms.ModelForm):
    issued_on = CellDateField(input_formats=DATE_FORMATS, label="Date")

    class Meta:
        model = PressRelease
        fields = ["issued_on", "event", "channel", "text"]

    def __init__(self, data, *, ctx):
        super().__init__(data)
        self.instance.department = ctx.target

    def validate_unique(self):
        # a row already in the log is not an error: the import leaves it unchanged
        pass


def writable_department(user) -> Department | None:
    return writable(user, Department.objects).order_by("code").first()


class PressImporter(Importer):
    kind = "press"
    title = "Importer le registre des communiqués de crise"
    sheet = "Communiqués"
    filename = "modele-import-communiques.xlsx"
    noun = ("communiqué ajouté", "communiqués ajoutés")
    columns = [
        ImportColumn("Date", "issued_on", help=DATE),
        ImportColumn("Événement", "event", help="texte, 200 caractères au plus"),
        ImportColumn("Canal", "channel", help="texte : communiqué de presse, réseau social, site internet…"),
        ImportColumn("Texte", "text", required=False),
    ]

    def examples(self, ctx):
        return [
            {
                "issued_on": ctx.today.replace(day=1),
                "event": "Épisode de canicule",
                "channel": "Communiqué de presse",
                "text": f"{ctx.target.name if ctx.target else 'La préfecture'} : la préfecture informe…",
            }
        ]

    def form(self, data, ctx):
        return PressRowForm(data, ctx=ctx)

    def identity(self, data, ctx):
        return (data["issued_on"], data["event"], data["channel"])

    def save(self, data, ctx):
        _, created = PressRelease.objects.get_or_create(
            department=ctx.target,
            issued_on=data["issued_on"],
            event=data["event"],
            channel=data["channel"],
            defaults={"text": data["text"]},
        )
        return created

    def load_target(self, params):
        return Department.objects.get(pk=params["pk"])

    def done_url(self, target):
        return reverse("steering:register_entries", args=["communiques"])


TRAININGS = TrainingImporter()
PRESS = PressImporter()
TRAINING_HEADERS = {c.header: c.field for c in TRAININGS.columns}
PRESS_HEADERS = {c.header: c.field for c in PRESS.columns}
