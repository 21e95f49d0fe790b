"""A dashboard from day one: the default indicators of a département, with their targets, taken from the
referential it works under (the indicators the demo shows: pick-up rate, waiting time, on-time answers,
satisfaction per survey criterion, trained agents, actions on time, open non-conformities…).

`apply_default_indicators` only adds what is missing: an indicator whose code exists, or a target already
set for an entity, is left as the quality manager made it. Running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from referential.models import Engagement, Referential
from referential.selectors import current_referential
from sites.models import Entity
from surveys.defaults import USER_CRITERIA

from . import computed
from .models import Indicator, Target

QUALIPREF, SERVICES_PUBLICS_PLUS = "qualipref", "services-publics-plus"


@dataclass(frozen=True)
class Default:
    code: str
    name: str
    unit: str = "percent"
    direction: str = "higher"
    aggregation: str = "mean"
    computation: str = ""  # empty: a measured indicator (form, import, API)
    param: str = ""
    engagements: dict = field(default_factory=dict)  # referential code -> engagement code
    target: int | None = None
    description: str = ""
    low: int | None = 0
    high: int | None = None


# Which engagement each criterion of the users' survey measures under Services Publics+ (Qualipref 2.0's
# are named in surveys.defaults).
SATISFACTION_SPPLUS = {
    "telephone": "SP2",
    "pmr": "SP3",
    "conditions": "SP1",
    "horaires": "SP2",
    "signaletique": "SP5",
    "courtoisie": "SP1",
}
SATISFACTION_TARGET = 80

DEFAULTS = [
    Default("taux-decroche", "Taux de décroché", engagements={QUALIPREF: "E5", SERVICES_PUBLICS_PLUS: "SP2"},
            target=85, high=100,
            description="Appels décrochés par un agent ÷ appels ayant nécessité un agent."),
    Default("appels-recus", "Appels reçus", unit="count", aggregation="sum",
            engagements={QUALIPREF: "E5", SERVICES_PUBLICS_PLUS: "SP2"},
            description="Nombre d'appels reçus sur le standard dans le mois."),
    Default("appels-agent", "Appels nécessitant un agent", unit="count", aggregation="sum",
            engagements={QUALIPREF: "E5", SERVICES_PUBLICS_PLUS: "SP2"},
            description="Appels qui n'ont pas trouvé leur réponse dans le serveur vocal."),
    Default("attente-guichet", "Temps d'attente au guichet", unit="minutes", direction="lower", target=20,
            high=600, engagements={QUALIPREF: "E4", SERVICES_PUBLICS_PLUS: "SP1"},
            description="Attente moyenne entre la prise de ticket et l'appel au guichet."),
    Default("reclamations-dans-le-delai", "", computation="complaints_on_time_share", target=90,
            engagements={QUALIPREF: "E7", SERVICES_PUBLICS_PLUS: "SP4"}),
    Default("delai-moyen-reclamations", "", computation="complaints_mean_answer_days", target=15,
            engagements={QUALIPREF: "E7", SERVICES_PUBLICS_PLUS: "SP4"}),
    *[
        Default(f"satisfaction-{code}", f"Satisfaction : {label[0].lower()}{label[1:]}",
                computation="satisfaction", param=code, target=SATISFACTION_TARGET,
                engagements={QUALIPREF: engagement[1] if engagement else None,
                             SERVICES_PUBLICS_PLUS: SATISFACTION_SPPLUS.get(code)})
        for code, label, _question, engagement in USER_CRITERIA
    ],
    Default("agents-formes", "", computation="training_compliance", target=100,
            engagements={QUALIPREF: "E2", SERVICES_PUBLICS_PLUS: "SP1"}),
    Default("actions-dans-les-delais", "", computation="actions_on_time_share", target=80),
    Default("non-conformites-ouvertes", "", computation="open_nonconformities", target=0),
    Default("exercices-de-crise", "", computation="crisis_exercises"),
    Default("lettres-qualipref", "", computation="newsletters"),
    Default("publications-reseaux-sociaux", "", computation="social_posts"),
]  # fmt: skip


@dataclass
class Applied:
    indicators: int = 0
    targets: int = 0


def default_codes() -> list[str]:
    return [d.code for d in DEFAULTS if not d.computation or d.computation in computed.registry()]


@transaction.atomic
def apply_default_indicators(department, *, referential: Referential | None = None, by=None) -> Applied:
    """Create the département's default indicators and, for each of its entities, their targets from the
    referential's first year in force (so any month imported shows against its target). Only what is
    missing is created: idempotent, and what the quality manager changed stays."""
    referential = referential or current_referential()
    engagements = (
        {
            e.code: e
            for e in Engagement.objects.filter(module__referential=referential).select_related("module")
        }
        if referential
        else {}
    )
    registered = computed.registry()
    existing = {i.code: i for i in Indicator.objects.filter(department=department)}
    applied = Applied()
    order = max((i.order for i in existing.values()), default=0)
    for default in DEFAULTS:
        if default.code in existing:
            continue
        computation = registered.get(default.computation) if default.computation else None
        if default.computation and computation is None:
            continue  # its source app has no figure yet: no indicator rather than an empty one
        engagement = engagements.get((default.engagements or {}).get(getattr(referential, "code", None)))
        order += 1
        indicator = Indicator(
            department=department,
            code=default.code,
            name=default.name or computation.label,
            description=default.description,
            unit=computation.unit if computation else default.unit,
            direction=computation.direction if computation else default.direction,
            aggregation=default.aggregation,
            formula=Indicator.Formula.COMPUTED if computation else Indicator.Formula.MEASURED,
            computed_code=default.computation,
            computed_param=default.param,
            module=engagement.module if engagement else None,
            engagement=engagement,
            min_value=Decimal(default.low) if default.low is not None else None,
            max_value=_maximum(default, computation),
            order=order,
        )  # fmt: skip
        indicator._history_user = by if getattr(by, "pk", None) else None
        indicator.full_clean()
        indicator.save()
        existing[indicator.code] = indicator
        applied.indicators += 1

    year = _first_year(referential)
    entities = list(Entity.objects.filter(department=department))
    with_target = {
        (indicator_id, entity_id)
        for indicator_id, entity_id in Target.objects.filter(
            indicator__department=department, site__isnull=True
        ).values_list("indicator_id", "entity_id")
    }
    for default in DEFAULTS:
        indicator = existing.get(default.code)
        if indicator is None or default.target is None:
            continue
        for entity in entities:
            if (indicator.pk, entity.pk) in with_target:
                continue
            target = Target(
                indicator=indicator, entity=entity, site=None, year=year, value=Decimal(default.target)
            )
            target._history_user = by if getattr(by, "pk", None) else None
            target.full_clean()
            target.save()
            applied.targets += 1
    return applied


def _maximum(default: Default, computation) -> Decimal | None:
    if (computation.unit if computation else default.unit) == "percent":
        return Decimal(100)
    return Decimal(default.high) if default.high is not None else None


def _first_year(referential) -> int:
    """Targets hold from the referential's first year in force (a year imported since shows them)."""
    valid_from = getattr(referential, "valid_from", None)
    return valid_from.year if isinstance(valid_from, dt.date) else timezone.localdate().year
