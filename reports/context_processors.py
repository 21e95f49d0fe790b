"""The navigation's « À traiter » badges: computed at most once per request (one query), and only when a
page's navigation reads them (a lazy object: a page without the menu pays nothing); kept for the user until
a write on their départements (`sites.versions.kept`: the menu of every page reads them)."""

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from sites.versions import kept

from .inbox import badges_for


def request_badges(request):
    """The badges of `request.user`, memoised on the request (the home page and the menu share them)."""
    cached = getattr(request, "_inbox_badges", None)
    if cached is None:
        user, today = request.user, timezone.localdate()
        cached = request._inbox_badges = kept(user, "badges", lambda: badges_for(user, today), today=today)
    return cached


def inbox_badges(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_badges": SimpleLazyObject(lambda: request_badges(request))}
