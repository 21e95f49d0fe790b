# ruff: noqa: E501  (data tables of the demo read better one row per line)
"""Demo steering data: section I of the 2015 report (COPILs, users' committee, working groups, label
events, internal referential, trainings, Module 7 registers, communication) and the 2016 calendar of
section V, plus the recent life from January of last year to today (monthly COPILs, the users'
committee, working groups, documents revised for Services Publics+, newsletters, posts, crisis exercises
and press releases: last year's report is complete) and current deadlines dated relative to today so
that badges and reminders show.

Idempotent: every row is keyed on a natural key (update_or_create / get_or_create)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.utils import timezone

from referential.demo import qualipref_2_0, recent_months
from referential.models import Engagement, Module
from sites.models import Department, Entity, Site, User

from .models import (
    Agent,
    Committee,
    CommitteeMember,
    CrisisExercise,
    Deadline,
    DeadlineCompletion,
    Decision,
    Document,
    DocumentVersion,
    LabelEvent,
    Meeting,
    Newsletter,
    PressRelease,
    SocialMediaCount,
    Training,
)
from .services import agent_refresh_due

D = dt.date
NEWSLETTER_TITLE = "Qualipref en 13"  # the demo département's setting (sites.Department)

# 942 tweets in 2015, month by month (January → December)
TWEETS_2015 = [70, 68, 82, 75, 79, 88, 71, 95, 84, 80, 76, 74]

COPIL_2015 = [
    (D(2015, 1, 13), "Lancement de la démarche Qualipref 2.0", [
        ("Constituer trois groupes de travail (modules 1, 4 et 7) pour préparer la labellisation.", "qualite", D(2015, 2, 15)),
    ]),
    (D(2015, 2, 10), "Nouveau référentiel Qualipref 2.0", [
        ("Désigner un référent qualité par site avant le 1er mars.", "qualite", D(2015, 3, 1)),
    ]),
    (D(2015, 3, 10), "Référentiel interne et réseau des référents", [
        ("Rédiger les fiches de procédure réclamations, SDRAU et rendez-vous des élus.", "qualite", D(2015, 5, 31)),
    ]),
    (D(2015, 4, 14), "Préparation du comité local des usagers", []),
    (D(2015, 5, 12), "Enquêtes de satisfaction et audits internes", [
        ("Programmer les audits internes des 4 sites en juin.", "auditeur", D(2015, 6, 30)),
    ]),
    (D(2015, 6, 9), "Suivi des plans d'actions", []),
    (D(2015, 7, 7), "Résultats des audits internes : 17 non-conformités", [
        ("Former avant septembre tous les agents d'accueil non formés depuis plus de 4 ans.", "qualite", D(2015, 9, 1)),
        ("Lever les non-conformités avant l'audit externe.", "qualite", D(2015, 9, 15)),
    ]),
    (D(2015, 8, 25), "Préparation de l'audit externe", []),
    (D(2015, 9, 8), "Audits externes de labellisation", []),
    (D(2015, 10, 13), "Accueil de la nouvelle chargée de mission qualité", [
        ("Mettre à jour le tableau de gestion documentaire.", "qualite", D(2015, 12, 31)),
    ]),
    (D(2015, 11, 10), "Résultats de l'audit AFNOR", []),
    (D(2015, 12, 8), "Bilan 2015 et perspectives 2016", [
        ("Établir un plan de formation respectant les exigences de Qualipref 2.0.", "qualite", D(2016, 3, 31)),
        ("Améliorer le taux de décroché de la préfecture.", "referent.peytral", D(2016, 6, 30)),
    ]),
]  # fmt: skip

EVENTS_2015 = [
    (D(2015, 1, 13), "committee", "Mise en place d'un comité de pilotage qualité mensuel", ""),
    (D(2015, 2, 2), "referential", "Nouveau référentiel en février : Qualipref 2.0",
     "Deux nouveaux modules : relations avec les collectivités territoriales et communication de crise."),
    (D(2015, 2, 16), "organisation", "Mise en place des groupes de travail pour la labellisation", ""),
    (D(2015, 3, 2), "organisation", "Désignation d'un réseau de référents qualité", ""),
    (D(2015, 3, 16), "organisation", "Élaboration du référentiel interne (documents de référence, fiches de procédure)", ""),
    (D(2015, 4, 30), "committee", "Institution d'un comité local des usagers (première réunion le 30 avril)", ""),
    (D(2015, 6, 22), "audit", "Audits internes des 4 sites : 17 non-conformités soulevées", ""),
    (D(2015, 9, 21), "audit", "Audits externes de labellisation (AFNOR)", ""),
    (D(2015, 10, 1), "appointment", "Nomination d'une nouvelle chargée de mission qualité en octobre", ""),
    (D(2015, 11, 27), "label", "Labellisation des 4 sites Qualipref 2.0 : fin novembre", ""),
]  # fmt: skip

# reference, title, kind, module number, engagement code, site code, versions [(label, date)], review in days
DOCUMENTS = [
    ("DR-01", "Document de référence – engagements Qualipref 2.0 de la préfecture", "reference", 1, None, None,
     [("1.0", D(2015, 3, 20)), ("1.1", D(2015, 11, 30))], 200),
    ("DR-02", "Document de référence – relations avec les collectivités territoriales", "reference", 4, None, None,
     [("1.0", D(2015, 5, 4))], 120),
    ("FP-01", "Fiche de procédure – traitement des réclamations et suggestions", "procedure", 1, "E7", None,
     [("1.0", D(2015, 4, 2)), ("2.0", D(2015, 10, 19))], 20),
    ("FP-02", "Fiche de procédure – réponse aux courriers et courriels (SDRAU)", "procedure", 1, "E6", None,
     [("1.0", D(2015, 4, 2))], -12),
    ("FP-03", "Fiche de procédure – rendez-vous des élus", "procedure", 4, "E4-4", None, [("1.0", D(2015, 5, 18))], 300),
    ("FP-04", "Fiche de procédure – lettres d'observation aux collectivités", "procedure", 4, None, None,
     [("1.0", D(2015, 6, 1))], 300),
    ("GA-01", "Guide d'accueil – site Peytral", "guide", 1, None, "peytral", [("1.0", D(2015, 5, 11))], 150),
    ("GA-02", "Guide d'accueil – sous-préfecture d'Istres", "guide", 1, None, "istres",
     [("1.0", D(2015, 5, 11)), ("1.1", D(2015, 12, 1))], 90),
    ("GA-03", "Guide de l'accueil téléphonique", "guide", 1, "E5", None, [("1.0", D(2015, 6, 15))], 240),
    ("PCC-01", "Plan de communication de crise", "plan", 7, "E7-1", None,
     [("1.0", D(2015, 7, 20)), ("1.1", D(2015, 11, 16))], 45),
]  # fmt: skip

# site code → [(last name, first name, took post, reception duties, trainings [(topic, date | days ago)])]
# A date is a 2015 record; an int is "so many days ago" (the current state).
AGENTS = {
    "peytral": [
        ("Arnaud", "Lucie", D(2012, 9, 1), True, [("reception", D(2015, 3, 10)), ("reception", 400)]),
        ("Blanc", "Éric", D(2010, 1, 4), True, [("reception", D(2015, 3, 10)), ("reception", 700)]),
        ("Chabert", "Inès", D(2014, 2, 3), True, [("reception", D(2015, 6, 2)), ("reception", 300)]),
        # renewed nearly four years ago: due again within the month
        (
            "Durand",
            "Paul",
            D(2008, 5, 12),
            True,
            [("reception", D(2015, 3, 10)), ("reception", 4 * 365 - 20)],
        ),
        (
            "Estève",
            "Mona",
            D(2013, 11, 18),
            True,
            [("reception", D(2015, 6, 2)), ("reception", 4 * 365 - 50)],
        ),
        ("Ferrand", "Jules", D(2006, 3, 1), True, [("reception", D(2010, 10, 5)), ("reception", 200)]),
        ("Garnier", "Anne", D(2009, 6, 1), False, [("crisis", D(2015, 4, 21)), ("cip", D(2015, 9, 29))]),
        ("Hoarau", "Yann", D(2011, 2, 1), False, [("crisis", D(2015, 4, 21)), ("cip", D(2015, 9, 29))]),
    ],
    "saint-sebastien": [
        ("Imbert", "Claire", D(2011, 4, 1), True, [("reception", D(2015, 5, 19)), ("reception", 500)]),
        ("Jourdan", "Malik", D(2007, 9, 3), True, [("reception", D(2015, 5, 19)), ("reception", 500)]),
        # untrained since 2009 in the 2015 report; today, her renewal is late by a fortnight (the demo's
        # deliberate late training)
        (
            "Kieffer",
            "Sonia",
            D(2009, 1, 5),
            True,
            [("reception", D(2009, 3, 2)), ("reception", 4 * 365 + 14)],
        ),
        ("Lambert", "Hugo", D(2013, 6, 17), True, [("reception", D(2015, 5, 19)), ("reception", 600)]),
        ("Marchand", "Élodie", D(2012, 10, 1), True, [("reception", D(2015, 9, 8)), ("reception", 350)]),
        ("Nguyen", "Bao", D(2014, 9, 1), True, [("reception", D(2015, 9, 8)), ("reception", 350)]),
        ("Olivier", "Rachid", D(2005, 2, 1), True, [("reception", D(2011, 11, 14)), ("reception", 800)]),
        ("Perrin", "Julie", D(2015, 10, 5), True, [("reception", 250)]),
    ],
    "aix-en-provence": [
        ("Quintin", "Laure", D(2010, 3, 1), True, [("reception", D(2015, 2, 24)), ("reception", 420)]),
        ("Renaud", "Samir", D(2012, 1, 9), True, [("reception", D(2015, 2, 24)), ("reception", 420)]),
        ("Simon", "Agnès", D(2013, 5, 6), True, [("reception", D(2015, 2, 24)), ("reception", 900)]),
        ("Tessier", "Marc", D(2014, 7, 1), True, [("reception", D(2015, 2, 24)), ("reception", 900)]),
    ],
    "arles": [
        ("Uzan", "Chloé", D(2011, 9, 1), True, [("reception", D(2015, 4, 7)), ("reception", 380)]),
        (
            "Vidal",
            "Olivier",
            D(2009, 4, 1),
            True,
            [("reception", D(2015, 4, 7)), ("reception", 4 * 365 - 30)],
        ),
        ("Weber", "Nina", D(2014, 1, 6), True, [("reception", D(2015, 4, 7)), ("reception", 380)]),
    ],
    "istres": [
        ("Girard", "Thomas", D(2012, 3, 1), True, [("reception", D(2015, 3, 17)), ("reception", 550)]),
        ("Xavier", "Laura", D(2010, 10, 1), True, [("reception", D(2015, 3, 17)), ("reception", 550)]),
        ("Yilmaz", "Deniz", D(2013, 2, 4), True, [("reception", D(2015, 3, 17)), ("reception", 550)]),
        ("Zerbib", "Alice", D(2014, 11, 3), True, [("reception", D(2015, 3, 17)), ("reception", 1000)]),
    ],
}

# The recent registers, from January of last year to today (referential.demo.recent_months): posts per
# month (cycled), one newsletter issue a quarter (summaries cycled), crisis exercises and crisis press
# releases of last year (month, day, …) and this year's exercise two months ago.
CURRENT_MONTHLY_POSTS = [14, 19, 22, 17, 9, 6, 21, 24, 18, 20, 16, 23]
CURRENT_NEWSLETTER_FIRST = 41
CURRENT_NEWSLETTER_SUMMARIES = [
    "Services Publics+ : les huit engagements au quotidien",
    "Bilan des enquêtes de satisfaction",
    "Le nouveau standard téléphonique : objectif de taux de décroché",
    "Réclamations : accuser réception sous une semaine, répondre dans le délai annoncé",
]
LAST_YEAR_EXERCISES = [
    (3, 19, "Inondation du Rhône – Arles", True, "Activation de la CIP en 40 minutes ; annuaire à mettre à jour."),
    (10, 8, "Feu de forêt dans le massif de la Sainte-Victoire", False,
     "Remontée d'information rapide ; fiche réflexe du standard à compléter."),
]  # fmt: skip
CURRENT_EXERCISES = [
    (2, "Accident routier sur l'A7 – NOVI", False, "Bonne remontée d'information ; fiche réflexe révisée."),
]
LAST_YEAR_PRESS = [
    (7, 22, "Épisode de canicule", "Communiqué de presse",
     "Plan canicule : vigilance orange, conseils de prévention à la population."),
    (10, 9, "Feu de forêt dans le massif de la Sainte-Victoire", "Twitter",
     "Routes fermées et consignes de confinement pour les riverains."),
]  # fmt: skip
# Working groups' meetings of last year (month, day per group) and the documents revised or written for
# Services Publics+ last year: (document reference, version label, month, day).
LAST_YEAR_GROUP_MEETINGS = [(3, 12), (3, 17), (9, 22)]
LAST_YEAR_VERSIONS = [("FP-01", "3.0", 2, 9), ("DR-01", "2.0", 3, 2), ("GA-03", "2.0", 9, 14)]

NEWSLETTERS_2015 = [
    (1, D(2015, 2, 27), "Qualipref 2.0 : ce qui change"),
    (2, D(2015, 4, 24), "Les référents qualité ; le comité local des usagers"),
    (3, D(2015, 6, 26), "Les audits internes ; les enquêtes de satisfaction"),
    (4, D(2015, 7, 31), "Résultats des enquêtes de satisfaction"),
    (5, D(2015, 10, 23), "Préparer l'audit externe ; la nouvelle chargée de mission"),
    (6, D(2015, 12, 18), "Les 4 sites labellisés Qualipref 2.0"),
]

PRESS_2015 = [
    (D(2015, 1, 8), "Vigilance attentats après les événements de Paris", "Communiqué de presse",
     "Le préfet appelle à la vigilance et renforce les mesures de sécurité dans le département."),
    (D(2015, 6, 30), "Épisode de canicule", "Communiqué de presse",
     "Plan canicule : niveau 3 déclenché, conseils de prévention à la population."),
    (D(2015, 7, 24), "Pollution à l'ozone", "Twitter", "Procédure d'alerte : réduction de vitesse de 20 km/h."),
    (D(2015, 8, 10), "Feu de forêt à Rognac et Vitrolles", "Communiqué de presse",
     "Point de situation sur l'incendie, routes fermées et consignes."),
    (D(2015, 8, 10), "Feu de forêt à Rognac et Vitrolles", "Twitter", "Évitez le secteur, suivez les consignes."),
    (D(2015, 10, 3), "Intempéries : vigilance orange pluie-inondation", "Communiqué de presse",
     "Consignes de prudence et fermeture de voies sur berge."),
    (D(2015, 11, 14), "État d'urgence après les attentats du 13 novembre", "Communiqué de presse",
     "Mesures de sécurité renforcées et interdictions de rassemblements."),
    (D(2015, 11, 14), "État d'urgence après les attentats du 13 novembre", "Site internet",
     "Informations pratiques pour les usagers de la préfecture."),
]  # fmt: skip

EXERCISES_2015 = [
    (D(2015, 3, 26), "Exercice SEVESO : fuite toxique sur la zone de Berre-l'Étang", True,
     "Standard saturé en 20 minutes : prévoir le renfort de la CIP dès l'alerte."),
    (D(2015, 5, 21), "Exercice feux de forêt dans le massif de l'Étoile", False,
     "Messages de la préfecture repris rapidement ; publier plus tôt sur Twitter."),
    (D(2015, 10, 15), "Exercice inondation du Rhône à Arles", True,
     "Fiches réflexes de la CIP à actualiser ; former deux agents supplémentaires."),
    (D(2015, 12, 3), "Exercice de communication de crise : accident de transport de matières dangereuses", False,
     "Circuit de validation des communiqués trop long : désigner un suppléant."),
]  # fmt: skip


def _pdf(title: str) -> bytes:
    """A small valid one-page PDF carrying the document's title (demo files)."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 56 780 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _committees(bdr, users):
    copil, _ = Committee.objects.update_or_create(
        department=bdr,
        name="Comité de pilotage qualité",
        defaults={
            "kind": Committee.Kind.STEERING,
            "frequency": "Mensuel",
            "description": "Pilote la démarche Qualipref 2.0 : plans d'actions, indicateurs, audits, communication.",
        },
    )
    usagers, _ = Committee.objects.update_or_create(
        department=bdr,
        name="Comité local des usagers",
        defaults={
            "kind": Committee.Kind.USERS,
            "frequency": "Annuel, en avril",
            "description": "Recueille l'avis des représentants des usagers sur l'accueil de la préfecture.",
        },
    )
    groups = []
    for name, desc in [
        ("Groupe de travail Module 1 – accueil général", "Préparer la labellisation du module 1."),
        (
            "Groupe de travail Module 4 – collectivités territoriales",
            "Nouveau module 4 : relations avec les collectivités.",
        ),
        (
            "Groupe de travail Module 7 – communication de crise",
            "Nouveau module 7 : plan de communication de crise, CIP.",
        ),
    ]:
        group, _ = Committee.objects.update_or_create(
            department=bdr,
            name=name,
            defaults={
                "kind": Committee.Kind.WORKING_GROUP,
                "frequency": "Selon les besoins",
                "description": desc,
            },
        )
        groups.append(group)

    def member(committee, username=None, name="", organisation="", role=""):
        if username:
            m, _ = CommitteeMember.objects.update_or_create(
                committee=committee,
                user=users[username],
                defaults={"role": role, "organisation": organisation},
            )
        else:
            m, _ = CommitteeMember.objects.update_or_create(
                committee=committee,
                user=None,
                name=name,
                defaults={"role": role, "organisation": organisation},
            )
        return m

    copil_members = [
        member(copil, "copil", role="Présidente"),
        member(copil, "qualite", role="Chargée de mission qualité"),
        member(copil, "referent.peytral", role="Référente Peytral"),
        member(copil, "referent.saint-sebastien", role="Référent Saint-Sébastien"),
        member(copil, "referent.aix", role="Référente Aix-en-Provence"),
        member(copil, "referent.arles", role="Référent Arles"),
        member(copil, "referent.istres", role="Référente Istres"),
    ]
    usagers_members = [
        member(usagers, "copil", role="Présidente"),
        member(usagers, "qualite", role="Secrétariat"),
        member(
            usagers,
            name="Mme Odile Ferrer",
            organisation="UDAF des Bouches-du-Rhône",
            role="Représentante des familles",
        ),
        member(
            usagers,
            name="M. Karim Saïdi",
            organisation="Association des paralysés de France",
            role="Représentant PMR",
        ),
        member(
            usagers,
            name="M. Jean Roussel",
            organisation="UFC-Que Choisir Marseille",
            role="Représentant des consommateurs",
        ),
        member(
            usagers, name="Mme Sarah Cohen", organisation="Union des maires des Bouches-du-Rhône", role="Élue"
        ),
    ]
    for group in groups:
        member(group, "qualite", role="Animatrice")
    member(groups[2], name="Bureau de la communication interministérielle", role="Membre")
    return copil, usagers, groups, copil_members, usagers_members


