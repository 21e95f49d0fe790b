"""Demo publications: one published snapshot per site of the Bouches-du-Rhône, for the year 2015.

The figures are computed at load time from the demo data of the other apps, through their selectors
(2015 survey rates, 2015 complaints, pick-up rate and waiting time where the indicators demo measures
them). Idempotent: a second run updates the same rows.
"""

import datetime as dt
import zoneinfo

from django.db import transaction

from sites.models import Site, User

from . import collect, periods
from .models import Snapshot, SnapshotFigure

START, END = dt.date(2015, 1, 1), dt.date(2015, 12, 31)
PUBLISHED_AT = dt.datetime(2016, 1, 29, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
NOTES = {
    "aix-en-provence": "La sous-préfecture d'Aix-en-Provence déménage dans de nouveaux locaux en avril 2016.",
}


def _campaign_2015(site):
    return next((c for c in collect.satisfaction_campaigns(site) if c.year == 2015), None)


@transaction.atomic
def load(stdout=None) -> dict:
    publisher = User.objects.filter(username="qualite").first()
    sites = Site.objects.filter(entity__department__code="13").select_related("entity__department")
    snapshots = figures = 0
    for site in sites:
        data = collect.candidate_figures(
            site,
            campaign=_campaign_2015(site),
            start=START,
            end=END,
            families=[code for code, _label in collect.FAMILIES],
        )
        if not data:
            continue
        snapshot, _created = Snapshot.objects.update_or_create(
            site=site,
            period_start=START,
            period_end=END,
            defaults={
                "period_label": periods.period_label(START, END),
                "campaign": _campaign_2015(site),
                "status": Snapshot.Status.PUBLISHED,
                "published_at": PUBLISHED_AT,
                "published_by": publisher,
                "created_by": publisher,
                "status_changed_at": PUBLISHED_AT,
                "status_changed_by": publisher,
                "note": NOTES.get(site.code, ""),
            },
        )
        kept = []
        for order, figure in enumerate(data):
            fields = figure.__dict__.copy()
            row, _ = SnapshotFigure.objects.update_or_create(
                snapshot=snapshot,
                indicator_code=fields.pop("indicator_code"),
                scope_label=fields.pop("scope_label"),
                defaults={**fields, "order": order},
            )
            kept.append(row.pk)
        snapshot.figures.exclude(pk__in=kept).delete()
        snapshots += 1
        figures += len(kept)
    return {"publications": snapshots, "chiffres publiés": figures}
