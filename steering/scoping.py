"""Access for rows that belong to a département and may be narrowed to one entity or one site.

`DepartmentScopedModel.objects.for_user()` would let every reader of the département see a row
narrowed to Arles; here the narrowest level set decides: a site row is seen by those who read that
site, an entity row by those who read that entity, a département row by those who read the département.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404


def _perm(write, perm):
    from sites.access import READ, WRITE

    return perm or (WRITE if write else READ)


def narrow_q(user, *, write=False, perm=None, prefix="") -> Q:
    from sites.access import scope_for

    scope, perm = scope_for(user), _perm(write, perm)
    return (
        Q(
            **{
                f"{prefix}site__isnull": True,
                f"{prefix}entity__isnull": True,
                f"{prefix}department_id__in": scope.ids("department", perm),
            }
        )
        | Q(**{f"{prefix}site__isnull": True, f"{prefix}entity_id__in": scope.ids("entity", perm)})
        | Q(**{f"{prefix}site_id__in": scope.site_ids(perm)})
    )


def narrow_allows(user, obj, perm) -> bool:
    from sites.access import scope_for

    scope = scope_for(user)
    if obj.site_id:
        return obj.site_id in scope.site_ids(perm)
    if obj.entity_id:
        return obj.entity_id in scope.ids("entity", perm)
    return obj.department_id in scope.ids("department", perm)


def get_narrow_for_user(queryset, user, *, perm=None, **lookups):
    """Like sites.access.get_for_user for narrowed rows: 404 outside the scope, 403 without `perm`."""
    from sites.access import READ

    perm = perm or READ
    obj = get_object_or_404(queryset.filter(narrow_q(user)), **lookups)
    if perm != READ and not narrow_allows(user, obj, perm):
        raise PermissionDenied("Votre rôle ne permet pas de modifier cet élément.")
    return obj


class NarrowScopedQuerySet(models.QuerySet):
    def for_user(self, user, *, write=False, perm=None):
        return self.filter(narrow_q(user, write=write, perm=perm))
