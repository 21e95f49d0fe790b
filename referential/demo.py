"""Demo referential and label scopes: the préfecture on modules 1, 4 and 7, the sous-préfectures on 1 and 4,
all labelled at the end of November 2015 (renewal audit planned mid-2017)."""

import datetime as dt

from sites.models import Entity

from .loader import DEFAULT_FILE, load_referential
from .models import LabelScope, Module

AWARDED_ON = dt.date(2015, 11, 27)
VALID_UNTIL = dt.date(2018, 11, 26)
NEXT_AUDIT_ON = dt.date(2017, 6, 15)

SCOPES = {"prefecture-13": [1, 4, 7], "sp-aix": [1, 4], "sp-arles": [1, 4], "sp-istres": [1, 4]}


def load(stdout=None):
    referential = load_referential(DEFAULT_FILE).referential
    modules = {m.number: m for m in Module.objects.filter(referential=referential)}
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
                },
            )
            count += 1
    vaucluse = Entity.objects.filter(code="prefecture-84").first()
    if vaucluse:
        LabelScope.objects.get_or_create(
            entity=vaucluse, module=modules[1], defaults={"status": LabelScope.Status.PREPARING}
        )
    return {"référentiel": str(referential), "périmètres de labellisation": count}
