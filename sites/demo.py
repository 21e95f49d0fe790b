"""Demo organisation: Bouches-du-Rhône (13) as in the 2015 report, an empty Vaucluse (84), demo users."""

from .models import Department, Entity, Membership, ReceptionPoint, Role, Site, User

DEMO_PASSWORD = "qualipref2015"

BDR_HOURS = "Du lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 16 h"

ORGANISATION = {
    ("13", "Bouches-du-Rhône"): [
        {
            "code": "prefecture-13",
            "name": "Préfecture des Bouches-du-Rhône",
            "short_name": "Préfecture",
            "kind": Entity.Kind.PREFECTURE,
            "sites": [
                {
                    "code": "peytral",
                    "name": "Peytral",
                    "address": "Boulevard Paul Peytral",
                    "postal_code": "13006",
                    "city": "Marseille",
                    "phone": "04 84 35 40 00",
                    "email": "accueil@bouches-du-rhone.pref.example",
                    "opening_hours": BDR_HOURS,
                    "peak_hours": "Lundi matin et lendemains de jours fériés ; de 10 h à 11 h 30",
                    "points": [("accueil-general", "Accueil général"), ("associations", "Associations")],
                },
                {
                    "code": "saint-sebastien",
                    "name": "Saint-Sébastien",
                    "address": "66 A rue Saint-Sébastien",
                    "postal_code": "13006",
                    "city": "Marseille",
                    "phone": "04 84 35 40 00",
                    "email": "titres@bouches-du-rhone.pref.example",
                    "opening_hours": "Du lundi au vendredi, de 8 h à 15 h (guichet étrangers dès 8 h)",
                    "peak_hours": "Du lundi au mercredi, de 8 h à 11 h",
                    "points": [
                        ("cartes-grises-permis", "Cartes grises et permis de conduire"),
                        ("etrangers", "Accueil des étrangers"),
                    ],
                },
            ],
        },
        {
            "code": "sp-aix",
            "name": "Sous-préfecture d'Aix-en-Provence",
            "short_name": "Aix-en-Provence",
            "kind": Entity.Kind.SUBPREFECTURE,
            "sites": [
                {
                    "code": "aix-en-provence",
                    "name": "Aix-en-Provence",
                    "address": "Place des Martyrs de la Résistance",
                    "postal_code": "13100",
                    "city": "Aix-en-Provence",
                    "phone": "04 42 17 58 00",
                    "email": "sp-aix@bouches-du-rhone.pref.example",
                    "opening_hours": BDR_HOURS,
                    "peak_hours": "Lundi et vendredi matin",
                    "notes": "Déménagement dans de nouveaux locaux en avril 2016.",
                    "points": [
                        ("accueil-general", "Accueil général"),
                        ("cartes-grises", "Cartes grises"),
                        ("etudiants-etrangers", "Étudiants étrangers"),
                    ],
                }
            ],
        },
        {
            "code": "sp-arles",
            "name": "Sous-préfecture d'Arles",
            "short_name": "Arles",
            "kind": Entity.Kind.SUBPREFECTURE,
            "sites": [
                {
                    "code": "arles",
                    "name": "Arles",
                    "address": "16 rue de la Bastille",
                    "postal_code": "13200",
                    "city": "Arles",
                    "phone": "04 90 18 22 00",
                    "email": "sp-arles@bouches-du-rhone.pref.example",
                    "opening_hours": BDR_HOURS,
                    "peak_hours": "Mardi et jeudi matin",
                    "points": [("pre-accueil", "Pré-accueil"), ("associations", "Associations")],
                }
            ],
        },
        {
            "code": "sp-istres",
            "name": "Sous-préfecture d'Istres",
            "short_name": "Istres",
            "kind": Entity.Kind.SUBPREFECTURE,
            "sites": [
                {
                    "code": "istres",
                    "name": "Istres",
                    "address": "Avenue des Bolles",
                    "postal_code": "13800",
                    "city": "Istres",
                    "phone": "04 42 41 28 00",
                    "email": "sp-istres@bouches-du-rhone.pref.example",
                    "opening_hours": BDR_HOURS,
                    "peak_hours": "Lundi matin ; de 9 h à 11 h",
                    "points": [
                        ("pre-accueil", "Pré-accueil"),
                        ("etrangers", "Étrangers"),
                        ("associations", "Associations"),
                    ],
                }
            ],
        },
    ],
    ("84", "Vaucluse"): [
        {
            "code": "prefecture-84",
            "name": "Préfecture de Vaucluse",
            "short_name": "Préfecture",
            "kind": Entity.Kind.PREFECTURE,
            "sites": [
                {
                    "code": "avignon",
                    "name": "Avignon",
                    "address": "2 avenue de la Folie",
                    "postal_code": "84000",
                    "city": "Avignon",
                    "phone": "04 88 17 84 84",
                    "email": "accueil@vaucluse.pref.example",
                    "opening_hours": BDR_HOURS,
                    "peak_hours": "",
                    "points": [("accueil-general", "Accueil général")],
                }
            ],
        },
    ],
}

