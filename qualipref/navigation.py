"""The main menu follows the annual report's sections. Entries whose URL does not exist yet are left out,
so each app's pages appear in the menu as soon as the app declares them."""

from django.urls import NoReverseMatch, reverse

MENU = [
    (
        "Pilotage",
        [
            ("Organisation et sites", "sites:organisation"),
            ("Équipe et invitations", "accounts:team_home"),
            ("Référentiel", "referential:index"),
            ("Comités et réunions", "steering:committee_list"),
            ("Calendrier des échéances", "steering:calendar"),
            ("Documents internes", "steering:document_list"),
            ("Registres des modules", "steering:register_list"),
        ],
    ),
    (
        "Actions",
        [
            ("Plans d'actions", "actionplans:plan_list"),
            ("Actions", "actionplans:action_list"),
        ],
    ),
    (
        "Évaluation",
        [
            ("Audits et constats", "audits:audit_list"),
            ("Enquêtes de satisfaction", "surveys:campaign_list"),
            ("Réclamations et demandes", "complaints:correspondence_list"),
        ],
    ),
    (
        "Indicateurs",
        [
            ("Tableau de bord du COPIL", "dashboard:index"),
            ("Indicateurs", "indicators:indicator_list"),
        ],
    ),
    (
        "Rapports",
        [
            ("Bilan annuel", "reports:index"),
            ("Dossiers mensuels du COPIL", "dashboard:pack_list"),
        ],
    ),
]


def _url(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def menu():
    sections = []
    for title, entries in MENU:
        items = [(label, url) for label, name in entries if (url := _url(name))]
        sections.append({"title": title, "items": items})
    return sections
