"""The data versions (`qualipref.versions`) seen from the sites: who writes what, and what a user's pages
keep.

- What a signed-in request writes counts for the départements of the user's memberships
  (`WritesMiddleware`): the access rule lets nobody write elsewhere. A superuser's, a member of staff's
  (the admin) or an anonymous request's writes count for every département (a public form names its own:
  `versions.writes_for`).
- `kept(user, name, compute)`: what a page computes from the data of the user's scope, kept for this user
  and scope until a write on their départements (or the next day).
- `kept_parts(user, name, compute)`: the same, one part per département, each kept until a write on its own.
- `shared(user, name, compute)`: the same, for a value that depends on the scope alone, computed once for
  every user of that scope.
- `kept_page`: a whole page (a register, a detail page) kept so, for its URL and query string."""

import re
import zlib
from functools import wraps

from django.http import HttpResponse
from django.middleware.csrf import get_token

from qualipref import versions

from .access import READ, scope_for


def departments_written_by(user) -> set[int] | None:
    """The départements whose data this user may write; None for every one: a superuser, a member of staff
    (Django's admin is not bound to memberships), nobody signed in."""
    if not user.is_authenticated or user.is_superuser or user.is_staff:
        return None
    return set(scope_for(user).ids("department", READ)) or None


class WritesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with versions.writes_for(lambda: departments_written_by(request.user)), versions.reading():
            return self.get_response(request)


def kept(user, name: str, compute, *, today=None, timeout: int = versions.TIMEOUT):
    """`compute()` (what the page `name` reads for this user: its options in `name`), computed once per
    user, scope and day and read back until a write on the user's départements."""
    scope = scope_for(user)
    return versions.cached(
        f"{name}|{user.pk}|{scope.key}", scope.ids("department", READ), compute, today=today, timeout=timeout
    )


def kept_parts(user, name: str, compute, *, today=None) -> dict:
    """As `kept`, for a value made of one part per département of the user's scope (`compute(ids)` gives
    the parts of these départements): each part kept until a write on its own département
    (`versions.cached_parts`), so that a scope over many départements (the administrator's) computes again
    only the parts of the départements written."""
    scope = scope_for(user)
    return versions.cached_parts(
        f"{name}|{user.pk}|{scope.key}", scope.ids("department", READ), compute, today=today
    )


def shared(user, name: str, compute, *, today=None):
    """As `kept`, for what depends on the user's scope alone (not on who they are): computed once for
    every user of the same scope (the same grants on the same sites, entities and départements, the same
    roles: what the access rule lets them read is the same), e.g. the committee's month for its members."""
    scope = scope_for(user)
    return versions.cached(f"{name}|scope|{scope.key}", scope.ids("department", READ), compute, today=today)


# A kept page stays in the cache an hour at most: a page is read again within minutes or not at all (any
# write in the user's départements makes it unreachable), and there is one per user and URL.
PAGE_TIMEOUT = 3600

# The CSRF inputs of a kept page (the logout form's, the page's forms'): stored without their token, given
# the request's own when the page is served (the token is the browser's, the page the user's).
_CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_HOLE = "\x00csrf\x00"


class _NotKept(Exception):
    """A response served as it is and not kept: anything but a 200 HTML page, or one that set a cookie or
    wrote the session."""

    def __init__(self, response):
        self.response = response


def _page(response) -> dict:
    if (
        response.status_code != 200
        or getattr(response, "streaming", False)
        or not response.get("Content-Type", "").startswith("text/html")
        or response.cookies
        or response.has_header("Content-Disposition")
    ):
        raise _NotKept(response)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    html = _CSRF_INPUT.sub(
        lambda m: m.group(1) + _CSRF_HOLE + m.group(2), response.content.decode(response.charset)
    )
    # compressed (zlib's fastest level): a page of 10–55 KB is kept in 3–10 KB, for 0.1–0.3 ms once
    return {"html": zlib.compress(html.encode(), 1)}


def _served(request, keep, view):
    """The page `view()` answers, kept by `keep(compute)` (see `kept_page`)."""
    storage = getattr(request, "_messages", None)
    if (
        request.method not in ("GET", "HEAD")
        or (storage is not None and len(storage))
        or request.headers.get("HX-Request")
    ):
        return view()

    computed = []

    def compute():
        response = view()
        if getattr(request, "session", None) is not None and request.session.modified:
            raise _NotKept(response)
        computed.append(response)
        return _page(response)

    try:
        page = keep(compute)
    except _NotKept as not_kept:
        return not_kept.response
    if computed:  # computed by this request: the view's own response
        return computed[0]
    html = zlib.decompress(page["html"]).decode()
    if _CSRF_HOLE in html:  # only a page with a form asks for a token (a public page sets no cookie)
        html = html.replace(_CSRF_HOLE, get_token(request))
    return HttpResponse(html)


def kept_page(view):
    """A GET page kept whole for the user, their scope, the day and the URL with its query string, until a
    write on the user's départements (`kept`): a register, a search, a detail page, read again and again
    between two writes, is served without computing it again. What a request brings of its own is not kept:
    its CSRF token (put back), the notices of the page before (« Demande enregistrée » after a form: such
    a request is computed and not kept, as is any answer but a 200 HTML page: a 404, a 403, a redirect, a
    download). The view's own notices (a filter ignored) are part of the page, the same for the same URL.
    The access rule is the view's: a page is computed by it, for this user, before it is ever kept."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        def keep(compute):
            path = request.get_full_path()
            return kept(request.user, f"page|{path}", compute, timeout=PAGE_TIMEOUT)

        if not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        return _served(request, keep, lambda: view(request, *args, **kwargs))

    return wrapper


def public_page(request, department_id: int, view):
    """A public page, the same for every visitor (no user, no form of theirs in it), kept for its URL and the
    day until a write on its département (`department_id`: the site's), as `kept_page` keeps a user's."""

    def keep(compute):
        path = request.get_full_path()
        return versions.cached(f"public|{path}", [department_id], compute, timeout=PAGE_TIMEOUT)

    return _served(request, keep, view)