# username, first name, last name, job title, role, département, entity code, site code
USERS = [
    ("admin", "Alain", "Dumas", "Administrateur de l'application", Role.ADMIN, "13", None, None),
    ("qualite", "Claire", "Martin", "Chargée de mission qualité", Role.QUALITY_MANAGER, "13", None, None),
    (
        "referent.peytral",
        "Sophie",
        "Bernard",
        "Référente qualité Peytral",
        Role.SITE_REFERENT,
        "13",
        "prefecture-13",
        "peytral",
    ),
    (
        "referent.saint-sebastien",
        "Karim",
        "Haddad",
        "Référent qualité Saint-Sébastien",
        Role.SITE_REFERENT,
        "13",
        "prefecture-13",
        "saint-sebastien",
    ),
    (
        "referent.aix",
        "Julie",
        "Roux",
        "Référente qualité Aix-en-Provence",
        Role.SITE_REFERENT,
        "13",
        "sp-aix",
        "aix-en-provence",
    ),
    (
        "referent.arles",
        "Marc",
        "Fabre",
        "Référent qualité Arles",
        Role.SITE_REFERENT,
        "13",
        "sp-arles",
        "arles",
    ),
    (
        "referent.istres",
        "Nadia",
        "Benali",
        "Référente qualité Istres",
        Role.SITE_REFERENT,
        "13",
        "sp-istres",
        "istres",
    ),
    ("agent.istres", "Thomas", "Girard", "Agent d'accueil", Role.AGENT, "13", "sp-istres", "istres"),
    (
        "copil",
        "Hélène",
        "Lefèvre",
        "Secrétaire générale, présidente du COPIL",
        Role.COMMITTEE,
        "13",
        None,
        None,
    ),
    ("auditeur", "Pierre", "Moreau", "Auditeur interne", Role.AUDITOR, "13", None, None),
    (
        "referent.vaucluse",
        "Lucie",
        "Blanc",
        "Référente qualité Vaucluse",
        Role.SITE_REFERENT,
        "84",
        "prefecture-84",
        "avignon",
    ),
]


def load(stdout=None):
    departments = {}
    for (dcode, dname), entities in ORGANISATION.items():
        department, _ = Department.objects.update_or_create(code=dcode, defaults={"name": dname})
        departments[dcode] = department
        for e_order, e in enumerate(entities, start=1):
            entity, _ = Entity.objects.update_or_create(
                department=department,
                code=e["code"],
                defaults={
                    "name": e["name"],
                    "short_name": e["short_name"],
                    "kind": e["kind"],
                    "order": e_order,
                },
            )
            for s_order, s in enumerate(e["sites"], start=1):
                fields = {k: v for k, v in s.items() if k not in {"code", "points"}}
                site, _ = Site.objects.update_or_create(
                    code=s["code"], defaults={**fields, "entity": entity, "order": s_order}
                )
                for p_order, (pcode, pname) in enumerate(s["points"], start=1):
                    ReceptionPoint.objects.update_or_create(
                        site=site, code=pcode, defaults={"name": pname, "order": p_order}
                    )

    for username, first, last, job, role, dcode, ecode, scode in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "job_title": job,
                "email": f"{username}@qualipref.example",
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        department = departments[dcode]
        entity = Entity.objects.get(department=department, code=ecode) if ecode else None
        site = Site.objects.get(code=scode) if scode else None
        Membership.objects.get_or_create(
            user=user, role=role, department=department, entity=entity, site=site
        )
    return {"départements": len(departments), "utilisateurs": len(USERS)}


def built_on():
    """The day the demo was first built in this database (its quality manager's account was made then), or
    None: its recent life is dated from that day."""
    from django.utils import timezone

    manager = next(u[0] for u in USERS if u[4] == Role.QUALITY_MANAGER)
    joined = User.objects.filter(username=manager).values_list("date_joined", flat=True).first()
    return timezone.localdate(joined) if joined else None


def logins():
    """(username, role, scope) of each demo account, for the command's output and the README."""
    sites = {s["code"]: s["name"] for entities in ORGANISATION.values() for e in entities for s in e["sites"]}
    names = {code: name for code, name in ORGANISATION}
    return [
        (u[0], u[4].label, f"site {sites[u[7]]}" if u[7] else f"département {names[u[5]]} ({u[5]})")
        for u in USERS
    ]
