"""Demo indicators for the Bouches-du-Rhône: definitions, targets, 2015 and the last 12 months.

The préfecture's two sites (Peytral, Saint-Sébastien) miss their pick-up-rate target in 2015, as the
audit said; the sous-préfectures reach theirs. Values are deterministic, so running twice changes
nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from referential.demo import recent_months
from referential.models import Engagement, Module
from sites.models import Department, Entity, Site

from . import computed
from .models import ApiClient, Indicator, Measurement, Target
from .services import TOKEN_PREFIX, hash_token

DEMO_API_CLIENT = "Plateforme téléphonique (démo)"

MEASURED = [
    # code, name, unit, direction, frequency, aggregation, module, engagement, min, max, order, description
    ("taux-decroche", "Taux de décroché", "percent", "higher", "monthly", "mean", 1, "E5", 0, 100, 1,
     "Appels décrochés par un agent ÷ appels ayant nécessité un agent (plateforme téléphonique)."),
    ("appels-recus", "Appels reçus", "count", "higher", "monthly", "sum", 1, "E5", 0, None, 2,
     "Nombre d'appels reçus sur le standard dans le mois."),
    ("appels-agent", "Appels nécessitant un agent", "count", "higher", "monthly", "sum", 1, "E5", 0, None, 3,
     "Appels qui n'ont pas trouvé leur réponse dans le serveur vocal."),
    ("attente-guichet", "Temps d'attente au guichet", "minutes", "lower", "monthly", "mean", 1, "E4", 0, 600,
     4,
     "Attente moyenne entre la prise de ticket et l'appel au guichet (gestion de file d'attente)."),
]  # fmt: skip

COMPUTED = [
    # code, computation, order, module, engagement, parameter, name (None: the computation's label)
    ("reclamations-dans-le-delai", "complaints_on_time_share", 10, 1, "E7", "", None),
    ("delai-moyen-reclamations", "complaints_mean_answer_days", 11, 1, "E7", "", None),
    (
        "satisfaction-telephone",
        "satisfaction",
        12,
        1,
        "E5",
        "telephone",
        "Satisfaction : accueil téléphonique",
    ),
    ("satisfaction-courtoisie", "satisfaction", 13, 1, "E2", "courtoisie", "Satisfaction : accueil courtois"),
    ("satisfaction-attente", "satisfaction", 14, 1, None, "attente", "Satisfaction : délai d'attente"),
    ("agents-formes", "training_compliance", 15, 1, "E2", "", None),
    ("actions-dans-les-delais", "actions_on_time_share", 16, None, None, "", None),
    ("non-conformites-ouvertes", "open_nonconformities", 17, None, None, "", None),
    ("exercices-de-crise", "crisis_exercises", 18, 7, "E7-4", "", None),
    ("lettres-qualipref", "newsletters", 19, None, None, "", None),
    ("publications-reseaux-sociaux", "social_posts", 20, 7, None, "", None),
]

# (indicator code, entity code, site code or None, from year, value)
TARGETS = [
    ("taux-decroche", "prefecture-13", None, 2015, 80),
    ("taux-decroche", "prefecture-13", None, 2016, 85),
    ("taux-decroche", "sp-aix", None, 2015, 85),
    ("taux-decroche", "sp-arles", None, 2015, 85),
    ("taux-decroche", "sp-istres", None, 2015, 85),
    ("attente-guichet", "prefecture-13", None, 2015, 30),
    ("attente-guichet", "prefecture-13", "saint-sebastien", 2015, 45),
    ("attente-guichet", "sp-aix", None, 2015, 20),
    ("attente-guichet", "sp-arles", None, 2015, 20),
    ("attente-guichet", "sp-istres", None, 2015, 20),
    ("reclamations-dans-le-delai", "prefecture-13", None, 2015, 90),
    ("reclamations-dans-le-delai", "sp-aix", None, 2015, 90),
    ("reclamations-dans-le-delai", "sp-arles", None, 2015, 90),
    ("reclamations-dans-le-delai", "sp-istres", None, 2015, 90),
    ("delai-moyen-reclamations", "prefecture-13", None, 2015, 15),
    ("delai-moyen-reclamations", "sp-aix", None, 2015, 15),
    ("delai-moyen-reclamations", "sp-arles", None, 2015, 15),
    ("delai-moyen-reclamations", "sp-istres", None, 2015, 15),
    ("agents-formes", "prefecture-13", None, 2015, 100),
    ("agents-formes", "sp-aix", None, 2015, 100),
    ("agents-formes", "sp-arles", None, 2015, 100),
    ("agents-formes", "sp-istres", None, 2015, 100),
    ("actions-dans-les-delais", "prefecture-13", None, 2015, 80),
    ("actions-dans-les-delais", "sp-aix", None, 2015, 80),
    ("actions-dans-les-delais", "sp-arles", None, 2015, 80),
    ("actions-dans-les-delais", "sp-istres", None, 2015, 80),
    ("satisfaction-telephone", "prefecture-13", None, 2015, 80),
    ("satisfaction-telephone", "sp-aix", None, 2015, 80),
    ("satisfaction-telephone", "sp-arles", None, 2015, 80),
    ("satisfaction-telephone", "sp-istres", None, 2015, 80),
    ("non-conformites-ouvertes", "prefecture-13", None, 2015, 0),
    ("non-conformites-ouvertes", "sp-aix", None, 2015, 0),
    ("non-conformites-ouvertes", "sp-arles", None, 2015, 0),
    ("non-conformites-ouvertes", "sp-istres", None, 2015, 0),
]

# Pick-up rate around these levels: (2015, recent months). The préfecture misses 80 % in 2015.
PICKUP = {
    "peytral": ((64, 76), (80, 90)),
    "saint-sebastien": ((58, 72), (78, 88)),
    "aix-en-provence": ((86, 94), (86, 94)),
    "arles": ((85, 95), (85, 95)),
    "istres": ((84, 93), (83, 93)),
}
CALLS = {"peytral": 21000, "saint-sebastien": 14000, "aix-en-provence": 6500, "arles": 3200, "istres": 3800}
WAIT = {
    "peytral": (18, 38),
    "saint-sebastien": (30, 60),
    "aix-en-provence": (8, 22),
    "arles": (5, 18),
    "istres": (6, 20),
}


def _values(site_code: str, month: dt.date, recent: bool) -> dict[str, Decimal]:
    rng = random.Random(f"{site_code}-{month:%Y-%m}")  # noqa: S311 - deterministic demo figures
    low, high = PICKUP[site_code][1 if recent else 0]
    rate = rng.uniform(low, high)
    received = int(CALLS[site_code] * rng.uniform(0.85, 1.15))
    needing = int(received * rng.uniform(0.55, 0.7))
    wait_low, wait_high = WAIT[site_code]
    return {
        "taux-decroche": Decimal(f"{rate:.1f}"),
        "appels-recus": Decimal(received),
        "appels-agent": Decimal(needing),
        "attente-guichet": Decimal(f"{rng.uniform(wait_low, wait_high):.0f}"),
    }


def _upsert(model, lookup: dict, values: dict) -> bool:
    """Create, or update only what differs (so a second run writes no history)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        model.objects.create(**lookup, **values)
        return True
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if changed:
        for k, v in changed.items():
            setattr(obj, k, v)
        obj.save()
    return False


