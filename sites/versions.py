"""The data versions (`qualipref.versions`) seen from the sites: who writes what, and what a user's pages
keep.

- What a signed-in request writes counts for the départements of the user's memberships
  (`WritesMiddleware`): the access rule lets nobody write elsewhere. A superuser's, a member of staff's
  (the admin) or an anonymous request's writes count for every département (a public form names its own:
  `versions.writes_for`).
- `kept(user, name, compute)`: what a page computes from the data of the user's scope, kept for this user
  and scope until a write on their départements (or the next day)."""

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
        with versions.writes_for(lambda: departments_written_by(request.user)):
            return self.get_response(request)


def kept(user, name: str, compute, *, today=None):
    """`compute()` (what the page `name` reads for this user: its options in `name`), computed once per
    user, scope and day and read back until a write on the user's départements."""
    scope = scope_for(user)
    return versions.cached(
        f"{name}|{user.pk}|{scope.key}", scope.ids("department", READ), compute, today=today
    )
