from django.db.models import Prefetch

from .access import get_for_user, scope_for, visible
from .models import Department, Entity, Membership, ReceptionPoint, Site


def memberships_of(user):
    """The user's memberships with their département, entity and site (the page header): read with the
    user's scope (`sites.access`, the same query) when the scope is a user's; else one query."""
    memberships = scope_for(user).memberships
    if memberships is not None:
        return memberships
    return list(
        Membership.objects.filter(user=user)
        .select_related("department", "entity", "site")
        .order_by("department__code")
    )


def entities_for_user(user, *, reception_points: bool = True):
    """The user's readable entities with their readable sites and, unless told not to, the sites' reception
    points (3 queries, 2 without)."""
    sites = visible(user, Site.objects)
    if reception_points:
        sites = sites.prefetch_related(
            Prefetch("reception_points", queryset=ReceptionPoint.objects.order_by("order", "name"))
        )
    return (
        visible(user, Entity.objects)
        .select_related("department")
        .prefetch_related(Prefetch("sites", queryset=sites))
    )


def departments_for_user(user):
    return visible(user, Department.objects)


def department_shown(user, asked: str | None = None):
    """(the département a page about one département shows, the user's départements by code, whether `asked`
    was not one of them): the one asked (its id, as a form or a query string gives it) when the user reads
    it, else the first of theirs by code; None when they read none."""
    departments = list(departments_for_user(user).order_by("code"))
    chosen = next((d for d in departments if asked and str(d.pk) == asked), None)
    return chosen or (departments[0] if departments else None), departments, bool(asked) and chosen is None


def site_for_user(user, code, *, perm="read"):
    return get_for_user(Site.objects.select_related("entity__department"), user, perm=perm, code=code)


def entity_for_user(user, pk, *, perm="read"):
    return get_for_user(Entity.objects.select_related("department"), user, perm=perm, pk=pk)