def load(stdout=None) -> dict:
    bdr = Department.objects.filter(code="13").first()
    if bdr is None:
        return {}
    modules = {m.number: m for m in Module.objects.filter(referential__code="qualipref")}
    engagements = {
        (e.module.number, e.code): e for e in Engagement.objects.filter(module__in=modules.values())
    }
    indicators = {}
    for (
        code,
        name,
        unit,
        direction,
        frequency,
        aggregation,
        module,
        engagement,
        low,
        high,
        order,
        text,
    ) in MEASURED:
        _upsert(
            Indicator,
            {"department": bdr, "code": code},
            {
                "name": name,
                "description": text,
                "unit": unit,
                "direction": direction,
                "frequency": frequency,
                "aggregation": aggregation,
                "formula": Indicator.Formula.MEASURED,
                "computed_code": "",
                "module": modules.get(module),
                "engagement": engagements.get((module, engagement)),
                "min_value": Decimal(low) if low is not None else None,
                "max_value": Decimal(high) if high is not None else None,
                "order": order,
            },
        )
    registered = computed.registry()
    for code, computation, order, module, engagement, param, name in COMPUTED:
        if computation not in registered:
            continue  # its source app has no selector yet: no figure rather than a made-up one
        c = registered[computation]
        _upsert(
            Indicator,
            {"department": bdr, "code": code},
            {
                "name": name or c.label,
                "description": "",
                "computed_param": param,
                "unit": c.unit,
                "direction": c.direction,
                "formula": Indicator.Formula.COMPUTED,
                "computed_code": computation,
                "module": modules.get(module) if module else None,
                "engagement": engagements.get((module, engagement)) if engagement else None,
                "min_value": Decimal(0) if c.unit == "percent" else None,
                "max_value": Decimal(100) if c.unit == "percent" else None,
                "order": order,
            },
        )
    indicators = {i.code: i for i in Indicator.objects.filter(department=bdr)}
    entities = {e.code: e for e in Entity.objects.filter(department=bdr)}
    sites = {s.code: s for s in Site.objects.filter(entity__department=bdr)}

    targets = 0
    for indicator_code, entity_code, site_code, year, value in TARGETS:
        if indicator_code not in indicators:
            continue
        _upsert(
            Target,
            {
                "indicator": indicators[indicator_code],
                "entity": entities[entity_code],
                "site": sites.get(site_code) if site_code else None,
                "year": year,
            },
            {"value": Decimal(value)},
        )
        targets += 1

    today = timezone.localdate()
    months = [(dt.date(2015, m, 1), False) for m in range(1, 13)]
    # from January of last year to this month: last year's annual report has its twelve months
    months += [(m, True) for m in recent_months(today) if m.year > 2015]
    # Some 700 measurements: read at once, the missing ones inserted and the changed ones updated in bulk
    # (with their history rows), as `_upsert` would one by one.
    wanted = {
        (indicators[code].pk, site.pk, month): value
        for site_code, site in ((c, sites.get(c)) for c in PICKUP)
        if site is not None
        for month, recent in months
        for code, value in _values(site_code, month, recent).items()
    }
    existing = {
        (m.indicator_id, m.site_id, m.period): m
        for m in Measurement.objects.filter(
            indicator__in=indicators.values(), site__in=sites.values(), period__in={key[2] for key in wanted}
        )
    }
    fields = {"source": Measurement.Source.IMPORT, "comment": ""}
    new = [
        Measurement(indicator_id=i, site_id=s, period=p, value=value, **fields)
        for (i, s, p), value in wanted.items()
        if (i, s, p) not in existing
    ]
    changed = []
    for key, value in wanted.items():
        row = existing.get(key)
        if row is not None and (row.value, row.source, row.comment) != (value, *fields.values()):
            row.value, row.source, row.comment = value, *fields.values()
            row.updated_at = timezone.now()  # bulk_update does not stamp it
            changed.append(row)
    bulk_create_with_history(new, Measurement)
    bulk_update_with_history(changed, Measurement, ["value", "source", "comment", "updated_at"])
    created = len(new)

    # The demo's API token is random, shown once (here) and stored hashed: no published value opens the API.
    client = ApiClient.objects.filter(department=bdr, name=DEMO_API_CLIENT).first()
    token = None
    if client is None:
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        client = ApiClient.objects.create(
            department=bdr, name=DEMO_API_CLIENT, token_prefix=token[:10], token_hash=hash_token(token)
        )
    if set(client.sites.values_list("pk", flat=True)) != {s.pk for s in sites.values()}:
        client.sites.set(sites.values())
    return {
        "indicateurs": len(indicators),
        "cibles": targets,
        "mesures créées": created,
        "jeton API de démo": token
        or "déjà créé lors d'un chargement précédent (non réaffiché : révoquez-le et créez-en un autre)",
    }
