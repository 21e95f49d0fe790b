"""Demo audits of the Bouches-du-Rhône (2015 annual report), idempotent (natural keys):

- June 2015 internal audits of the 4 entities: 17 non-conformities in total, each with its gap sheet,
  lifted before the external audit;
- September 2015 AFNOR labelling audits with exactly the report's counts per entity and type
  (findings plainly numbered, the report gives no detail);
- the général findings of the labelling audits (strengths, sensitive points, improvement lead);
- the renewal audits planned mid-2017;
- Services Publics+ (dates from `referential.demo.spplus_calendar`): last year's certification audit of
  each entity with its findings and, late in the year, this year's surveillance audit;
- the quarterly self-assessments of last year and of the current year: past quarters completed, the
  current quarter planned.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from referential.demo import qualipref_2_0, spplus, spplus_calendar
from referential.models import Criterion, Engagement, FindingType, Module
from referential.selectors import current_referential
from sites.models import Department, Entity, Site, User

from . import services
from .models import Audit, AuditPlanLine, Finding, GapSheet, SelfAssessmentRow

ENTITY_CODES = ["prefecture-13", "sp-aix", "sp-arles", "sp-istres"]

INTERNAL_DATES = {
    "prefecture-13": (dt.date(2015, 6, 8), dt.date(2015, 6, 9)),
    "sp-aix": (dt.date(2015, 6, 15), dt.date(2015, 6, 15)),
    "sp-arles": (dt.date(2015, 6, 18), dt.date(2015, 6, 18)),
    "sp-istres": (dt.date(2015, 6, 23), dt.date(2015, 6, 23)),
}
EXTERNAL_DATES = {
    "prefecture-13": (dt.date(2015, 9, 14), dt.date(2015, 9, 15)),
    "sp-aix": (dt.date(2015, 9, 16), dt.date(2015, 9, 16)),
    "sp-arles": (dt.date(2015, 9, 17), dt.date(2015, 9, 17)),
    "sp-istres": (dt.date(2015, 9, 18), dt.date(2015, 9, 18)),
}
RENEWAL_DATES = {
    "prefecture-13": (dt.date(2017, 6, 12), dt.date(2017, 6, 13)),
    "sp-aix": (dt.date(2017, 6, 14), dt.date(2017, 6, 14)),
    "sp-arles": (dt.date(2017, 6, 15), dt.date(2017, 6, 15)),
    "sp-istres": (dt.date(2017, 6, 16), dt.date(2017, 6, 16)),
}
HEADCOUNTS = {"prefecture-13": (410, 96), "sp-aix": (58, 17), "sp-arles": (41, 12), "sp-istres": (37, 11)}

# The 2015 external audits (report, section III): strengths, improvement leads, sensitive points,
# minor non-conformities.
EXTERNAL_COUNTS = {
    "prefecture-13": {"strength": 20, "improvement_lead": 6, "sensitive_point": 3},
    "sp-aix": {"strength": 15, "improvement_lead": 4, "sensitive_point": 2, "minor_nonconformity": 1},
    "sp-arles": {"strength": 20, "improvement_lead": 3, "sensitive_point": 2},
    "sp-istres": {"strength": 17, "improvement_lead": 2, "sensitive_point": 4},
}

# The June 2015 internal audits: 17 non-conformities (code, site code or None, title, cause, correction).
INTERNAL_NONCONFORMITIES = {
    "prefecture-13": [
        (
            "E1.1",
            "peytral",
            "Pics d'affluence non affichés à l'entrée du hall Peytral",
            "Affichage conçu avant le nouveau référentiel.",
            "Affiche provisoire posée le jour de l'audit.",
        ),
        (
            "E2.2",
            None,
            "Agents d'accueil sans formation à l'accueil depuis plus de quatre ans",
            "Aucun suivi des dates de formation des agents.",
            "Liste des agents à former établie.",
        ),
        (
            "E6.1",
            None,
            "Délais de réponse aux courriers et courriels non suivis",
            "Pas de registre commun aux services.",
            "Registre SDRAU ouvert.",
        ),
        (
            "E4-4",
            None,
            "Demandes de rendez-vous des élus non tracées",
            "Demandes reçues par plusieurs canaux.",
            "Tableau de suivi créé.",
        ),
        (
            "E7-1",
            None,
            "Plan de communication de crise non formalisé",
            "Module 7 nouveau en 2015.",
            "Rédaction confiée au bureau de la communication.",
        ),
        (
            "E7-3",
            None,
            "Communiqués de crise non consignés dans un registre",
            "Communiqués archivés dans les messageries.",
            "Tableau de suivi depuis janvier créé.",
        ),
    ],
    "sp-aix": [
        (
            "E1.2",
            "aix-en-provence",
            "Accès des personnes à mobilité réduite non signalé depuis la rue",
            "Signalétique extérieure ancienne.",
            "Panneau provisoire installé.",
        ),
        (
            "E4.1",
            "aix-en-provence",
            "Sièges insuffisants dans l'espace d'attente des cartes grises",
            "Affluence sous-estimée.",
            "Chaises ajoutées.",
        ),
        (
            "E5.1",
            None,
            "Taux de décroché non mesuré",
            "Statistiques de l'autocommutateur non exploitées.",
            "Extraction mensuelle demandée.",
        ),
        (
            "E7.1",
            None,
            "Date de réception des réclamations non enregistrée",
            "Registre papier sans colonne de date.",
            "Colonne ajoutée.",
        ),
        (
            "E4-3",
            None,
            "Pas de synthèse annuelle des observations aux collectivités",
            "Observations envoyées au fil de l'eau.",
            "Synthèse 2014 rédigée.",
        ),
    ],
    "sp-arles": [
        (
            "E2.1",
            "arles",
            "Agents du pré-accueil sans badge nominatif",
            "Badges non commandés.",
            "Chevalets nominatifs posés.",
        ),
        (
            "E6.2",
            None,
            "Réponses aux courriels sans charte graphique commune",
            "Modèles propres à chaque agent.",
            "Modèle commun diffusé.",
        ),
        (
            "E4-1",
            None,
            "Date de réception des lettres d'observation non suivie",
            "Tableau de suivi incomplet.",
            "Colonne « date de réception » ajoutée.",
        ),
    ],
    "sp-istres": [
        (
            "E4.1",
            "istres",
            "Éléments de confort non signalés dans l'espace étrangers",
            "Signalétique non adaptée.",
            "Pictogrammes posés.",
        ),
        (
            "E8.1",
            None,
            "Enquête de satisfaction non menée au point d'accueil associations",
            "Point d'accueil oublié dans la campagne.",
            "Questionnaires mis à disposition.",
        ),
        (
            "E4-4",
            None,
            "Délais de réponse aux demandes de rendez-vous des élus non suivis",
            "Suivi par messagerie seulement.",
            "Tableau de suivi créé.",
        ),
    ],
}

GENERAL_FINDINGS = [
    ("strength", "Les outils de pilotage sont performants."),
    (
        "strength",
        "La démarche qualité a atteint un bon niveau de performance grâce à une implication forte de tous "
        "les responsables et des agents.",
    ),
    ("strength", "La qualité de l'accueil des usagers est une priorité."),
    (
        "sensitive_point",
        "S'assurer que tous les agents ont suivi une formation liée à l'accueil dans un délai de 4 ans "
        "maximum.",
    ),
    ("sensitive_point", "Le taux de décroché à la Préfecture doit s'améliorer et atteindre l'objectif."),
    (
        "improvement_lead",
        "Toujours s'assurer dans les espaces d'accueil d'un affichage structuré même lors de communications "
        "urgentes.",
    ),
]
GENERAL_OBSERVED_ON = dt.date(2015, 9, 18)
VERIFICATION_NOTE = "Correction vérifiée par le référent qualité avant l'audit de labellisation."
EXTERNAL_DESCRIPTION = (
    "Constat de l'audit AFNOR de septembre 2015 (le bilan annuel n'en donne pas le détail)."
)

# Self-assessment answers that are not "compliant" in the demo: entity code -> {criterion code: (answer,
# comment)}; applied to the most recent past quarter.
SELF_ASSESSMENT_ISSUES = {
    "prefecture-13": {
        "E5.1": ("partly", "Taux de décroché suivi, mais sous l'objectif à Saint-Sébastien."),
        "SP2.1": ("partly", "Plateforme des titres : taux de décroché encore sous l'objectif."),
    },
    "sp-aix": {"E4.1": ("not_compliant", "Nouveaux locaux : sièges et sanitaires non encore signalés.")},
    "sp-istres": {
        "SP1.2": ("partly", "Manque de chaises aux heures de pointe."),
        "E4.1": ("partly", "Manque de chaises aux heures de pointe."),
        "E1.1": ("not_compliant", "Affichage des pics d'affluence retiré pendant les travaux."),
    },
}


def _audit(
    entity,
    kind,
    title,
    dates,
    modules,
    referential,
    *,
    status,
    auditors=(),
    body="",
    names="",
    evaluation="",
    closing="",
    documents="",
    headcounts=(None, None),
):
    audit, _ = Audit.objects.update_or_create(
        entity=entity,
        kind=kind,
        start_on=dates[0],
        defaults={
            "title": title,
            "end_on": dates[1],
            "referential": referential,
            "status": status,
            "external_body": body,
            "external_auditors": names,
            "evaluation": evaluation,
            "closing_minutes": closing,
            "documents_received": documents,
            "headcount_total": headcounts[0],
            "headcount_in_scope": headcounts[1],
        },
    )
    audit.modules.set(modules)
    audit.sites.set(list(entity.sites.all()))
    audit.reception_points.set([p for s in entity.sites.all() for p in s.reception_points.all()])
    audit.auditors.set(list(auditors))
    return audit


def _finding(audit, ftype, number, title, **fields):
    finding, _ = Finding.objects.update_or_create(
        audit=audit,
        finding_type=ftype,
        number=number,
        defaults={
            "entity": audit.entity,
            "department": audit.entity.department,
            "title": title,
            "observed_on": audit.end_on,
            **fields,
        },
    )
    return finding


def _reference(modules, code):
    """(module, engagement, criterion) of a code in the audited modules."""
    criterion = (
        Criterion.objects.filter(engagement__module__in=modules, code=code)
        .select_related("engagement__module")
        .first()
    )
    if criterion:
        return criterion.engagement.module, criterion.engagement, criterion
    engagement = Engagement.objects.filter(module__in=modules, code=code).select_related("module").first()
    return (engagement.module, engagement, None) if engagement else (None, None, None)


def _quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def load(stdout=None):
    referential = qualipref_2_0()
    department = Department.objects.filter(code="13").first()
    if referential is None or department is None:
        return {}
    types = {t.code: t for t in FindingType.objects.filter(referential=referential)}
    auditor = User.objects.filter(username="auditeur").first()
    quality = User.objects.filter(username="qualite").first()
    entities = {e.code: e for e in Entity.objects.filter(department=department, code__in=ENTITY_CODES)}
    counts = {"audits": 0, "constats": 0}

    for code, entity in entities.items():
        modules = list(
            Module.objects.filter(label_scopes__entity=entity, referential=referential).order_by("number")
        )
        short = entity.short_name or entity.name
        sites = list(Site.objects.filter(entity=entity).order_by("order"))

        # June 2015 internal audit.
        internal = _audit(
            entity,
            Audit.Kind.INTERNAL,
            f"Audit interne {short} – juin 2015",
            INTERNAL_DATES[code],
            modules,
            referential,
            status=Audit.Status.CLOSED,
            auditors=[auditor] if auditor else [],
            evaluation="Audit interne préparatoire à l'audit de labellisation, conduit selon la trame "
            "ministérielle : visite des points d'accueil, entretiens, revue documentaire.",
            closing="Restitution des constats au responsable de l'entité et au référent qualité ; "
            "fiches d'écart remises, corrections à vérifier avant l'audit externe.",
            documents="Organigramme ; liste des agents d'accueil ; registre des réclamations ; "
            "affichages des points d'accueil ; procédures internes.",
            headcounts=HEADCOUNTS[code],
        )
        AuditPlanLine.objects.update_or_create(
            audit=internal,
            date=internal.start_on,
            time=dt.time(9, 0),
            defaults={
                "place": sites[0].name if sites else short,
                "people_met": "Responsable de l'entité, référent qualité",
                "topic": "Réunion d'ouverture",
            },
        )
        AuditPlanLine.objects.update_or_create(
            audit=internal,
            date=internal.start_on,
            time=dt.time(9, 30),
            defaults={
                "place": "Points d'accueil",
                "people_met": "Agents d'accueil",
                "topic": "Observation de l'accueil",
            },
        )
        AuditPlanLine.objects.update_or_create(
            audit=internal,
            date=internal.end_on,
            time=dt.time(16, 0),
            defaults={
                "place": sites[0].name if sites else short,
                "people_met": "Responsable de l'entité",
                "topic": "Réunion de clôture",
            },
        )
        for number, (ref, site_code, title, cause, correction) in enumerate(
            INTERNAL_NONCONFORMITIES[code], start=1
        ):
            module, engagement, criterion = _reference(modules, ref)
            finding = _finding(
                internal,
                types["minor_nonconformity"],
                number,
                title,
                site=next((s for s in sites if s.code == site_code), None),
                module=module,
                engagement=engagement,
                criterion=criterion,
                description=f"Constaté lors de l'audit interne : {title[0].lower()}{title[1:]}.",
                status=Finding.Status.VERIFIED_CLOSED,
                verification_note=VERIFICATION_NOTE,
                verified_on=dt.date(2015, 9, 1),
                verified_by=quality,
            )
            GapSheet.objects.update_or_create(
                finding=finding,
                defaults={
                    "observed": finding.description,
                    "requirement": f"{criterion.code} – {criterion.text}"
                    if criterion
                    else f"{engagement.code} – {engagement.title}"
                    if engagement
                    else "",
                    "cause_analysis": cause,
                    "correction": correction,
                },
            )
            counts["constats"] += 1

        # September 2015 AFNOR labelling audit.
        external = _audit(
            entity,
            Audit.Kind.EXTERNAL,
            f"Audit de labellisation AFNOR {short} – septembre 2015",
            EXTERNAL_DATES[code],
            modules,
            referential,
            status=Audit.Status.CLOSED,
            body="AFNOR Certification",
            names="Équipe d'audit AFNOR",
            evaluation="Audit externe de labellisation Qualipref 2.0. Avis favorable : label attribué fin "
            "novembre 2015.",
            closing="Réunion de clôture : présentation des points forts, pistes de progrès et points "
            "sensibles.",
            headcounts=HEADCOUNTS[code],
        )
        for type_code, n in EXTERNAL_COUNTS[code].items():
            ftype = types[type_code]
            for number in range(1, n + 1):
                finding = _finding(
                    external,
                    ftype,
                    number,
                    f"{ftype.label} n° {number}",
                    description=EXTERNAL_DESCRIPTION,
                )
                if type_code == "minor_nonconformity":
                    GapSheet.objects.update_or_create(
                        finding=finding,
                        defaults={
                            "observed": finding.description,
                            "requirement": "",
                            "cause_analysis": "",
                            "correction": "",
                        },
                    )
                counts["constats"] += 1

        # Mid-2017 renewal audit, planned.
        _audit(
            entity,
            Audit.Kind.RENEWAL,
            f"Audit de renouvellement AFNOR {short} – juin 2017",
            RENEWAL_DATES[code],
            modules,
            referential,
            status=Audit.Status.PLANNED,
            body="AFNOR Certification",
            headcounts=HEADCOUNTS[code],
        )
        counts["audits"] += 3

    # Général findings of the labelling audits (whole département).
    numbers: dict[str, int] = {}
    for type_code, title in GENERAL_FINDINGS:
        numbers[type_code] = numbers.get(type_code, 0) + 1
        Finding.objects.update_or_create(
            department=department,
            entity__isnull=True,
            audit__isnull=True,
            finding_type=types[type_code],
            number=numbers[type_code],
            observed_on=GENERAL_OBSERVED_ON,
            defaults={
                "entity": None,
                "title": title,
                "description": "Constat général des audits de labellisation de septembre 2015.",
            },
        )
        counts["constats"] += 1

    counts["constats"] += _spplus_certification(entities, auditor, quality)
    counts["audits"] += len(entities)
    counts["auto-évaluations"] = _self_assessments(
        entities, current_referential(), auditor or quality, quality
    )
    return counts


# Services Publics+ certification audit of each entity, about ten months ago (referential.demo
# .spplus_calendar): {entity code: [(finding type, engagement or criterion code, title)]}.
SPPLUS_FINDINGS = {
    "prefecture-13": [
        (
            "strength",
            "SP1.3",
            "Gestion de la file d'attente par tickets et écran d'appel dans les deux sites.",
        ),
        ("strength", "SP6.1", "Résultats de qualité de service affichés dans le hall et publiés en ligne."),
        (
            "improvement_lead",
            "SP3.1",
            "Étendre l'accompagnement aux démarches en ligne au site Saint-Sébastien.",
        ),
        ("sensitive_point", "SP2.1", "Taux de décroché de la plateforme des titres inférieur à l'objectif."),
    ],
    "sp-aix": [
        ("strength", "SP1.1", "Agents identifiés par leur nom et leur service à chaque guichet."),
        ("improvement_lead", "SP5", "Simplifier la liste des pièces à fournir affichée à l'accueil."),
    ],
    "sp-arles": [
        ("strength", "SP7.1", "Chaque réclamation donne lieu à une analyse présentée au comité de pilotage."),
        ("improvement_lead", "SP2.3", "Publier les heures d'affluence sur le site internet."),
    ],
    "sp-istres": [
        ("strength", "SP3.1", "Point numérique accompagné au pré-accueil."),
        (
            "minor_nonconformity",
            "SP4.1",
            "Accusés de réception des courriers envoyés au-delà de deux semaines.",
        ),
    ],
}


def _spplus_certification(entities, auditor, by) -> int:
    """Last year's Services Publics+ certification audit of each entity, closed, with its findings."""
    referential = spplus()
    if referential is None:
        return 0
    calendar = spplus_calendar()
    types = {t.code: t for t in FindingType.objects.filter(referential=referential)}
    modules = list(Module.objects.filter(referential=referential))
    count = 0
    for code, entity in entities.items():
        dates = calendar["audits"][code]
        short = entity.short_name or entity.name
        audit = _audit(
            entity,
            Audit.Kind.EXTERNAL,
            f"Audit de certification Services Publics+ {short} – {dates[0]:%m/%Y}",
            dates,
            modules,
            referential,
            status=Audit.Status.CLOSED,
            body="Organisme certificateur indépendant",
            names="Équipe d'audit de l'organisme certificateur",
            evaluation="Audit de certification au label Services Publics+ : les huit engagements, la "
            "démarche d'amélioration continue, une enquête auprès des usagers et une auprès des agents. "
            "Avis favorable.",
            closing="Réunion de clôture : points forts, pistes de progrès et écarts présentés à l'équipe.",
            headcounts=HEADCOUNTS[code],
        )
        numbers: dict[str, int] = {}
        for type_code, ref, title in SPPLUS_FINDINGS.get(code, []):
            numbers[type_code] = numbers.get(type_code, 0) + 1
            module, engagement, criterion = _reference(modules, ref)
            finding = _finding(
                audit,
                types[type_code],
                numbers[type_code],
                title,
                module=module,
                engagement=engagement,
                criterion=criterion,
                description="Constat de l'audit de certification Services Publics+.",
            )
            if type_code == "minor_nonconformity":
                GapSheet.objects.update_or_create(
                    finding=finding,
                    defaults={
                        "observed": finding.title,
                        "requirement": f"{ref} – {criterion.text if criterion else ''}",
                        "cause_analysis": "Registre du courrier tenu à la main, sans alerte d'échéance.",
                        "correction": "Accusés de réception envoyés depuis le registre des demandes.",
                    },
                )
            count += 1
    # Général findings of the certification (whole département), observed on the last day of the audits;
    # those of another day (a demo loaded earlier) are moved, not added.
    observed_on = max(end for _start, end in calendar["audits"].values())
    department = next(iter(entities.values())).department if entities else None
    numbers = {}
    for type_code, title in SPPLUS_GENERAL_FINDINGS if department else ():
        numbers[type_code] = numbers.get(type_code, 0) + 1
        Finding.objects.update_or_create(
            department=department,
            entity__isnull=True,
            audit__isnull=True,
            finding_type=types[type_code],
            title=title,
            defaults={
                "entity": None,
                "number": numbers[type_code],
                "observed_on": observed_on,
                "description": "Constat général de l'audit de certification Services Publics+.",
            },
        )
        count += 1
    for code, dates in calendar["surveillance"].items():
        entity = entities.get(code)
        if entity is None:
            continue
        short = entity.short_name or entity.name
        audit = _audit(
            entity,
            Audit.Kind.FOLLOW_UP,
            f"Audit de surveillance Services Publics+ {short} – {dates[0]:%m/%Y}",
            dates,
            modules,
            referential,
            status=Audit.Status.CLOSED,
            body="Organisme certificateur indépendant",
            names="Équipe d'audit de l'organisme certificateur",
            evaluation="Premier audit de surveillance du label Services Publics+ : suivi des écarts de "
            "l'audit de certification et des résultats publiés. Label maintenu.",
            closing="Réunion de clôture : maintien du label, une piste de progrès présentée à l'équipe.",
            headcounts=HEADCOUNTS[code],
        )
        for number, (type_code, ref, title) in enumerate(SURVEILLANCE_FINDINGS, start=1):
            module, engagement, criterion = _reference(modules, ref)
            _finding(
                audit,
                types[type_code],
                number,
                title,
                module=module,
                engagement=engagement,
                criterion=criterion,
                description="Constat de l'audit de surveillance Services Publics+.",
            )
            count += 1
    return count


