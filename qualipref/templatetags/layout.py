"""`{% load layout %}{% page_header %}`: the header of every page (the main menu with its « À traiter »
badges, the user's menu, the scope bar), written in Python (issue 22).

Every signed-in page renders it: as a template (some 150 nodes and 180 variable lookups: the menu's
sections, a badge per entry, the memberships twice) it cost about 1.3 ms of CPU per page, more than half
of Django's floor. Its markup is the template's; it reads the same context: `user`, `request`,
`nav_sections` and `my_memberships` (sites.context_processors.navigation), `inbox_badges`
(reports.context_processors.inbox_badges) and the CSRF token of the logout form."""

from functools import lru_cache

from django import template
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

NAV = '<nav class="navbar navbar-expand-lg navbar-dark bg-primary-dark" aria-label="Navigation principale">'
BRAND = (
    '<a class="navbar-brand fw-semibold" href="{}"><i class="bi bi-patch-check" aria-hidden="true"></i> '
    "Qualipref</a>"
)
TOGGLER = (
    '<button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#menu" '
    'aria-controls="menu" aria-expanded="false">\n'
    '<span class="navbar-toggler-icon"></span><span class="visually-hidden">Afficher le menu</span>{}\n'
    "</button>"
)
TOGGLER_BADGE = (
    ' <span class="badge rounded-pill text-bg-danger align-top"><span class="visually-hidden">(</span>'
    '{}<span class="visually-hidden"> à traiter)</span></span>'
)
BADGE = ' <span class="badge rounded-pill text-bg-danger">{}<span class="visually-hidden">{}</span></span>'
INBOX = (
    '<li class="nav-item"><a class="nav-link" href="{}#a-traiter"{}>'
    '<i class="bi bi-inbox" aria-hidden="true"></i> À traiter{}</a></li>'
)
DROPDOWN = (
    '<li class="nav-item dropdown">\n'
    '<a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown" '
    'aria-expanded="false">{}</a>\n'
)
ENTRY = '<li><a class="dropdown-item{}" href="{}"{}>{}{}</a></li>'
NO_ENTRY = '<li><span class="dropdown-item-text text-body-secondary small">Bientôt disponible</span></li>'
USER_MENU = (
    '<ul class="navbar-nav">\n'
    + DROPDOWN.replace("{}", '\n<i class="bi bi-person-circle" aria-hidden="true"></i> {}\n')
    + '<div class="dropdown-menu dropdown-menu-end p-3 scope-menu">\n'
    '<p class="small text-body-secondary mb-1">Vos affectations</p>\n'
    '<ul class="list-unstyled small mb-2">\n{}\n</ul>\n{}\n'
    '<form method="post" action="{}">{csrf}\n'
    '<button type="submit" class="btn btn-outline-secondary btn-sm w-100">Se déconnecter</button>\n'
    "</form>\n</div>\n</li>\n</ul>"
)
LINK = '<a class="dropdown-item px-0" href="{}">{}</a>'
SCOPE_BAR = (
    '\n<div class="scope-bar small px-3 py-1 border-bottom bg-body-tertiary">\nPérimètre :\n{}\n</div>'
)
ASSIGNMENT = "<li><strong>{}</strong> · {}</li>"
SCOPE = '<span class="me-2">{} <span class="text-body-secondary">({})</span></span>'
HEADER = (
    "<header>\n" + NAV + '\n<div class="container-fluid">\n{}\n{}\n'
    '<div class="collapse navbar-collapse" id="menu">\n'
    '<ul class="navbar-nav me-auto">\n{}\n{}\n</ul>\n{}\n</div>\n</div>\n</nav>{}\n</header>'
)
ANONYMOUS_HEADER = "<header>\n" + NAV + '\n<div class="container-fluid">\n{}\n</div>\n</nav>\n</header>'


def _url(name: str) -> str:
    """A URL of the header, reversed once per process and URL configuration (as the menu's URLs)."""
    return _reversed(get_resolver(get_urlconf()), get_script_prefix(), name)


@lru_cache(maxsize=64)
def _reversed(resolver, script_prefix, name) -> str:
    return reverse(name)


