"""The navigation's « À traiter » badges: computed at most once per request (one query), and only when a
page's navigation reads them (a lazy object: a page without the menu pays nothing)."""

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .inbox import badges_for


def request_badges(request):
    """The badges of `request.user`, memoised on the request (the home page and the menu share them)."""
    cached = getattr(request, "_inbox_badges", None)
    if cached is None:
        cached = request._inbox_badges = badges_for(request.user, timezone.localdate())
    return cached


def inbox_badges(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_badges": SimpleLazyObject(lambda: request_badges(request))}
