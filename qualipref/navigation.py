"""The main menu follows the annual report's sections. Entries whose URL does not exist yet are left out,
so each app's pages appear in the menu as soon as the app declares them."""

from functools import lru_cache

from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse

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
    """The menu's sections, their URLs reversed once per process for a given URL configuration and prefix
    (the context processor asks for it on every page; seventeen reversals each time otherwise). The key is
    the resolver object: a changed URL configuration (tests' override_settings clear the URL caches) makes a
    new one, hence a new menu."""
    return [
        {"title": title, "items": list(items)}
        for title, items in _menu(get_resolver(get_urlconf()), get_script_prefix())
    ]


@lru_cache(maxsize=16)
def _menu(resolver, script_prefix) -> tuple:
    return tuple(
        (title, tuple((label, url) for label, name in entries if (url := _url(name))))
        for title, entries in MENU
    )
