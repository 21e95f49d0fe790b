"""Demo surveys: the 2015 users' campaign of the Bouches-du-Rhône exactly as in the 2015 report (rates,
strengths and points of vigilance per unit), last year's users' campaign (published, with results),
this year's users' campaign with the online questionnaire
open (dates relative to today), and this year's local-authorities campaign (Module 4), planned.

No 2014 campaign is invented. Idempotent: every row is found by its natural key and updated.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from referential.demo import qualipref_2_0
from referential.models import Engagement
from referential.selectors import current_referential
from sites.models import Department, ReceptionPoint, Site

from .defaults import LOCAL_AUTHORITY_CRITERIA, USER_CRITERIA
from .models import Campaign, Criterion, Result, SurveyUnit, UnitPoint
from .services import unit_points_set

# The target is the demo's choice of the quality manager (the 2015 report states none).
DEMO_TARGET = Decimal(80)

CRITERIA_ORDER = ["telephone", "pmr", "conditions", "horaires", "signaletique", "courtoisie", "attente"]

# site code, unit code, name, reception point codes (empty: the whole site), 2015 rates in CRITERIA_ORDER,
# strengths, points of vigilance ("RAS" in the report: none).
UNITS_2015 = [
    (
        "arles",
        "arles",
        "Sous-préfecture d'Arles",
        [],
        ["87", "97", "94", "72", "94", "99", "82"],
        [
            "Qualité de l'information donnée",
            "Courtoisie",
            "Qualité des courriers et courriels",
            "Facilité d'accès",
            "Signalétique",
            "Temps d'attente raisonnable",
            "Confort des espaces",
        ],
        [
            "Affichage et informations en libre service",
            "Transfert vers le bon service (accueil téléphonique)",
        ],
    ),
    (
        "istres",
        "istres",
        "Sous-préfecture d'Istres",
        [],
        ["66", "81", "76", "64", "96", "97", "57"],
        ["Qualité et courtoisie du personnel", "Qualité de l'accueil téléphonique (standard et SVI)"],
        [
            "Attente trop longue au guichet",
            "Horaires d'ouverture",
            "Manque de chaises dans les espaces d'attente",
        ],
    ),
    (
        "aix-en-provence",
        "aix-en-provence",
        "Sous-préfecture d'Aix-en-Provence",
        [],
        ["46", "78", "66", "64", "83", "83", "41"],
        ["Courtoisie du personnel"],
        [
            "Faible disponibilité de l'accueil téléphonique",
            "Confort des espaces d'accueil",
            "Délais d'attente",
        ],
    ),
    (
        "saint-sebastien",
        "cartes-grises-permis",
        "Saint-Sébastien – cartes grises et permis",
        ["cartes-grises-permis"],
        ["76", "67", "49", "51.5", "91", "94", "41"],
        ["Prise en charge par les agents d'accueil", "Facilité d'accès", "Courtoisie"],
        ["Attente trop longue au guichet", "Horaires d'ouverture", "Confort des espaces d'attente"],
    ),
    (
        "saint-sebastien",
        "etrangers",
        "Saint-Sébastien – accueil des étrangers",
        ["etrangers"],
        ["87", "91", "82", "86", "88", "80", "71"],
        [
            "Prise en charge par les agents d'accueil",
            "Courtoisie",
            "Facilité d'accès",
            "Amélioration des conditions d'accueil en général",
        ],
        ["Horaires d'ouverture", "Confort des espaces d'attente", "Dématérialisation des procédures"],
    ),
    (
        "peytral",
        "accueil-general-associations",
        "Peytral – accueil général et associations",
        ["accueil-general", "associations"],
        ["71", "94", "95", "93", "99", "99", "87"],
        [
            "Prise en charge par les agents d'accueil",
            "Facilité d'accès",
            "Courtoisie",
            "Qualité de l'information donnée",
        ],
        [],
    ),
]


def _criteria(campaign, definitions, engagements, target):
    criteria = {}
    for order, (code, label, question, key) in enumerate(definitions, 1):
        criteria[code], _ = Criterion.objects.update_or_create(
            campaign=campaign,
            code=code,
            defaults={
                "label": label,
                "question": question,
                "order": order,
                "engagement": engagements.get(key) if key else None,
                "target_rate": target,
            },
        )
    return criteria


def _units(campaign, sites, points):
    units = {}
    for order, (site_code, code, name, point_codes, *_rest) in enumerate(UNITS_2015, 1):
        unit, _ = SurveyUnit.objects.update_or_create(
            campaign=campaign, code=code, defaults={"site": sites[site_code], "name": name, "order": order}
        )
        unit.reception_points.set([points[(site_code, p)] for p in point_codes])
        units[code] = unit
    return units


def _current_engagements(old: dict) -> dict:
    """{(module, Qualipref 2.0 code): engagement of the current referential}, through the crosswalk."""
    from referential.crosswalk import counterparts

    referential = current_referential()
    if referential is None or all(e.module.referential_id == referential.pk for e in old.values()):
        return old
    links = counterparts(engagement_ids=[e.pk for e in old.values()])
    result = {}
    for key, engagement in old.items():
        targets = [
            link.target_engagement
            for link in links.get(("engagement", engagement.pk), [])
            if link.target_engagement.module.referential_id == referential.pk
        ]
        if targets:
            result[key] = targets[0]
    return result


# Last year's campaign (May–June): each unit's 2015 rates moved by these points per criterion (in
# CRITERIA_ORDER), capped at 99; its points of vigilance ({unit code: texts}), strengths kept from 2015.
LAST_YEAR_CHANGE = [12, 2, 8, 10, 1, 0, 14]
LAST_YEAR_VIGILANCE = {
    "arles": ["Affichage des pièces à fournir pour les démarches en ligne"],
    "istres": [
        "Attente au guichet des étrangers le lundi",
        "Chaises en nombre insuffisant aux heures de pointe",
    ],
    "aix-en-provence": ["Disponibilité de l'accueil téléphonique en début de matinée"],
    "cartes-grises-permis": ["Attente au guichet les jours d'affluence"],
    "etrangers": ["Horaires d'ouverture l'après-midi", "Délai des rendez-vous en ligne"],
    "accueil-general-associations": [],
}


def _last_year(department, sites, points, engagements, today) -> int:
    """Last year's users' campaign (Services Publics+ engagements), published, with its results: so that
    last year's annual report has its survey section whatever the day the demo is loaded."""
    year = today.year - 1
    campaign, _ = Campaign.objects.update_or_create(
        department=department,
        population=Campaign.Population.USERS,
        year=year,
        defaults={
            "name": f"Enquête de satisfaction des usagers {year}",
            "starts_on": dt.date(year, 5, 2),
            "ends_on": dt.date(year, 6, 30),
            "method": (
                "Questionnaire en ligne (QR code affiché à chaque point d'accueil) et questionnaire papier."
            ),
            "status": Campaign.Status.PUBLISHED,
        },
    )
    criteria = _criteria(campaign, USER_CRITERIA, engagements, DEMO_TARGET)
    units = _units(campaign, sites, points)
    count = 0
    for _site, code, _name, _points, rates, strengths, _vigilance in UNITS_2015:
        unit = units[code]
        for criterion_code, rate, change in zip(CRITERIA_ORDER, rates, LAST_YEAR_CHANGE, strict=True):
            Result.objects.update_or_create(
                unit=unit,
                criterion=criteria[criterion_code],
                defaults={
                    "rate": min(Decimal(rate) + change, Decimal(99)),
                    "source": Result.Source.FORM,
                    "satisfied": None,
                    "concerned": None,
                },
            )
            count += 1
        unit_points_set(unit=unit, kind=UnitPoint.Kind.STRENGTH, texts=strengths[:3], by=None)
        unit_points_set(unit=unit, kind=UnitPoint.Kind.VIGILANCE, texts=LAST_YEAR_VIGILANCE[code], by=None)
    return count


