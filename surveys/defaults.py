"""Default criteria of a new campaign, per population (data, editable per campaign afterwards).

Each criterion names the referential engagement it measures (module number, engagement code), looked up
in the current referential when the campaign is created; a missing engagement leaves the link empty.
"""

USER_CRITERIA = [
    # code, label, question, (module, engagement code) or None
    ("telephone", "Accueil téléphonique", "Êtes-vous satisfait(e) de l'accueil téléphonique ?", (1, "E5")),
    (
        "pmr",
        "Accueil des personnes à mobilité réduite (PMR)",
        "Êtes-vous satisfait(e) de l'accueil des personnes à mobilité réduite ?",
        (1, "E1"),
    ),
    (
        "conditions",
        "Conditions d'accueil",
        "Êtes-vous satisfait(e) des conditions d'accueil (confort, propreté, espaces d'attente) ?",
        (1, "E4"),
    ),
    ("horaires", "Horaires d'accueil", "Êtes-vous satisfait(e) des horaires d'ouverture ?", (1, "E1")),
    (
        "signaletique",
        "Orientation et signalétique",
        "Avez-vous facilement trouvé le bon service (orientation, signalétique) ?",
        (1, "E3"),
    ),
    ("courtoisie", "Accueil courtois", "Avez-vous été accueilli(e) avec courtoisie ?", (1, "E2")),
    ("attente", "Délai d'attente", "Êtes-vous satisfait(e) du temps d'attente ?", None),
]

LOCAL_AUTHORITY_CRITERIA = [
    (
        "observations-legalite",
        "Observations motivées (contrôle de légalité)",
        "Les observations formulées au titre du contrôle de légalité sont-elles claires et motivées ?",
        (4, "E4-1"),
    ),
    (
        "information-budgetaire",
        "Information préalable (contrôle budgétaire)",
        "Êtes-vous informé(e) en amont des suites données au contrôle budgétaire ?",
        (4, "E4-2"),
    ),
    (
        "synthese-annuelle",
        "Synthèse annuelle des observations",
        "La synthèse annuelle des observations vous est-elle utile ?",
        (4, "E4-3"),
    ),
    (
        "rendez-vous-elus",
        "Réponse aux demandes de rendez-vous",
        "Êtes-vous satisfait(e) du délai de réponse à vos demandes de rendez-vous ?",
        (4, "E4-4"),
    ),
]


def default_criteria(population: str):
    return LOCAL_AUTHORITY_CRITERIA if population == "local_authorities" else USER_CRITERIA