def _badge(n, words: str) -> str:
    return format_html(BADGE, n, words) if n else ""


def _menu(sections, path: str, by_url: dict) -> str:
    """The main menu's markup; the same for every page whose path is no menu entry and for every user
    with the same badges, so it is built once per process for each (menu, current entry, badges)."""
    sections = tuple((s["title"], tuple(s["items"])) for s in sections)
    current = path if any(path == url for _, items in sections for _, url in items) else ""
    return _menu_markup(sections, current, tuple(sorted(by_url.items())))


@lru_cache(maxsize=256)
def _menu_markup(sections: tuple, current: str, badges: tuple) -> str:
    by_url = dict(badges)
    out = []
    for title, items in sections:
        entries = [
            format_html(
                ENTRY,
                " active" if current == url else "",
                url,
                mark_safe(' aria-current="page"') if current == url else "",
                label,
                _badge(by_url.get(url, 0), " à traiter"),
            )
            for label, url in items
        ] or [NO_ENTRY]
        out.append(
            format_html(DROPDOWN, title)
            + mark_safe('<ul class="dropdown-menu">\n' + "\n".join(entries) + "\n</ul>\n</li>")
        )
    return mark_safe("\n".join(out))


def _csrf_input(token) -> str:
    """The logout form's token, as Django's `{% csrf_token %}` writes it."""
    if not token or token == "NOTPROVIDED":
        return ""
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def _user_menu(user, memberships, csrf_token) -> str:
    """The user's menu: built once per process for what it shows (the user's name, flags and
    assignments, and the URLs: all in the key), with the request's CSRF token in its logout form."""
    links = [("accounts:account", "Mon compte"), ("accounts:password_change", "Changer mon mot de passe")]
    if user.is_superuser:
        links.append(("accounts:department_list", "Départements"))
    if user.is_staff:
        links.append(("admin:index", "Administration"))
    before, after = _user_menu_markup(
        str(user),
        user.is_superuser,
        tuple((m.get_role_display(), m.scope_label) for m in memberships),
        tuple((_url(name), label) for name, label in links),
        _url("logout"),
    )
    return mark_safe(before + _csrf_input(csrf_token) + after)  # each part built by format_html


@lru_cache(maxsize=1024)
def _user_menu_markup(name: str, superuser: bool, assignments: tuple, links: tuple, logout: str) -> tuple:
    """The markup before and after the CSRF input of the logout form."""
    if assignments:
        shown = format_html_join("", ASSIGNMENT, assignments)
    elif superuser:
        shown = mark_safe("<li>Administrateur national (tous les départements)</li>")
    else:
        shown = mark_safe("<li>Aucune affectation : demandez-la à votre chargé(e) de mission qualité.</li>")
    before, after = USER_MENU.split("{csrf}")
    return format_html(before, name, shown, format_html_join("\n", LINK, links), logout), mark_safe(after)


@register.simple_tag(takes_context=True)
def page_header(context):
    user = context.get("user")
    home = _url("home")
    brand = format_html(BRAND, home)
    if user is None or not user.is_authenticated:
        return format_html(ANONYMOUS_HEADER, brand)
    badges = context.get("inbox_badges")
    total = badges.total if badges else 0
    memberships = context.get("my_memberships") or []
    request = context.get("request")
    path = request.path if request else ""
    inbox = format_html(
        INBOX,
        home,
        format_html(' title="{}"', badges.title) if total else "",
        _badge(total, " en retard ou sans action"),
    )
    scope_bar = (
        format_html(
            SCOPE_BAR,
            format_html_join("", SCOPE, ((m.scope_label, m.get_role_display()) for m in memberships)),
        )
        if memberships
        else ""
    )
    return format_html(
        HEADER,
        brand,
        format_html(TOGGLER, format_html(TOGGLER_BADGE, total) if total else ""),
        inbox,
        _menu(context.get("nav_sections") or [], path, badges.by_url if total else {}),
        _user_menu(user, memberships, context.get("csrf_token")),
        scope_bar,
    )