def load(stdout=None) -> dict:
    department = Department.objects.get(code="13")
    sites = {s.code: s for s in Site.objects.filter(entity__department=department)}
    points = {
        (p.site.code, p.code): p
        for p in ReceptionPoint.objects.filter(site__in=sites.values()).select_related("site")
    }
    # 2015 measured Qualipref 2.0's engagements; this year's campaigns measure the current referential's,
    # each default criterion following the crosswalk (first counterpart) when the referential changed.
    engagements = {
        (e.module.number, e.code): e
        for e in Engagement.objects.filter(module__referential=qualipref_2_0()).select_related("module")
    }
    current_engagements = _current_engagements(engagements)
    today = timezone.localdate()

    # 2015: the report's campaign, published.
    c2015, _ = Campaign.objects.update_or_create(
        department=department,
        population=Campaign.Population.USERS,
        year=2015,
        defaults={
            "name": "Enquête de satisfaction des usagers 2015",
            "starts_on": dt.date(2015, 5, 1),
            "ends_on": dt.date(2015, 6, 30),
            "method": (
                "Questionnaire de satisfaction proposé aux usagers de chaque unité d'accueil (sept critères)."
            ),
            "status": Campaign.Status.PUBLISHED,
            "notes": "Résultats repris du bilan annuel qualité 2015 (partie III – L'évaluation).",
        },
    )
    criteria = _criteria(c2015, USER_CRITERIA, engagements, DEMO_TARGET)
    units = _units(c2015, sites, points)
    results = 0
    for _site, code, _name, _points, rates, strengths, vigilance in UNITS_2015:
        unit = units[code]
        for criterion_code, rate in zip(CRITERIA_ORDER, rates, strict=True):
            Result.objects.update_or_create(
                unit=unit,
                criterion=criteria[criterion_code],
                defaults={
                    "rate": Decimal(rate),
                    "source": Result.Source.FORM,
                    "satisfied": None,
                    "concerned": None,
                },
            )
            results += 1
        unit_points_set(unit=unit, kind=UnitPoint.Kind.STRENGTH, texts=strengths, by=None)
        unit_points_set(unit=unit, kind=UnitPoint.Kind.VIGILANCE, texts=vigilance, by=None)

    results += _last_year(department, sites, points, current_engagements, today)

    # This year: same units and criteria, the online questionnaire open now (a two-month window around
    # today, as the May–June campaigns), so a fresh run can take answers.
    current, created = Campaign.objects.get_or_create(
        department=department,
        population=Campaign.Population.USERS,
        year=today.year,
        defaults={
            "name": f"Enquête de satisfaction des usagers {today.year}",
            "starts_on": today - dt.timedelta(days=14),
            "ends_on": today + dt.timedelta(days=46),
            "method": (
                "Questionnaire en ligne (QR code affiché à chaque point d'accueil) et questionnaire papier."
            ),
            "status": Campaign.Status.OPEN,
            "status_changed_at": timezone.now(),
        },
    )
    _criteria(current, USER_CRITERIA, current_engagements, DEMO_TARGET)
    _units(current, sites, points)

    # Module 4: the local authorities' survey announced in the 2015 outlook, planned, without results.
    local, _ = Campaign.objects.get_or_create(
        department=department,
        population=Campaign.Population.LOCAL_AUTHORITIES,
        year=today.year,
        defaults={
            "name": f"Enquête de satisfaction des collectivités territoriales {today.year}",
            "method": (
                "Questionnaire adressé aux collectivités "
                "(module 4 : contrôle de légalité, contrôle budgétaire)."
            ),
            "status": Campaign.Status.PLANNED,
            "notes": "Annoncée dans les perspectives du bilan 2015 (module 4). Unités à définir.",
        },
    )
    _criteria(local, LOCAL_AUTHORITY_CRITERIA, current_engagements, None)
    return {
        "campagnes": Campaign.objects.filter(department=department).count(),
        "unités": SurveyUnit.objects.filter(campaign__department=department).count(),
        "taux (2015 et l'an dernier)": results,
    }