def _meeting(committee, held_on, title, agenda, minutes, attendees):
    meeting, _ = Meeting.objects.update_or_create(
        committee=committee,
        held_on=held_on,
        defaults={
            "department_id": committee.department_id,
            "title": title,
            "location": "Préfecture, salle du conseil (Peytral)",
            "agenda": agenda,
            "minutes": minutes,
        },
    )
    meeting.attendees.set(attendees)
    return meeting


def _weekday(day: dt.date) -> dt.date:
    """The day itself, or the Monday after when it falls on a weekend."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _recent(bdr, today, copil, usagers, groups, copil_members, usagers_members):
    """Meetings, newsletter issues, posts, crisis exercises and press releases from January of last year
    to today. Dated rows are keyed so that a re-run on another day moves them rather than adds."""
    months = recent_months(today)
    last_year = today.year - 1
    # the monthly COPIL of every past month (the current month's is the next COPIL, in a few days)
    held = [_weekday(m.replace(day=12)) for m in months if m < today.replace(day=1)]
    Meeting.objects.filter(
        committee=copil, title__startswith=RECENT_COPIL, held_on__year__gte=2016, held_on__lt=today
    ).exclude(held_on__in=held).delete()
    for index, held_on in enumerate(held):
        _meeting(
            copil,
            held_on,
            f"{RECENT_COPIL}{held_on:%m/%Y}",
            "1. Suivi des plans d'actions\n2. Indicateurs du mois\n3. Réclamations et suggestions\n"
            "4. Questions diverses",
            "Les indicateurs du mois ont été présentés par la chargée de mission qualité ; les référents "
            "ont fait le point sur leurs sites et sur les actions en retard.",
            copil_members if index % 3 else copil_members[:5],
        )
    # the users' committee, each April
    users_days = [d for d in (_weekday(D(y, 4, 28)) for y in (last_year, today.year)) if d < today]
    Meeting.objects.filter(committee=usagers, held_on__year__gte=2016).exclude(
        held_on__in=users_days
    ).delete()
    for held_on in users_days:
        _meeting(
            usagers,
            held_on,
            f"Comité local des usagers {held_on.year}",
            "1. Résultats publiés (Services Publics+, engagement 6)\n2. Suites données aux avis des "
            "usagers\n3. Attentes des usagers",
            "Les représentants des usagers ont examiné les résultats publiés et les suites données à leurs "
            "avis ; ils demandent des rendez-vous en ligne plus nombreux au guichet des étrangers.",
            usagers_members,
        )
    # each working group met once last year
    for group, (month, day) in zip(groups, LAST_YEAR_GROUP_MEETINGS, strict=True):
        held_on = _weekday(D(last_year, month, day))
        Meeting.objects.filter(committee=group, held_on__year__gte=2016).exclude(held_on=held_on).delete()
        _meeting(
            group,
            held_on,
            f"Point d'étape Services Publics+ – {group.name.split('– ')[-1]}",
            "Relecture des engagements Services Publics+ ; suivi des actions.",
            "Les engagements ont été relus et les actions réparties entre les participants.",
            list(group.members.all()),
        )
    for back, month in enumerate(reversed(months)):
        SocialMediaCount.objects.update_or_create(
            department=bdr,
            network=SocialMediaCount.Network.TWITTER,
            month=month,
            defaults={"posts": CURRENT_MONTHLY_POSTS[back % len(CURRENT_MONTHLY_POSTS)]},
        )
    # a newsletter issue every quarter (20 March, June, September, December)
    issues = [D(m.year, m.month, 20) for m in months if m.month % 3 == 0 and D(m.year, m.month, 20) <= today]
    Newsletter.objects.filter(
        department=bdr, title=NEWSLETTER_TITLE, number__gte=CURRENT_NEWSLETTER_FIRST + len(issues)
    ).delete()
    for index, published_on in enumerate(issues):
        Newsletter.objects.update_or_create(
            department=bdr,
            title=NEWSLETTER_TITLE,
            number=CURRENT_NEWSLETTER_FIRST + index,
            defaults={
                "published_on": published_on,
                "summary": CURRENT_NEWSLETTER_SUMMARIES[index % len(CURRENT_NEWSLETTER_SUMMARIES)],
            },
        )
    exercises = [
        (D(last_year, m, d), scenario, cip, lessons) for m, d, scenario, cip, lessons in LAST_YEAR_EXERCISES
    ]
    exercises += [
        (today - relativedelta(months=back), scenario, cip, lessons)
        for back, scenario, cip, lessons in CURRENT_EXERCISES
        if (today - relativedelta(months=back)).year == today.year
    ]
    scenarios = [s for _m, _d, s, _c, _l in LAST_YEAR_EXERCISES] + [s for _b, s, _c, _l in CURRENT_EXERCISES]
    kept = {(held_on, scenario) for held_on, scenario, _c, _l in exercises}
    for exercise in CrisisExercise.objects.filter(department=bdr, scenario__in=scenarios):
        if (exercise.held_on, exercise.scenario) not in kept:
            exercise.delete()
    for held_on, scenario, cip, lessons in exercises:
        CrisisExercise.objects.update_or_create(
            department=bdr,
            held_on=held_on,
            scenario=scenario,
            defaults={"cip_activated": cip, "lessons": lessons},
        )
    PressRelease.objects.filter(
        department=bdr, issued_on__year__gte=2016, event__in=[e for _m, _d, e, _c, _t in LAST_YEAR_PRESS]
    ).exclude(issued_on__year=last_year).delete()
    for month, day, event, channel, text in LAST_YEAR_PRESS:
        PressRelease.objects.update_or_create(
            department=bdr,
            issued_on=D(last_year, month, day),
            event=event,
            channel=channel,
            defaults={"text": text},
        )


RECENT_COPIL = "COPIL qualité – "


def load(stdout=None):
    bdr = Department.objects.filter(code="13").first()
    if bdr is None:
        return {}
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.filter(memberships__department=bdr).distinct()}
    copil, usagers, groups, copil_members, usagers_members = _committees(bdr, users)

    # ---- 2015 COPILs with their decisions, the users' committee, working groups
    decisions = 0
    for held_on, title, items in COPIL_2015:
        meeting = _meeting(
            copil,
            held_on,
            f"COPIL qualité – {title}",
            "1. Suivi des plans d'actions\n2. Indicateurs du mois\n3. " + title + "\n4. Questions diverses",
            f"Le comité a examiné : {title.lower()}. Les indicateurs du mois ont été présentés par la "
            "chargée de mission qualité et les référents ont fait le point sur leurs sites.",
            copil_members if held_on.month % 3 else copil_members[:5],
        )
        for text, owner, due_on in items:
            Decision.objects.update_or_create(
                meeting=meeting,
                text=text,
                defaults={"department": bdr, "owner": users.get(owner), "due_on": due_on},
            )
            decisions += 1
    _meeting(
        usagers,
        D(2015, 4, 30),
        "Première réunion du comité local des usagers",
        "1. Présentation de la démarche Qualipref 2.0\n2. Résultats des enquêtes de satisfaction\n"
        "3. Attentes des usagers",
        "Les représentants des usagers ont salué la démarche ; ils demandent un meilleur affichage des "
        "horaires d'affluence et davantage de chaises dans les espaces d'attente.",
        usagers_members,
    )
    for group, held_on in zip(groups, [D(2015, 2, 19), D(2015, 2, 24), D(2015, 3, 3)], strict=True):
        _meeting(
            group,
            held_on,
            f"Réunion de lancement – {group.name.split('– ')[-1]}",
            "Lecture des engagements du module ; répartition des travaux.",
            "Les engagements ont été répartis entre les participants.",
            list(group.members.all()),
        )
    # the next COPIL, in the near future: no minutes yet
    next_copil = today + dt.timedelta(days=9)
    Meeting.objects.filter(committee=copil, title="COPIL qualité du mois").exclude(
        held_on=next_copil
    ).delete()
    _meeting(
        copil, next_copil, "COPIL qualité du mois", "1. Suivi des plans d'actions\n2. Indicateurs", "", []
    )

    # ---- label events of 2015
    for happened_on, kind, title, detail in EVENTS_2015:
        LabelEvent.objects.update_or_create(
            department=bdr, title=title, defaults={"happened_on": happened_on, "kind": kind, "detail": detail}
        )

    # ---- internal referential documents
    referential = qualipref_2_0()
    modules = {m.number: m for m in Module.objects.filter(referential=referential)}
    engagements = {e.code: e for e in Engagement.objects.filter(module__referential=referential)}
    sites = {s.code: s for s in Site.objects.filter(entity__department=bdr).select_related("entity")}
    qualite = users.get("qualite")
    for reference, title, kind, module, engagement, site_code, versions, review_in in DOCUMENTS:
        site = sites.get(site_code) if site_code else None
        document, _ = Document.objects.update_or_create(
            department=bdr,
            title=title,
            defaults={
                "reference": reference,
                "kind": kind,
                "module": modules.get(module),
                "engagement": engagements.get(engagement) if engagement else None,
                "site": site,
                "entity": site.entity if site else None,
                "owner": qualite,
                "status": Document.Status.IN_FORCE,
                "review_on": today + dt.timedelta(days=review_in),
            },
        )
        versions = versions + [
            (label, D(today.year - 1, month, day))
            for ref, label, month, day in LAST_YEAR_VERSIONS
            if ref == reference
        ]
        for index, (label, issued_on) in enumerate(versions):
            is_current = index == len(versions) - 1
            version = DocumentVersion.objects.filter(document=document, label=label).first()
            if version is None:
                version = DocumentVersion(
                    document=document,
                    label=label,
                    issued_on=issued_on,
                    author=qualite,
                    original_name=f"{reference}-v{label}.pdf",
                    changes="Première rédaction" if index == 0 else "Révision après audit",
                )
                version.file.save(
                    f"{reference}-v{label}.pdf",
                    ContentFile(_pdf(f"{reference} {title} v{label}")),
                    save=False,
                )
                version.save()
            if version.issued_on != issued_on:  # a recent version moves with today
                DocumentVersion.objects.filter(pk=version.pk).update(issued_on=issued_on)
            if version.is_current != is_current:
                DocumentVersion.objects.filter(pk=version.pk).update(is_current=is_current)

    # ---- agents and trainings
    istres_agent_user = users.get("agent.istres")
    trainings = 0
    for site_code, agents in AGENTS.items():
        site = sites.get(site_code)
        if site is None:
            continue
        for last, first, took_post_on, reception, records in agents:
            agent, _ = Agent.objects.update_or_create(
                site=site,
                last_name=last,
                first_name=first,
                defaults={
                    "took_post_on": took_post_on,
                    "reception_duties": reception,
                    "job_title": "Agent d'accueil"
                    if reception
                    else "Bureau de la communication interministérielle",
                    "user": istres_agent_user if (site_code, last) == ("istres", "Girard") else None,
                },
            )
            for topic, when in records:
                trained_on = when if isinstance(when, dt.date) else today - dt.timedelta(days=when)
                provider = {
                    "reception": "Plateforme RH interministérielle",
                    "crisis": "SIRACEDPC",
                    "cip": "SIRACEDPC",
                }[topic]
                # a relative (current) record keeps a stable key per agent and topic: move it with today
                if not isinstance(when, dt.date):
                    Training.objects.filter(agent=agent, topic=topic, trained_on__gt=D(2016, 1, 1)).exclude(
                        trained_on=trained_on
                    ).delete()
                Training.objects.update_or_create(
                    agent=agent, topic=topic, trained_on=trained_on, defaults={"provider": provider}
                )
                trainings += 1
            agent_refresh_due(agent)

    # ---- Module 7 registers and communication
    for issued_on, event, channel, text in PRESS_2015:
        PressRelease.objects.update_or_create(
            department=bdr, issued_on=issued_on, event=event, channel=channel, defaults={"text": text}
        )
    for held_on, scenario, cip, lessons in EXERCISES_2015:
        CrisisExercise.objects.update_or_create(
            department=bdr,
            held_on=held_on,
            scenario=scenario,
            defaults={"cip_activated": cip, "lessons": lessons},
        )
    Department.objects.filter(pk=bdr.pk).update(newsletter_title=NEWSLETTER_TITLE)
    for number, published_on, summary in NEWSLETTERS_2015:
        Newsletter.objects.update_or_create(
            department=bdr,
            title=NEWSLETTER_TITLE,
            number=number,
            defaults={"published_on": published_on, "summary": summary},
        )
    for month, posts in enumerate(TWEETS_2015, start=1):
        SocialMediaCount.objects.update_or_create(
            department=bdr,
            network=SocialMediaCount.Network.TWITTER,
            month=D(2015, month, 1),
            defaults={"posts": posts},
        )

    # ---- the recent life, from January of last year to today (last year's report is complete)
    _recent(bdr, today, copil, usagers, groups, copil_members, usagers_members)

    # ---- calendar: the 2016 outlook of section V, then current deadlines
    prefecture = Entity.objects.filter(department=bdr, code="prefecture-13").first()
    arles = sites.get("arles")
    deadlines = [
        ("COPIL mensuel 2016", "copil", "monthly", D(2016, 1, 12), None, D(2016, 12, 31), None, None),
        ("Auto-évaluations trimestrielles 2016 : conditions d'accueil sur site", "self_assessment", "quarterly",
         D(2016, 3, 15), None, D(2016, 12, 31), None, None),
        ("Comité local des usagers 2016", "users_committee", "once", D(2016, 4, 28), None, None, None, None),
        ("Enquêtes de satisfaction 2016", "survey", "once", D(2016, 5, 2), D(2016, 6, 30), None, None, None),
        ("Audit de renouvellement du label", "renewal_audit", "once", D(2017, 6, 1), D(2017, 6, 30), None, None, None),
        # current deadlines (relative to today)
        ("COPIL qualité", "copil", "monthly", today - dt.timedelta(days=21), None, None, None, None),
        ("Auto-évaluation trimestrielle – Arles", "self_assessment", "quarterly", today + dt.timedelta(days=6),
         None, None, arles, "referent.arles"),
        ("Comité local des usagers", "users_committee", "yearly", D(today.year, 4, 28), None, None, None, None),
        ("Enquêtes de satisfaction", "survey", "yearly", D(today.year, 5, 2), D(today.year, 6, 30), None, None, None),
        ("Revue du plan de communication de crise", "document_review", "yearly", today - dt.timedelta(days=8),
         None, None, prefecture, "qualite"),
        ("Audit de suivi du label", "renewal_audit", "once", today + relativedelta(months=7), None, None, None, None),
    ]  # fmt: skip
    for title, kind, frequency, starts_on, ends_on, until, scope, responsible in deadlines:
        site = scope if isinstance(scope, Site) else None
        entity = site.entity if site else (scope if isinstance(scope, Entity) else None)
        Deadline.objects.update_or_create(
            department=bdr,
            title=title,
            defaults={
                "kind": kind,
                "frequency": frequency,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "until": until,
                "entity": entity,
                "site": site,
                "responsible": users.get(responsible or "qualite"),
            },
        )
    copil_deadline = Deadline.objects.get(department=bdr, title="COPIL qualité")
    if qualite:
        DeadlineCompletion.objects.update_or_create(
            deadline=copil_deadline,
            occurrence_on=copil_deadline.starts_on,
            defaults={"done_on": copil_deadline.starts_on, "done_by": qualite, "note": "COPIL tenu."},
        )
        DeadlineCompletion.objects.filter(deadline=copil_deadline).exclude(
            occurrence_on=copil_deadline.starts_on
        ).delete()

    return {
        "comités": Committee.objects.filter(department=bdr).count(),
        "réunions": Meeting.objects.filter(department=bdr).count(),
        "décisions": decisions,
        "documents": len(DOCUMENTS),
        "agents": Agent.objects.filter(site__entity__department=bdr).count(),
        "formations": trainings,
        "tweets 2015": sum(TWEETS_2015),
        "échéances": len(deadlines),
    }
