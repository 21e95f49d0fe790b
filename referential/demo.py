"""Demo referentials and label scopes.

2015 (the seed, kept as it is): Qualipref 2.0, the préfecture on modules 1, 4 and 7, the sous-préfectures on
1 and 4, all labelled at the end of November 2015 (renewal audit planned mid-2017).

Today (relative to the day the demo is loaded, so it never goes stale): the département moved to
Services Publics+ about two and a half years ago; each entity passed its certification audit last year
and was labelled five weeks later, so a surveillance audit is due in the coming months
(`spplus_calendar`). The recent registers of every app run from 1 January of last year to today
(`recent_start`, `recent_months`).
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from sites.models import Entity

from . import cycles
from .crosswalk import DEFAULT_CROSSWALK, load_crosswalk
from .loader import DEFAULT_FILE, SPPLUS_FILE, load_referential
from .models import LabelScope, Module, Referential

AWARDED_ON = dt.date(2015, 11, 27)
VALID_UNTIL = dt.date(2018, 11, 26)
NEXT_AUDIT_ON = dt.date(2017, 6, 15)

SCOPES = {"prefecture-13": [1, 4, 7], "sp-aix": [1, 4], "sp-arles": [1, 4], "sp-istres": [1, 4]}
SPPLUS_ENTITIES = ["prefecture-13", "sp-aix", "sp-arles", "sp-istres"]


def qualipref_2_0():
    """The referential of the 2015 demo (the seed), whatever referential is current."""
    return Referential.objects.filter(code="qualipref", version="2.0").first()


def spplus():
    return Referential.objects.filter(code="services-publics-plus").order_by("-valid_from").first()


def recent_start(today: dt.date | None = None) -> dt.date:
    """The first day of the demo's recent life: 1 January of last year. The recent registers (requests,
    meetings, measurements, publications…) run from it to today, so that last year's annual report is
    complete whatever the day the demo is loaded (even on 1 January) and this year holds what has
    happened so far."""
    today = today or timezone.localdate()
    return dt.date(today.year - 1, 1, 1)


def recent_months(today: dt.date | None = None) -> list[dt.date]:
    """First days of the months from January of last year to this month, oldest first."""
    today = today or timezone.localdate()
    month, months = recent_start(today), []
    while month <= today:
        months.append(month)
        month += relativedelta(months=1)
    return months


def spplus_calendar(today: dt.date | None = None) -> dict:
    """The recent life of the demo's label, relative to `today`, with the certification audit and the
    award always in last calendar year (so that last year's report tells them) and the next audit a
    surveillance audit in the coming months (at most four):

    - moved to Services Publics+ on the first day of the month, 30 months ago;
    - from January to mid-October: label awarded nine and a half months ago, certification audits (one
      entity a day) five weeks before; the first surveillance audit, twelve months after the award, falls
      about two and a half months from now;
    - from mid-October to December (when nine and a half months ago is this year): label awarded twenty
      months ago, early last year; the first surveillance audit took place this year, two weeks before its
      date, and the second one falls in about four months.

    `surveillance` maps each entity code to the dates of this year's surveillance audit (empty when none).
    """
    today = today or timezone.localdate()
    awarded_on = today - relativedelta(months=9, days=15)
    surveillance_due = None
    if awarded_on.year == today.year:
        awarded_on = today - relativedelta(months=20)
        surveillance_due = awarded_on + relativedelta(months=12) - dt.timedelta(weeks=2)
    last_audit_end = awarded_on - dt.timedelta(weeks=5)
    audits, surveillance = {}, {}
    for offset, code in enumerate(reversed(SPPLUS_ENTITIES)):
        end = last_audit_end - dt.timedelta(days=offset)
        audits[code] = (end - dt.timedelta(days=1) if code == "prefecture-13" else end, end)
        if surveillance_due:
            end = surveillance_due - dt.timedelta(days=offset)
            surveillance[code] = (end - dt.timedelta(days=1) if code == "prefecture-13" else end, end)
    return {
        "moved_on": (today - relativedelta(months=30)).replace(day=1),
        "audits": audits,
        "awarded_on": awarded_on,
        "surveillance": surveillance,
    }


def load(stdout=None):
    referential = load_referential(DEFAULT_FILE).referential
    modules = {m.number: m for m in Module.objects.filter(referential=referential)}
    new = load_referential(SPPLUS_FILE).referential
    load_crosswalk(DEFAULT_CROSSWALK)
    new_module = Module.objects.get(referential=new, number=1)
    calendar = spplus_calendar()
    moved_on, awarded_on = calendar["moved_on"], calendar["awarded_on"]
    count = 0
    for entity in Entity.objects.filter(department__code="13", code__in=SCOPES):
        for number in SCOPES[entity.code]:
            LabelScope.objects.update_or_create(
                entity=entity,
                module=modules[number],
                defaults={
                    "status": LabelScope.Status.LABELLED,
                    "awarded_on": AWARDED_ON,
                    "valid_until": VALID_UNTIL,
                    "next_audit_on": NEXT_AUDIT_ON,
                    "ended_on": moved_on,
                },
            )
            count += 1
        LabelScope.objects.update_or_create(
            entity=entity,
            module=new_module,
            defaults={
                "status": LabelScope.Status.LABELLED,
                "started_on": moved_on,
                "awarded_on": awarded_on,
                "valid_until": cycles.expiry(new.cycle, awarded_on),
                "next_audit_on": None,
            },
        )
    vaucluse = Entity.objects.filter(code="prefecture-84").first()
    if vaucluse:
        LabelScope.objects.update_or_create(
            entity=vaucluse,
            module=modules[1],
            defaults={"status": LabelScope.Status.PREPARING, "ended_on": moved_on},
        )
        LabelScope.objects.update_or_create(
            entity=vaucluse,
            module=new_module,
            defaults={"status": LabelScope.Status.PREPARING, "started_on": moved_on},
        )
    return {
        "référentiels": f"{referential}, {new}",
        "périmètres de labellisation 2015": count,
        "passage à Services Publics+": moved_on.isoformat(),
    }
