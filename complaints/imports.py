"""Import of a historical register of requests: the columns, the row form and the row service; the rest
(template, matching, report, background run, once per file) is qualipref.imports."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.urls import reverse

from qualipref.excel import CellDateField
from qualipref.imports import (
    Choice,
    ChoiceField,
    Choices,
    ImportColumn,
    ImportContext,
    Importer,
    coded,
    model_column,
    model_default,
)
from sites.access import REQUESTS, visible
from sites.models import ReceptionPoint, Site

from . import services
from .models import DESCRIPTION_MAX_LENGTH, Channel, Correspondence, Kind

DATE = "date (JJ/MM/AAAA)"
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
UNKNOWN_SITE = "Site « {value} » inconnu ou hors de votre périmètre. Sites acceptés : {accepted}."
UNKNOWN_POINT = "Point d'accueil « {value} » inconnu sur ce site. Points d'accueil du site : {accepted}."


class RequestRowForm(forms.Form):
    reference = forms.CharField(max_length=32, required=False)
    site = ChoiceField(error_messages={"required": "Indiquez le code du site (voir « Valeurs acceptées »)."})
    reception_point = forms.CharField(max_length=50, required=False)
    kind = ChoiceField(default=model_default(Correspondence, "kind"))
    channel = ChoiceField(default=model_default(Correspondence, "channel"))
    received_on = CellDateField(input_formats=DATE_FORMATS)
    subject = forms.CharField(max_length=200)
    description = forms.CharField(required=False, max_length=DESCRIPTION_MAX_LENGTH)
    requester_name = forms.CharField(max_length=150, required=False)
    requester_contact = forms.CharField(max_length=200, required=False)
    acknowledged_on = CellDateField(input_formats=DATE_FORMATS, required=False)
    answered_on = CellDateField(input_formats=DATE_FORMATS, required=False)
    answer = forms.CharField(required=False)
    closed_on = CellDateField(input_formats=DATE_FORMATS, required=False)

    def __init__(self, data, *, ctx: ImportContext):
        super().__init__(data)
        self.ctx = ctx
        for name in ("site", "kind", "channel"):
            self.fields[name].choices_set = ctx.choices[name]

    def clean(self):
        data = super().clean()
        site = data.get("site")
        code = (data.get("reception_point") or "").strip()
        data["reception_point"] = None
        if site and code:
            points = self.ctx.points.get(site.pk) or Choices([], unknown=UNKNOWN_POINT)
            try:
                data["reception_point"] = points.match(code)
            except forms.ValidationError as exc:
                self.add_error("reception_point", exc)
        received = data.get("received_on")
        if received and received > self.ctx.today:
            self.add_error("received_on", "La date de réception ne peut pas être dans le futur.")
        for name in ("acknowledged_on", "answered_on", "closed_on"):
            value = data.get(name)
            if value and received and value < received:
                self.add_error(name, "Cette date ne peut pas précéder la date de réception.")
        if data.get("closed_on") and not data.get("answered_on"):
            self.add_error("answered_on", "Une demande clôturée doit avoir une date de réponse.")
        if data.get("closed_on") and data.get("answered_on") and data["closed_on"] < data["answered_on"]:
            self.add_error("closed_on", "La clôture ne peut pas précéder la réponse.")
        return data


class RequestImporter(Importer):
    kind = "complaints"
    title = "Importer un registre historique"
    intro = (
        "Une ligne par demande (réclamation, suggestion, courrier…). Une ligne déjà importée (même "
        "référence, ou même site, date, objet et requérant) n'est pas créée deux fois."
    )
    sheet = "Registre"
    filename = "modele-import-registre.xlsx"
    noun = ("demande créée", "demandes créées")
    columns = [
        ImportColumn(
            "Référence", "reference", required=False, help="laissez vide : une référence est attribuée"
        ),
        ImportColumn(
            "Site (code)", "site", help="code d'un site de votre périmètre (voir « Valeurs acceptées »)"
        ),
        ImportColumn(
            "Point d'accueil (code)",
            "reception_point",
            required=False,
            help="code d'un point d'accueil du site",
        ),
        model_column(Correspondence, "kind", "Type", help="une des valeurs acceptées"),
        model_column(Correspondence, "channel", "Canal", help="une des valeurs acceptées"),
        ImportColumn("Reçue le", "received_on", help=DATE),
        ImportColumn("Objet", "subject", help="texte, 200 caractères au plus"),
        ImportColumn("Description", "description", required=False),
        ImportColumn("Nom du requérant", "requester_name", required=False),
        ImportColumn("Contact du requérant", "requester_contact", required=False),
        ImportColumn("Accusé de réception le", "acknowledged_on", required=False, help=DATE),
        ImportColumn("Répondue le", "answered_on", required=False, help=DATE),
        ImportColumn("Réponse", "answer", required=False),
        ImportColumn("Clôturée le", "closed_on", required=False, help=DATE),
    ]

    def prepare(self, *, user, target):
        ctx = super().prepare(user=user, target=target)
        sites = list(
            visible(user, Site.objects, REQUESTS).select_related("entity__department").order_by("code")
        )
        points: dict[int, list] = {}
        for point in ReceptionPoint.objects.filter(site__in=sites).select_related("site").order_by("code"):
            points.setdefault(point.site_id, []).append(point)
        ctx.sites = sites
        ctx.points = {
            site_id: coded(items, unknown=UNKNOWN_POINT, detail=lambda p: f"{p.name} — site {p.site.code}")
            for site_id, items in points.items()
        }
        ctx.choices = {
            "site": coded(sites, unknown=UNKNOWN_SITE, detail=lambda s: f"{s.name} ({s.entity.name})"),
            "reception_point": Choices(
                [
                    Choice(p, p.code, (p.name,), f"{p.name} — site {p.site.code}")
                    for ps in points.values()
                    for p in ps
                ]
            ),
            "kind": Choices.of(Kind),
            "channel": Choices.of(Channel),
        }
        return ctx

    def examples(self, ctx):
        if not ctx.sites:
            return []
        site = ctx.sites[0]
        received = ctx.today.replace(day=1)
        answered = min(received + dt.timedelta(days=7), ctx.today)
        point = ctx.points.get(site.pk)
        return [
            {
                "site": site.code,
                "reception_point": point.choices[0].label if point else "",
                "kind": Kind.COMPLAINT.label,
                "channel": Channel.ON_SITE_REGISTER.label,
                "received_on": received,
                "subject": "Attente au guichet",
                "description": "Attente de plus d'une heure",
                "requester_name": "M. Exemple",
                "requester_contact": "exemple@example.org",
                "acknowledged_on": received,
                "answered_on": answered,
                "answer": "Réponse envoyée par courrier",
                "closed_on": answered,
            }
        ]

    def form(self, data, ctx):
        return RequestRowForm(data, ctx=ctx)

    def identity(self, data, ctx):
        if data.get("reference"):
            return data["reference"]
        return (data["site"].pk, data["received_on"], data["subject"], data.get("requester_name"))

    def save(self, data, ctx):
        data = dict(data)
        site, reference = data.pop("site"), data.pop("reference") or ""
        _, created = services.correspondence_import(site=site, by=ctx.user, fields=data, reference=reference)
        return created

    def done_url(self, target):
        return reverse("complaints:correspondence_list")


IMPORTER = RequestImporter()
IMPORT_HEADERS = {c.header: c.field for c in IMPORTER.columns}