SPPLUS_GENERAL_FINDINGS = [
    ("strength", "Un pilotage de la démarche partagé par les quatre entités, avec un comité mensuel."),
    ("strength", "Des résultats de qualité de service publiés pour chaque site."),
    ("improvement_lead", "Harmoniser entre les sites le recueil et l'analyse des avis des usagers."),
]

# This year's surveillance audit (late in the year only, see `spplus_calendar`), each entity.
SURVEILLANCE_FINDINGS = [
    ("strength", "SP6.1", "Résultats de qualité de service de l'an dernier affichés et publiés en ligne."),
    ("improvement_lead", "SP7", "Présenter au comité local des usagers les suites données à leurs avis."),
]


def _self_assessments(entities, referential, auditor, by) -> int:
    """The quarterly self-assessments of last year and of the current year per entity: past quarters
    completed (the previous quarter with a few issues), the current one and those to come planned."""
    today = timezone.localdate()
    year, quarter = _quarter_of(today)
    previous = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    current_start, _ = services.quarter_bounds(year, quarter)
    previous_start, _ = services.quarter_bounds(*previous)
    total = 0
    for code, entity in entities.items():
        audits = []
        for each_year in (year - 1, year):
            audits += services.self_assessments_schedule(
                entity=entity, year=each_year, by=by, referential=referential
            )
        total += len(audits)
        for audit in audits:
            if code == "sp-arles" and audit.start_on == current_start and auditor:
                audit.auditors.add(auditor)
            if audit.start_on >= current_start or audit.status in (
                Audit.Status.REPORT_ISSUED,
                Audit.Status.CLOSED,
            ):
                continue
            issues = SELF_ASSESSMENT_ISSUES.get(code, {}) if audit.start_on == previous_start else {}
            rows = list(
                SelfAssessmentRow.objects.filter(audit=audit).select_related("engagement", "criterion")
            )
            answers = {}
            for row in rows:
                answer, comment = issues.get(row.item_code, ("compliant", ""))
                answers[row.pk] = {
                    "answer": answer,
                    "comment": comment,
                    "evidence": "Vérification sur place par le référent qualité.",
                }
            services.self_assessment_answer(audit=audit, answers=answers, by=by)
            services.self_assessment_complete(audit=audit, by=by, today=audit.end_on)
    return total
