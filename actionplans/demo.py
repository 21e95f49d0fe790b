"""Demo action plans of the Bouches-du-Rhône: every action of section II of the 2015 report (done in 2015),
every outlook item of section V (planned for 2016), last year's plans with their actions all done last
year (section II of last year's report), and a few current actions dated relative to today so that
badges and reminders show on a fresh run.

Idempotent: plans are found by (entity, year), actions by (plan, title). Origins are set to the 2015
survey unit of the site (or the entity's 2015 internal audit) when those demo rows exist.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from audits.models import Audit
from referential.demo import qualipref_2_0
from referential.models import Module
from referential.selectors import current_referential
from sites.models import Department, Entity, Site, User
from surveys.models import SurveyUnit, UnitPoint

from .models import ORIGIN_FIELDS, Action, ActionPlan

D = dt.date
SEED_ORIGIN = "Suite à l'analyse des résultats des enquêtes de satisfaction et des audits 2015"

# Section II – "Mise en conformité Qualipref 2.0": module, title, due, completed.
COMPLIANCE_2015 = [
    (
        1,
        "Formation de tous les agents d'accueil n'ayant pas reçu de formation à l'accueil depuis leur prise "
        "de poste ou depuis plus de 4 ans",
        D(2015, 6, 30),
        D(2015, 6, 26),
    ),
    (
        1,
        "Mise en place d'un suivi rigoureux des réponses aux courriers/courriels des usagers et de leurs "
        "délais (SDRAU)",
        D(2015, 4, 30),
        D(2015, 4, 15),
    ),
    (1, "Sensibilisation des agents à la démarche et aux guides d'accueil", D(2015, 5, 31), D(2015, 5, 29)),
    (1, "Mise en place de la saisine par voie électronique", D(2015, 6, 30), D(2015, 7, 8)),
    (
        4,
        "Mise en place d'une enquête de satisfaction des collectivités territoriales",
        D(2015, 6, 30),
        D(2015, 6, 19),
    ),
    (
        4,
        "Mise en place de tableau de suivi des prises de rendez-vous des élus et les délais de réponse",
        D(2015, 5, 31),
        D(2015, 5, 20),
    ),
    (
        7,
        "Formation des agents d'astreinte du bureau de la communication interministérielle à la "
        "communication de crise",
        D(2015, 6, 30),
        D(2015, 6, 11),
    ),
    (7, "Rédaction d'un plan de communication de crise", D(2015, 7, 31), D(2015, 7, 17)),
    (
        7,
        "Création d'un tableau de suivi des communiqués de crise depuis le début de l'année",
        D(2015, 5, 31),
        D(2015, 5, 12),
    ),
    (7, "Formation des membres de la cellule d'information du public (CIP)", D(2015, 9, 30), D(2015, 9, 10)),
    (7, "Mise en place de nombreux exercices avec ou sans appel à la CIP", D(2015, 12, 31), D(2015, 12, 15)),
]

# Section II – "Prise en compte des évaluations (enquêtes et audits)", by site: (title, module).
SITE_ACTIONS_2015 = {
    "peytral": [
        "Renouvellement de toute la signalétique du hall d'accueil",
        "Mise en place d'un panneau d'affichage dédié aux informations Qualipref",
        "Rénovation du comptoir de l'accueil pour intégrer des zones d'écriture",
        "Mise à disposition de chaises à l'accueil général",
        "Amélioration de la lisibilité de l'affichage Qualipref dans le hall d'accueil du bureau des "
        "associations",
        "Mise en place d'un totem devant la préfecture pour l'accueil des PMR",
    ],
    "saint-sebastien": [
        "Regroupement, dans tous les halls d'accueil, des informations dédiées à la qualité sous un même "
        "bandeau "
        "et ajout des pics d'affluence",
        "Amélioration de la signalétique sur les éléments de confort (étrangers)",
        "Avancement de l'heure d'ouverture du guichet étrangers à 8h au lieu de 8h15",
        "Engagement de deux volontaires en service civique pour faciliter l'accès aux guichets étrangers",
        "Mise en place dans chaque bureau d'un planning de passage d'ONET",
        "Prise de RDV en ligne pour la consultation des copies d'examens (Taxis et BEPECASER)",
        "Création d'un dépôt express pour les permis de conduire internationaux et les changements de "
        "domicile "
        "pour les certificats d'immatriculation",
        "Mise en place d'un guichet réservé à la remise de titre (permis)",
        "Rencontres régulières avec la direction départementale de la protection des populations sur les "
        "dossiers plus complexes (primatas)",
        "Actualisation du Serveur Vocal Interactif des permis de conduire",
        "Renfort ponctuel d'agents de la cellule mobile d'appui pour diminuer l'attente du public",
        "Création d'un diaporama d'informations utiles pour l'écran du hall d'accueil des permis de "
        "conduire et "
        "des cartes grises",
    ],
    "istres": [
        "Mise en place d'un second gestionnaire de file d'attente, distinguant la file pré-accueil de la "
        "file "
        "étrangers",
        "Prise de rendez-vous en ligne pour les associations depuis juillet",
        "Mise à jour du serveur vocal interactif",
        "Enrichissement du guide de l'accueil",
        "Mise en place de chevalets pour identifier les agents d'accueil et de guichets",
        "Création d'un espace d'affichage dédié Qualipref 2.0 dans le hall d'accueil",
    ],
    "arles": [
        "Affichage lumineux doublé dans le pré-accueil",
        "Formation et information auprès des agents sur l'accueil téléphonique, physique et l'utilisation du "
        "guide d'accueil",
        "Prise de rendez-vous sur internet pour les usagers et ponctuels pour les professionnels",
        "Mise en place d'une boîte aux lettres au service associations pour le dépôt de dossiers, hors "
        "horaires "
        "et jours d'ouverture",
        "Renforcement de la signalétique dans le hall d'accueil (indication de la fontaine à eau et de la "
        "machine à café)",
    ],
    "aix-en-provence": [
        "Éclairage réparé au fond de la salle d'attente",
        "Maintenance de l'affichage de la régie",
        "Suppression de l'ancien distributeur de tickets inutilisé",
        "Plastification des affiches d'informations",
        "Réparation du distributeur de tickets des cartes grises",
        "Prise de RDV en ligne pour les étudiants étrangers",
        "Amélioration de la signalétique sur les éléments de confort dans tous les espaces d'accueil",
        "Configuration des futurs locaux de la sous-préfecture (déménagement mi-2016) adaptés à l'accueil "
        "des PMR",
    ],
}

# Section II – "Communication" (no module; the préfecture's communication for every site).
COMMUNICATION_2015 = [
    "Amélioration de l'information disponible sur le site internet (accueil PMR, horaires d'affluence, "
    "plans, "
    "délais de traitement...)",
    "Mise à jour de tout l'affichage destiné à la constitution des dossiers dans les halls d'accueil (plus "
    "lisibles)",
    "Harmonisation de la charte graphique entre tous les sites pour l'envoi de courriers et courriels",
    "Publication de 6 numéros de « Qualipref en 13 »",
    "Publication de 942 tweets sur le compte twitter de la préfecture",
]

# Section V – outlook 2016 by entity: (title, module or None, due date, sites or None).
OUTLOOK_2016 = {
    "prefecture-13": [
        ("Améliorer les résultats en termes de taux de décroché", 1, D(2016, 12, 31), None),
        ("Mettre en place une foire aux questions sur le site internet", 1, D(2016, 6, 30), None),
        ("Améliorer encore l'affichage dans les espaces d'accueil", 1, D(2016, 9, 30), None),
        ("Enrichir le tableau de prise de rendez-vous des élus", 4, D(2016, 6, 30), None),
        (
            "Établir un plan de formation respectant les exigences de formation Qualipref 2.0",
            1,
            D(2016, 3, 31),
            None,
        ),
        (
            "Améliorer les rubriques « démarches » du site internet pour être en accord avec les exigences "
            "du "
            "référentiel sur le co-marquage et offrir un site plus lisible à l'usager",
            1,
            D(2016, 10, 31),
            None,
        ),
        (
            "Rendre plus visibles les horaires et coordonnées des 5 sites sur le site internet",
            1,
            D(2016, 4, 30),
            None,
        ),
        (
            "Rendre le tableau de gestion documentaire plus accessible en insérant des liens vers les "
            "rubriques "
            "intranet",
            None,
            D(2016, 5, 31),
            None,
        ),
    ],
    "sp-arles": [
        (
            "Ajouter la date de réception dans le tableau de suivi des lettres d'observation aux "
            "collectivités "
            "locales",
            4,
            D(2016, 3, 31),
            ["arles"],
        ),
    ],
    "sp-istres": [
        (
            "Vigilance sur la propreté des espaces d'accueil (cendriers, affichage)",
            1,
            D(2016, 12, 31),
            ["istres"],
        ),
        (
            "Sensibiliser les agents à l'utilisation de l'espace qualité de l'Intranet",
            1,
            D(2016, 6, 30),
            ["istres"],
        ),
        ("Création d'une bibliothèque de réponses type aux courriels", 1, D(2016, 9, 30), ["istres"]),
        (
            "Mise en place d'un second gestionnaire de file d'attente (pré-accueil/étrangers)",
            1,
            D(2016, 4, 30),
            ["istres"],
        ),
    ],
    "sp-aix": [
        ("Aménagement dans de nouveaux locaux en avril", 1, D(2016, 4, 30), ["aix-en-provence"]),
        (
            "Mettre en place l'affichage nécessaire dans la nouvelle sous-préfecture",
            1,
            D(2016, 5, 31),
            ["aix-en-provence"],
        ),
    ],
}

# Actions answering a 2015 point of vigilance (section III): (site, title start) → (unit code, point).
VIGILANCE_ANSWERS = {
    ("arles", "Renforcement de la signalétique"): ("arles", "Affichage et informations en libre service"),
    ("arles", "Formation et information auprès des agents"): (
        "arles",
        "Transfert vers le bon service (accueil téléphonique)",
    ),
    ("istres", "Mise en place d'un second gestionnaire"): ("istres", "Attente trop longue au guichet"),
    ("aix-en-provence", "Amélioration de la signalétique sur les éléments de confort"): (
        "aix-en-provence",
        "Confort des espaces d'accueil",
    ),
    ("saint-sebastien", "Avancement de l'heure d'ouverture"): ("etrangers", "Horaires d'ouverture"),
    ("saint-sebastien", "Renfort ponctuel d'agents"): (
        "cartes-grises-permis",
        "Attente trop longue au guichet",
    ),
}

REFERENTS = {
    "peytral": "referent.peytral",
    "saint-sebastien": "referent.saint-sebastien",
    "istres": "referent.istres",
    "arles": "referent.arles",
    "aix-en-provence": "referent.aix",
}
ENTITY_OWNERS = {"prefecture-13": "qualite", "sp-arles": "referent.arles", "sp-istres": "referent.istres",
                 "sp-aix": "referent.aix"}  # fmt: skip


def _plan(entity, year, **defaults):
    plan, _ = ActionPlan.objects.update_or_create(entity=entity, year=year, defaults=defaults)
    return plan


def _action(plan, title, *, sites=(), **fields):
    fields.setdefault("origin_kind", Action.OriginKind.FREE_TEXT)
    for field in ORIGIN_FIELDS.values():
        fields.setdefault(field, None)
    action, _ = Action.objects.update_or_create(
        plan=plan, title=title[:300], defaults={"entity": plan.entity, **fields}
    )
    action.sites.set(sites)
    return action


def _origin_2015(site, title):
    """The 2015 point of vigilance the action answers, else the site's 2015 survey unit (the foreigners'
    unit for a foreigners' action), else the entity's 2015 internal audit, else nothing (free text)."""
    answer = next(
        (
            v
            for (code, start), v in VIGILANCE_ANSWERS.items()
            if code == site.code and title.startswith(start)
        ),
        None,
    )
    if answer and "survey_point" in ORIGIN_FIELDS:
        point = UnitPoint.objects.filter(
            unit__campaign__year=2015,
            unit__campaign__population="users",
            unit__code=answer[0],
            kind="vigilance",
            text=answer[1],
        ).first()
        if point is not None:
            return {"origin_kind": "survey_point", "origin_survey_point": point}
    if "survey_unit" in ORIGIN_FIELDS:
        units = list(
            SurveyUnit.objects.filter(campaign__year=2015, campaign__population="users", site=site).order_by(
                "order"
            )
        )
        if units:
            foreign = [u for u in units if "tranger" in u.name]
            unit = foreign[0] if foreign and "tranger" in title else units[0]
            return {"origin_kind": "survey_unit", "origin_survey_unit": unit}
    if "audit" in ORIGIN_FIELDS:
        audit = (
            Audit.objects.filter(entity_id=site.entity_id, start_on__year=2015)
            .order_by("start_on", "pk")
            .first()
        )
        if audit is not None:
            return {"origin_kind": "audit", "origin_audit": audit}
    return {}


def load(stdout=None) -> dict:
    department = Department.objects.get(code="13")
    entities = {e.code: e for e in Entity.objects.filter(department=department)}
    sites = {s.code: s for s in Site.objects.filter(entity__department=department)}
    users = {
        u.username: u for u in User.objects.filter(username__in=[*REFERENTS.values(), "qualite", "copil"])
    }
    # 2015 is Qualipref 2.0 whatever the current referential; today's actions follow the current one.
    modules = {m.number: m for m in Module.objects.filter(referential=qualipref_2_0())}
    current_modules = {m.number: m for m in Module.objects.filter(referential=current_referential())}
    quality = users["qualite"]
    approved = {
        "status": ActionPlan.Status.CLOSED,
        "approved_on": D(2015, 3, 12),
        "closed_on": D(2016, 1, 14),
        "approved_by_committee": "Comité de pilotage qualité du 12 mars 2015",
    }
    plans_2015 = {
        code: _plan(e, 2015, title="Plan d'actions qualité 2015", **approved) for code, e in entities.items()
    }
    plans_2016 = {
        code: _plan(
            e,
            2016,
            title="Perspectives 2016",
            # Approved in January 2016 and closed a year later: its actions are the report's outlook, not
            # today's work (no reminders about them).
            status=ActionPlan.Status.CLOSED,
            approved_on=D(2016, 1, 14),
            approved_by_committee="Comité de pilotage qualité du 14 janvier 2016",
            closed_on=D(2017, 1, 19),
        )
        for code, e in entities.items()
    }
    count = 0

    for number, title, due, done in COMPLIANCE_2015:
        _action(
            plans_2015["prefecture-13"],
            title,
            category=Action.Category.COMPLIANCE,
            module=modules.get(number),
            owner=quality,
            start_on=D(2015, 2, 1),
            due_on=due,
            status=Action.Status.DONE,
            progress=100,
            completed_on=done,
            origin_text="Mise en conformité avec le référentiel Qualipref 2.0 (note du 22 janvier 2015)",
        )
        count += 1

    for site_code, titles in SITE_ACTIONS_2015.items():
        site = sites[site_code]
        plan = plans_2015[site.entity.code]
        owner = users.get(REFERENTS[site_code], quality)
        for index, title in enumerate(titles):
            # Spread the completions over the second half of 2015, after the June surveys and audits.
            completed = D(2015, 7 + index % 6, 10 + index)
            _action(
                plan,
                title,
                sites=[site],
                category=Action.Category.IMPROVEMENT,
                module=modules.get(1),
                owner=owner,
                start_on=D(2015, 7, 1),
                due_on=D(2015, 12, 31),
                status=Action.Status.DONE,
                progress=100,
                completed_on=completed,
                origin_text=SEED_ORIGIN,
                **_origin_2015(site, title),
            )
            count += 1

    for index, title in enumerate(COMMUNICATION_2015):
        _action(
            plans_2015["prefecture-13"],
            title,
            category=Action.Category.COMMUNICATION,
            module=None,
            owner=quality,
            start_on=D(2015, 1, 15),
            due_on=D(2015, 12, 31),
            status=Action.Status.DONE,
            progress=100,
            completed_on=D(2015, 12, 18) if index >= 3 else D(2015, 9 + index, 30),
            origin_text="Communication de la démarche qualité",
        )
        count += 1

    for entity_code, items in OUTLOOK_2016.items():
        owner = users.get(ENTITY_OWNERS[entity_code], quality)
        for title, number, due, site_codes in items:
            _action(
                plans_2016[entity_code],
                title,
                sites=[sites[c] for c in site_codes or []],
                category=Action.Category.IMPROVEMENT,
                module=modules.get(number) if number else None,
                owner=owner,
                start_on=D(2016, 1, 4),
                due_on=due,
                status=Action.Status.PLANNED,
                progress=0,
                completed_on=None,
                origin_text="Perspectives 2016 du bilan annuel qualité 2015",
            )
            count += 1

    last_year_plans = _last_year(entities, sites, users, current_modules, quality)
    count += len(LAST_YEAR_COMPLIANCE) + len(LAST_YEAR_SITE_ACTIONS) + len(LAST_YEAR_COMMUNICATION)
    count += _current(entities, sites, users, current_modules, quality, last_year_plans)
    return {"plans": ActionPlan.objects.filter(entity__department=department).count(), "actions": count}


# Last year's plan (Services Publics+): compliance actions of the préfecture (engagement code, title,
# month and day done); improvement actions per site answering last year's survey (site code, unit code,
# point of vigilance answered or None for the certification audit, title, month, day done); communication.
LAST_YEAR_COMPLIANCE = [
    ("SP4", "Accuser réception des demandes écrites sous une semaine (courriel) ou deux (courrier) sur tous "
     "les sites", 2, 27),
    ("SP2", "Publier les horaires d'affluence et un numéro joignant directement un agent pour chaque site",
     5, 29),
    ("SP6", "Afficher les résultats de qualité de service dans chaque hall et les publier en ligne", 9, 25),
]  # fmt: skip
LAST_YEAR_SITE_ACTIONS = [
    ("istres", "istres", "Chaises en nombre insuffisant aux heures de pointe",
     "Ajouter des chaises dans l'espace d'attente du pré-accueil", 10, 14),
    ("saint-sebastien", "etrangers", "Délai des rendez-vous en ligne",
     "Ouvrir des créneaux de rendez-vous en ligne supplémentaires au guichet des étrangers", 11, 18),
    ("aix-en-provence", "aix-en-provence", "Disponibilité de l'accueil téléphonique en début de matinée",
     "Renforcer l'accueil téléphonique de 8 h 30 à 10 h", 9, 30),
    ("arles", "arles", "Affichage des pièces à fournir pour les démarches en ligne",
     "Afficher la liste des pièces à fournir pour les démarches en ligne", 10, 7),
    ("peytral", None, None, "Mettre le guide d'accueil à jour des engagements Services Publics+", 12, 2),
]  # fmt: skip
LAST_YEAR_COMMUNICATION = [
    ("Publication des engagements Services Publics+ sur le site internet de la préfecture", 3, 20),
    ("Affiches « Votre avis nous intéresse » avec QR code dans chaque point d'accueil", 6, 12),
]


def _last_year(entities, sites, users, modules, quality) -> dict:
    """Last year's plans and their actions, all done last year: so that section II of last year's
    report (compliance by module, actions by site from the surveys and audits, communication) is filled
    whatever the day the demo is loaded. Returns the plans by entity code."""
    from audits.models import Audit
    from referential.models import Engagement
    from surveys.models import SurveyUnit, UnitPoint

    today = timezone.localdate()
    year = today.year - 1
    closed_on = min(D(year + 1, 1, 20), today)
    plans = {
        code: _plan(
            e,
            year,
            title=f"Plan d'actions qualité {year}",
            status=ActionPlan.Status.CLOSED,
            approved_on=D(year, 1, 15),
            approved_by_committee=f"Comité de pilotage qualité du 15 janvier {year}",
            closed_on=closed_on,
        )
        for code, e in entities.items()
    }
    module = modules.get(1)
    engagements = {e.code: e for e in Engagement.objects.filter(module=module)} if module else {}
    for code, title, month, day in LAST_YEAR_COMPLIANCE:
        _action(
            plans["prefecture-13"],
            title,
            category=Action.Category.COMPLIANCE,
            module=module,
            engagement=engagements.get(code),
            owner=quality,
            start_on=D(year, 1, 15),
            due_on=D(year, month, 28),
            status=Action.Status.DONE,
            progress=100,
            completed_on=D(year, month, day),
            origin_text="Mise en conformité avec le référentiel Services Publics+",
        )
    for site_code, unit_code, vigilance, title, month, day in LAST_YEAR_SITE_ACTIONS:
        site = sites[site_code]
        origin: dict = {"origin_text": f"Enquête de satisfaction des usagers {year}"}
        point = (
            UnitPoint.objects.filter(
                unit__campaign__year=year, unit__code=unit_code, kind=UnitPoint.Kind.VIGILANCE, text=vigilance
            ).first()
            if vigilance
            else None
        )
        unit = SurveyUnit.objects.filter(campaign__year=year, code=unit_code).first() if unit_code else None
        if point is not None and "survey_point" in ORIGIN_FIELDS:
            origin.update(origin_kind="survey_point", origin_survey_point=point)
        elif unit is not None and "survey_unit" in ORIGIN_FIELDS:
            origin.update(origin_kind="survey_unit", origin_survey_unit=unit)
        else:
            audit = Audit.objects.filter(
                entity_id=site.entity_id, kind=Audit.Kind.EXTERNAL, start_on__year=year
            ).first()
            origin["origin_text"] = "Audit de certification Services Publics+"
            if audit is not None and "audit" in ORIGIN_FIELDS:
                origin.update(origin_kind="audit", origin_audit=audit)
        _action(
            plans[site.entity.code],
            title,
            sites=[site],
            category=Action.Category.IMPROVEMENT,
            module=module,
            owner=users.get(REFERENTS[site_code], quality),
            start_on=D(year, 7, 1),
            due_on=D(year, 12, 31),
            status=Action.Status.DONE,
            progress=100,
            completed_on=D(year, month, day),
            **origin,
        )
    for title, month, day in LAST_YEAR_COMMUNICATION:
        _action(
            plans["prefecture-13"],
            title,
            category=Action.Category.COMMUNICATION,
            module=None,
            owner=quality,
            start_on=D(year, 1, 15),
            due_on=D(year, 12, 31),
            status=Action.Status.DONE,
            progress=100,
            completed_on=D(year, month, day),
            origin_text="Communication de la démarche qualité",
        )
    return plans


def _current(entities, sites, users, modules, quality, last_year_plans) -> int:
    """This year's plans and a few actions around today: one overdue, two due this month, one done."""
    today = timezone.localdate()
    year = today.year
    plans = {
        code: _plan(
            e,
            year,
            title=f"Plan d'actions qualité {year}",
            status=ActionPlan.Status.APPROVED,
            approved_on=D(year, 1, 15),
            approved_by_committee=f"Comité de pilotage qualité du 15 janvier {year}",
            closed_on=None,
        )
        for code, e in entities.items()
    }
    start = min(D(year, 1, 15), today - dt.timedelta(days=60))
    rows = [
        ("sp-arles", ["arles"], "Mettre à jour l'affichage des horaires d'ouverture au pré-accueil",
         today - dt.timedelta(days=12), Action.Status.IN_PROGRESS, 60),
        ("prefecture-13", ["peytral"], "Remplacer les chaises de la salle d'attente de l'accueil général",
         today + dt.timedelta(days=3), Action.Status.IN_PROGRESS, 80),
        ("sp-istres", ["istres"], "Former les nouveaux agents du pré-accueil au guide d'accueil",
         today + dt.timedelta(days=20), Action.Status.PLANNED, 0),
        ("prefecture-13", ["saint-sebastien"], "Afficher les pics d'affluence à l'entrée du hall des titres",
         today - dt.timedelta(days=40), Action.Status.PLANNED, 0),
    ]  # fmt: skip
    for code, site_codes, title, due, status, progress in rows:
        owner = users.get(REFERENTS[site_codes[0]], quality)
        _action(
            plans[code],
            title,
            sites=[sites[c] for c in site_codes],
            category=Action.Category.IMPROVEMENT,
            module=modules.get(1),
            owner=owner,
            start_on=min(start, due),
            due_on=due,
            status=status,
            progress=progress,
            completed_on=None,
            origin_text="Auto-évaluation trimestrielle",
        )
    # Done five days ago, due at the end of this month: every window of the last twelve months holds an action
    # done this year, even in late December (a due date ten days ahead fell in January then).
    done_on = today - dt.timedelta(days=5)
    _action(
        plans["sp-aix"],
        "Installer une boucle magnétique au guichet des cartes grises",
        sites=[sites["aix-en-provence"]],
        category=Action.Category.IMPROVEMENT,
        module=modules.get(1),
        owner=users.get("referent.aix", quality),
        start_on=start,
        due_on=today + relativedelta(day=31),
        status=Action.Status.DONE,
        progress=100,
        completed_on=done_on,
        origin_text="Comité local des usagers",
    )
    return len(rows) + 1 + _spplus_actions(plans, last_year_plans, sites, users, quality)


