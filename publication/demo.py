"""Demo publications: one published snapshot per site of the Bouches-du-Rhône for the year 2015, and one
for the last twelve full months, published at the start of this month (Services Publics+ engagement 6:
results published at least once a year), so that no site shows 2015 figures as current.

The figures are computed at load time from the demo data of the other apps, through their selectors
(2015 survey rates, 2015 complaints, pick-up rate and waiting time where the indicators demo measures
them). Idempotent: a second run updates the same rows.
"""

import datetime as dt
import zoneinfo

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

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
    today = timezone.localdate()
    recent_end = today.replace(day=1) - dt.timedelta(days=1)
    recent_start = recent_end.replace(day=1) - relativedelta(months=11)
    recent_published = dt.datetime.combine(
        today.replace(day=1), dt.time(10), tzinfo=zoneinfo.ZoneInfo("Europe/Paris")
    )
    snapshots = figures = 0
    for site in sites:
        for start, end, campaign, published_at, note in (
            (START, END, _campaign_2015(site), PUBLISHED_AT, NOTES.get(site.code, "")),
            (recent_start, recent_end, _campaign_of(site, today.year), recent_published, ""),
        ):
            made = _publish(site, start, end, campaign, published_at, note, publisher)
            snapshots += made > 0
            figures += made
    return {"publications": snapshots, "chiffres publiés": figures}


def _campaign_of(site, year):
    return next((c for c in collect.satisfaction_campaigns(site) if c.year == year), None)


def _publish(site, start, end, campaign, published_at, note, publisher) -> int:
    """One published snapshot of `site` for the period; the number of its figures (0: nothing to publish)."""
    data = collect.candidate_figures(
        site,
        campaign=campaign,
        start=start,
        end=end,
        families=[code for code, _label in collect.FAMILIES],
    )
    if not data:
        return 0
    snapshot, _created = Snapshot.objects.update_or_create(
        site=site,
        period_start=start,
        period_end=end,
        defaults={
            "period_label": periods.period_label(start, end),
            "campaign": campaign,
            "status": Snapshot.Status.PUBLISHED,
            "published_at": published_at,
            "published_by": publisher,
            "created_by": publisher,
            "status_changed_at": published_at,
            "status_changed_by": publisher,
            "note": note,
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
    return len(kept)
