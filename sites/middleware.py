"""What a signed-in request writes counts for the départements of the user's memberships
(`qualipref.versions`): the access rule lets nobody write elsewhere. A superuser's or an anonymous
request's writes count for every département (a public form names its own: `versions.writes_for`)."""

from qualipref import versions

from .access import READ, scope_for


def departments_written_by(user) -> set[int] | None:
    """The départements whose data this user may write; None for every one (a superuser, nobody signed in)."""
    if not user.is_authenticated or user.is_superuser:
        return None
    return set(scope_for(user).ids("department", READ)) or None


class WritesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with versions.writes_for(lambda: departments_written_by(request.user)):
            return self.get_response(request)
