"""Demo register: the 2015 complaints of the annual report (6 Istres, 13 Arles, 4 Aix-en-Provence,
21 Marseille), all answered within 15 days, a few letters and e-mails, and open requests dated in the
current month so that badges and reminders show on a fresh run. Idempotent (natural key: reference)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from sites.models import Department, ReceptionPoint, Site, User

from .models import Channel, Correspondence, Kind, ModelAnswer, ReferenceSequence, Status
from .services import correspondence_create, correspondence_transition, deadline_rules, deadline_rules_set

# site code → number of complaints in 2015 (the seed: Marseille's 21 split across its two sites)
COMPLAINTS_2015 = {"istres": 6, "arles": 13, "aix-en-provence": 4, "peytral": 12, "saint-sebastien": 9}
OWNER = {
    "istres": "agent.istres",
    "arles": "referent.arles",
    "aix-en-provence": "referent.aix",
    "peytral": "referent.peytral",
    "saint-sebastien": "referent.saint-sebastien",
}
SUBJECTS = [
    (
        "Attente trop longue au guichet",
        "Plus d'une heure d'attente au guichet sans information sur le délai.",
    ),
    ("Accueil téléphonique injoignable", "Impossible de joindre le standard pendant trois jours."),
    ("Signalétique insuffisante", "Difficile de trouver le bon guichet en arrivant dans le bâtiment."),
    (
        "Dossier de carte grise incomplet",
        "On m'a demandé une pièce qui n'était pas listée sur le site internet.",
    ),
    ("Manque de places assises", "Salle d'attente trop petite le lundi matin."),
    ("Horaires d'ouverture", "Les horaires affichés ne correspondent pas à ceux du site internet."),
    ("Accès pour les personnes à mobilité réduite", "La rampe d'accès était bloquée par des véhicules."),
    ("Comportement d'un agent", "Réponse jugée sèche au pré-accueil."),
    ("Rendez-vous en ligne", "Aucun créneau disponible sur plusieurs semaines."),
    ("Courrier resté sans réponse", "Mon courrier du mois dernier n'a pas reçu de réponse."),
]
ANSWER = (
    "Madame, Monsieur,\n\nNous avons bien reçu votre réclamation "
    "et vous remercions de nous l'avoir signalée. "
    "Nous avons examiné la situation avec le service concerné et pris les mesures nécessaires.\n\n"
    "Nous vous prions d'agréer l'expression de nos salutations distinguées."
)
MODEL_ANSWERS = [
    (Kind.COMPLAINT, "Attente", "Attente au guichet", ANSWER),
    (
        Kind.COMPLAINT,
        "Accueil téléphonique",
        "Standard injoignable",
        "Madame, Monsieur,\n\nNous regrettons les difficultés rencontrées pour joindre nos services. "
        "Le standard est renforcé aux heures de forte affluence ; vous pouvez aussi nous écrire par le "
        "formulaire en ligne.\n\nCordialement.",
    ),
    (
        Kind.EMAIL,
        "Titres",
        "Accusé de réception d'un courriel",
        "Bonjour,\n\nVotre courriel a bien été reçu. Il est transmis au service compétent qui vous répondra "
        "dans les meilleurs délais.\n\nCordialement.",
    ),
    (
        Kind.SUGGESTION,
        "Remerciements",
        "Remerciement pour une suggestion",
        "Madame, Monsieur,\n\nNous vous remercions pour votre suggestion, qui sera étudiée lors du prochain "
        "comité de pilotage de la démarche qualité.\n\nCordialement.",
    ),
]


def _point(site, index):
    points = list(ReceptionPoint.objects.filter(site=site).order_by("order", "name"))
    return points[index % len(points)] if points else None


def _create(reference, *, site, by, **fields):
    existing = Correspondence.objects.filter(reference=reference).first()
    if existing is not None:
        return existing, False
    return correspondence_create(site=site, by=by, reference=reference, **fields), True


def _bump_sequence(department, year, number):
    sequence, _ = ReferenceSequence.objects.get_or_create(department=department, year=year)
    if sequence.last < number:
        sequence.last = number
        sequence.save(update_fields=["last"])


RECENT_PER_SITE = 10


def _last_twelve_months(department, sites, users, qualite, today) -> int:
    """The last twelve months of answered complaints and suggestions, relative to today: acknowledged the
    next day (Services Publics+ engagement 4), answered within the deadline but for two, a few days late.
    Numbered from 101 in their year so that they never meet the open requests above."""
    rng = random.Random(today.toordinal())
    created, numbers = 0, {}
    for s_index, code in enumerate(COMPLAINTS_2015):
        site, agent = sites[code], users.get(OWNER[code])
        for k in range(RECENT_PER_SITE):
            received = today - dt.timedelta(days=25 + k * 33 + s_index * 3)
            numbers[received.year] = numbers.get(received.year, 100) + 1
            n = numbers[received.year]
            suggestion = k % 4 == 3
            late = code == "peytral" and k in (2, 7)
            delay = 17 + k % 3 if late else rng.randint(2, 12)
            subject, description = SUBJECTS[(n + s_index) % len(SUBJECTS)]
            _, new = _create(
                f"{'SUG' if suggestion else 'REC'}-13-{received.year}-{n:04d}",
                site=site,
                by=agent or qualite,
                kind=Kind.SUGGESTION if suggestion else Kind.COMPLAINT,
                channel=[Channel.WEB_FORM, Channel.ON_SITE_REGISTER, Channel.EMAIL, Channel.POST][k % 4],
                reception_point=_point(site, k),
                received_on=received,
                subject=subject,
                description=description,
                requester_name=f"Usager {n}",
                requester_contact=f"usager.{received.year}.{n}@exemple.fr",
                assigned_to=agent,
                acknowledged_on=received + dt.timedelta(days=1),
                answered_on=received + dt.timedelta(days=delay),
                answer=ANSWER,
                closed_on=received + dt.timedelta(days=delay + 1),
            )
            created += new
    for year, n in numbers.items():
        _bump_sequence(department, year, n)
    return created


def load(stdout=None) -> dict:
    department = Department.objects.filter(code="13").first()
    if department is None:
        return {}
    users = {u.username: u for u in User.objects.filter(username__in=[*OWNER.values(), "qualite"])}
    sites = {s.code: s for s in Site.objects.filter(code__in=COMPLAINTS_2015)}
    qualite = users.get("qualite")
    rng = random.Random(2015)
    created = 0
    number = 0
    # 2015: the register of the annual report, every complaint answered within 15 calendar days.
    for code, count in COMPLAINTS_2015.items():
        site = sites[code]
        agent = users.get(OWNER[code])
        for i in range(count):
            number += 1
            received = dt.date(2015, 1, 5) + dt.timedelta(
                days=int((i + 0.5) * 350 / count) + rng.randint(-4, 4)
            )
            delay = rng.randint(2, 14)
            subject, description = SUBJECTS[(number * 7) % len(SUBJECTS)]
            _, new = _create(
                f"REC-13-2015-{number:04d}",
                site=site,
                by=agent or qualite,
                kind=Kind.COMPLAINT,
                channel=[Channel.ON_SITE_REGISTER, Channel.POST, Channel.EMAIL][number % 3],
                reception_point=_point(site, i),
                received_on=received,
                subject=subject,
                description=description,
                requester_name=f"Usager {number}",
                requester_contact=f"usager{number}@exemple.fr",
                assigned_to=agent,
                acknowledged_on=received + dt.timedelta(days=1),
                answered_on=received + dt.timedelta(days=delay),
                answer=ANSWER,
                closed_on=received + dt.timedelta(days=delay + 1),
            )
            created += new
    # 2015: a few letters and e-mails of the SDRAU register (working-day deadlines).
    for i, (kind, code, received) in enumerate(
        [
            (Kind.LETTER, "peytral", dt.date(2015, 3, 9)),
            (Kind.EMAIL, "saint-sebastien", dt.date(2015, 5, 18)),
            (Kind.EMAIL, "istres", dt.date(2015, 10, 5)),
            (Kind.ELECTED_REQUEST, "arles", dt.date(2015, 6, 2)),
        ],
        start=number + 1,
    ):
        prefix = {Kind.LETTER: "COU", Kind.EMAIL: "MEL", Kind.ELECTED_REQUEST: "ELU"}[kind]
        _, new = _create(
            f"{prefix}-13-2015-{i:04d}",
            site=sites[code],
            by=users.get(OWNER[code]),
            kind=kind,
            channel=Channel.EMAIL if kind == Kind.EMAIL else Channel.POST,
            received_on=received,
            subject="Demande d'information sur un dossier"
            if kind != Kind.ELECTED_REQUEST
            else "Demande de rendez-vous du maire",
            description="Demande de renseignements sur l'avancement d'un dossier.",
            requester_name=f"Correspondant {i}",
            assigned_to=users.get(OWNER[code]),
            answered_on=received + dt.timedelta(days=3),
            answer="Réponse apportée par courrier.",
            closed_on=received + dt.timedelta(days=4),
        )
        created += new
    _bump_sequence(department, 2015, i)

    # Current month: open requests so that badges (late, due soon) and reminders show.
    today = timezone.localdate()
    agent_istres = users.get("agent.istres")
    current = [
        # (prefix, kind, site, days ago, subject, assignee, status to reach)
        (
            "REC",
            Kind.COMPLAINT,
            "istres",
            20,
            "Attente de deux heures au guichet étrangers",
            agent_istres,
            None,
        ),
        ("REC", Kind.COMPLAINT, "istres", 13, "Borne de tickets en panne", agent_istres, Status.ACKNOWLEDGED),
        (
            "REC",
            Kind.COMPLAINT,
            "istres",
            2,
            "Information erronée sur les pièces à fournir",
            agent_istres,
            None,
        ),
        ("SUG", Kind.SUGGESTION, "istres", 4, "Installer un distributeur d'eau", agent_istres, None),
        (
            "REC",
            Kind.COMPLAINT,
            "arles",
            17,
            "Standard injoignable le lundi",
            users.get("referent.arles"),
            Status.IN_PROGRESS,
        ),
        (
            "REC",
            Kind.COMPLAINT,
            "peytral",
            6,
            "Ascenseur hors service",
            users.get("referent.peytral"),
            Status.WAITING,
        ),
        (
            "MEL",
            Kind.EMAIL,
            "saint-sebastien",
            3,
            "Question sur un permis de conduire international",
            users.get("referent.saint-sebastien"),
            None,
        ),
        (
            "COU",
            Kind.LETTER,
            "aix-en-provence",
            9,
            "Courrier d'une association",
            users.get("referent.aix"),
            None,
        ),
    ]
    numbers = {}
    for prefix, kind, code, ago, subject, assignee, status in current:
        received = today - dt.timedelta(days=ago)
        numbers[received.year] = numbers.get(received.year, 0) + 1
        n = numbers[received.year]
        obj, new = _create(
            f"{prefix}-13-{received.year}-{n:04d}",
            site=sites[code],
            by=assignee or qualite,
            kind=kind,
            channel=Channel.WEB_FORM if kind == Kind.SUGGESTION else Channel.ON_SITE_REGISTER,
            reception_point=_point(sites[code], n),
            received_on=received,
            subject=subject,
            description="Signalé à l'accueil ; l'usager attend une réponse écrite.",
            requester_name=f"Usager {n}",
            requester_contact=f"usager.{n}@exemple.fr",
            assigned_to=assignee,
        )
        created += new
        if new and status:
            on = received + dt.timedelta(days=1)
            correspondence_transition(
                correspondence=obj, to=status, by=assignee, on=on, reason="Pièce justificative demandée"
            )
    for year, n in numbers.items():
        _bump_sequence(department, year, n)
    created += _last_twelve_months(department, sites, users, qualite, today)

    # The département's deadline rules, recorded as its own settings (as its quality manager would on
    # « Label et règles »): the rules in force, so no deadline changes and the set-up checklist is done.
    deadline_rules_set(department=department, rules=deadline_rules(department), by=qualite)

    for kind, topic, title, body in MODEL_ANSWERS:
        ModelAnswer.objects.update_or_create(
            department=department, kind=kind, title=title, defaults={"topic": topic, "body": body}
        )
    return {
        "demandes 2015": Correspondence.objects.filter(
            site__entity__department=department, received_on__year=2015
        ).count(),
        "créées": created,
        "modèles de réponse": len(MODEL_ANSWERS),
    }