def _spplus_actions(plans, last_year_plans, sites, users, quality) -> int:
    """The actions answering last year's Services Publics+ certification findings: the préfecture's
    sensitive point in progress in this year's plan (due in a few weeks), Istres's minor non-conformity
    done three weeks after the audit and verified, in last year's plan."""
    from audits import services as audits_services
    from audits.models import Finding

    today = timezone.localdate()
    findings = {
        f.entity.code: f
        for f in Finding.objects.filter(
            audit__referential__code="services-publics-plus",
            audit__kind="external",
            finding_type__requires_action=True,
        ).select_related("entity", "finding_type", "module", "engagement")
    }
    count = 0
    istres = findings.get("sp-istres")
    istres_done = istres.observed_on + dt.timedelta(weeks=3) if istres else None
    for code, site_code, title, due, done, in_plans in (
        ("prefecture-13", "saint-sebastien", "Renforcer le standard des titres en heure de pointe",
         today + dt.timedelta(days=18), None, plans),
        ("sp-istres", "istres", "Envoyer les accusés de réception depuis le registre des demandes",
         istres_done and istres_done + dt.timedelta(days=3), istres_done, last_year_plans),
    ):  # fmt: skip
        finding = findings.get(code)
        if finding is None or code not in in_plans:
            continue
        _action(
            in_plans[code],
            title,
            sites=[sites[site_code]],
            category=Action.Category.COMPLIANCE,
            module=finding.module,
            engagement=finding.engagement,
            owner=users.get(REFERENTS[site_code], quality),
            start_on=finding.observed_on + dt.timedelta(days=14),
            due_on=due,
            status=Action.Status.DONE if done else Action.Status.IN_PROGRESS,
            progress=100 if done else 50,
            completed_on=done,
            origin_kind=Action.OriginKind.FINDING,
            origin_finding=finding,
        )
        audits_services.finding_actions_changed(finding=finding, by=quality)
        if done and finding.status == Finding.Status.ACTION_DONE:
            audits_services.finding_set_status(
                finding=finding,
                status=Finding.Status.VERIFIED_CLOSED,
                by=quality,
                verification_note="Accusés de réception vérifiés sur un échantillon de courriers.",
                today=done + dt.timedelta(days=7),
            )
        count += 1
    return count
