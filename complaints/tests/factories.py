"""Requests through the real service, so the deadline rule, due date and figures are the app's own."""

import datetime as dt
import re

from complaints.models import Kind
from complaints.services import correspondence_create, correspondence_transition

_counter = {"n": 0}


def public_form(**extra) -> dict:
    """A valid POST of the public complaint form."""
    return {
        "kind": "complaint",
        "subject": "Attente",
        "description": "Deux heures d'attente.",
        "requester_name": "Jeanne",
        "requester_contact": "jeanne@exemple.fr",
        "website": "",
    } | extra


def staff_form(site, **extra) -> dict:
    """A valid POST of the staff's form that logs a request received today at `site`."""
    from django.utils import timezone

    return {
        "site": site.pk,
        "kind": "complaint",
        "channel": "post",
        "received_on": timezone.localdate().isoformat(),
        "subject": "Attente",
        "requester_name": "M. A",
    } | extra


def make_correspondence(site, *, by=None, received_on=None, kind=Kind.COMPLAINT, answered_on=None, **fields):
    _counter["n"] += 1
    received_on = received_on or dt.date(2015, 3, 1)
    fields.setdefault("subject", f"Attente au guichet n° {_counter['n']}")
    correspondence = correspondence_create(site=site, by=by, received_on=received_on, kind=kind, **fields)
    if answered_on:
        correspondence = correspondence_transition(
            correspondence=correspondence,
            to="answered",
            by=by,
            on=answered_on,
            answer="Réponse type.",
            today=answered_on,
        )
    return correspondence


def register_figure(response, label: str) -> int:
    """A figure of the register's head (« Reçues », « Répondues »…), as the page shows it."""
    html = response.content.decode()
    return int(re.search(rf'{label}</div><div class="fs-5 fw-semibold">(\d+)<', html).group(1))
