"""Demo referentials and label scopes.

2015 (the seed, kept as it is): Qualipref 2.0, the préfecture on modules 1, 4 and 7, the sous-préfectures on
1 and 4, all labelled at the end of November 2015 (renewal audit planned mid-2017).

Today (relative to the day the demo is loaded, so it never goes stale): the département moved to
Services Publics+ about two and a half years ago; each entity passed its certification audit about ten
months ago and was labelled a month later, so its first surveillance audit is due in the coming months.
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


def spplus_calendar(today: dt.date | None = None) -> dict:
    """The recent life of the demo's département, relative to `today`.

    - moved to Services Publics+ on the first day of the month, 30 months ago;
    - certification audit of each entity about ten and a half months ago (one entity a day);
    - label awarded five weeks after the last audit, so the first surveillance audit (12 months after
      the award) falls about two and a half months from now.
    """
    today = today or timezone.localdate()
    awarded_on = today - relativedelta(months=9, days=15)
    last_audit_end = awarded_on - dt.timedelta(weeks=5)
    audits = {}
    for offset, code in enumerate(reversed(SPPLUS_ENTITIES)):
        end = last_audit_end - dt.timedelta(days=offset)
        audits[code] = (end - dt.timedelta(days=1) if code == "prefecture-13" else end, end)
    return {
        "moved_on": (today - relativedelta(months=30)).replace(day=1),
        "audits": audits,
        "awarded_on": awarded_on,
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
