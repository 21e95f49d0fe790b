"""Data of the other apps, made through their models and services, to publish from."""

import datetime as dt
from decimal import Decimal

from complaints.models import Kind
from complaints.services import correspondence_create, correspondence_transition
from surveys.models import Campaign, Criterion, Result, SurveyUnit

CRITERIA = [("courtoisie", "Accueil courtois"), ("attente", "Délai d'attente")]


def campaign(department, year, *, status=Campaign.Status.PUBLISHED):
    return Campaign.objects.create(
        department=department,
        year=year,
        name=f"Enquête de satisfaction des usagers {year}",
        population=Campaign.Population.USERS,
        status=status,
        starts_on=dt.date(year, 5, 1),
        ends_on=dt.date(year, 6, 30),
    )


def results(campaign, site, rates, *, unit_code="accueil", unit_name=None):
    """`rates`: {criterion code: rate}; criteria are created on the campaign when missing."""
    unit, _ = SurveyUnit.objects.get_or_create(
        campaign=campaign,
        code=unit_code,
        defaults={"site": site, "name": unit_name or f"{site.name} – accueil"},
    )
    for order, (code, label) in enumerate(CRITERIA):
        if code not in rates:
            continue
        criterion, _ = Criterion.objects.get_or_create(
            campaign=campaign, code=code, defaults={"label": label, "order": order}
        )
        Result.objects.update_or_create(
            unit=unit, criterion=criterion, defaults={"rate": Decimal(str(rates[code])), "satisfied": None}
        )
    return unit


def complaint(site, *, received_on, answered_on=None, by=None, **fields):
    fields.setdefault("subject", "Attente au guichet")
    correspondence = correspondence_create(
        site=site, by=by, received_on=received_on, kind=Kind.COMPLAINT, **fields
    )
    if answered_on:
        correspondence = correspondence_transition(
            correspondence=correspondence,
            to="answered",
            by=by,
            on=answered_on,
            answer="Réponse apportée.",
            today=answered_on,
        )
    return correspondence
