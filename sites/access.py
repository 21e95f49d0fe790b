"""The one place that answers "which sites, entities and départements may this user read or write".

Every selector and getter goes through `scope_for(user)`:
- an object outside the user's scope is not found (404), never "forbidden": outsiders learn nothing;
- an object the user may read but not change answers 403 on a write.

Permissions are coarse verbs granted by roles:
- read: see the rows of the scope;
- write: create and change the scope's quality data (plans, audits, referential use…);
- requests: log and answer complaints and other tracked requests (agents too);
- findings: write audit findings (auditors, on the audits they are assigned to: checked by audits).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import Membership, Role, Site

READ, WRITE, REQUESTS, FINDINGS = "read", "write", "requests", "findings"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({READ, WRITE, REQUESTS, FINDINGS}),
    Role.QUALITY_MANAGER: frozenset({READ, WRITE, REQUESTS, FINDINGS}),
    Role.SITE_REFERENT: frozenset({READ, WRITE, REQUESTS, FINDINGS}),
    Role.AGENT: frozenset({READ, REQUESTS}),
    Role.COMMITTEE: frozenset({READ}),
    Role.AUDITOR: frozenset({READ, FINDINGS}),
}
ALL_PERMISSIONS = frozenset({READ, WRITE, REQUESTS, FINDINGS})


@dataclass
class AccessScope:
    """Ids of the sites, entities and départements a user holds, per permission."""

    sites: dict[str, set[int]] = field(default_factory=dict)
    entities: dict[str, set[int]] = field(default_factory=dict)
    departments: dict[str, set[int]] = field(default_factory=dict)
    roles: set[str] = field(default_factory=set)

    def ids(self, level: str, perm: str = READ) -> set[int]:
        return getattr(self, {"site": "sites", "entity": "entities", "department": "departments"}[level]).get(
            perm, set()
        )

    def site_ids(self, perm: str = READ) -> set[int]:
        return self.ids("site", perm)

    def filter_queryset(self, queryset, *, write=False, perm=None):
        model = queryset.model
        perm = perm or (WRITE if write else READ)
        return queryset.filter(**{f"{model.SCOPE_FIELD}__in": self.ids(model.SCOPE_LEVEL, perm)})

    def allows(self, obj, perm: str = READ) -> bool:
        value = getattr(obj, obj.SCOPE_FIELD)
        return value in self.ids(obj.SCOPE_LEVEL, perm)

    def can(self, perm: str) -> bool:
        """Whether the user holds `perm` anywhere (to show or hide buttons and menu entries)."""
        return bool(self.sites.get(perm) or self.entities.get(perm) or self.departments.get(perm))

    @property
    def is_empty(self) -> bool:
        return not self.can(READ)


def _build_scope(user) -> AccessScope:
    scope = AccessScope()
    if not user.is_authenticated or not user.is_active:
        return scope

    memberships = list(
        Membership.objects.filter(user=user).values("role", "department_id", "entity_id", "site_id")
    )
    if user.is_superuser:
        sites = list(Site.objects.values("id", "entity_id", "entity__department_id"))
        granted = [(ALL_PERMISSIONS, "department", row["entity__department_id"]) for row in sites]
    else:
        department_ids = {m["department_id"] for m in memberships}
        sites = list(
            Site.objects.filter(entity__department_id__in=department_ids).values(
                "id", "entity_id", "entity__department_id"
            )
        )
        granted = []
        for m in memberships:
            level, target = (
                ("site", m["site_id"])
                if m["site_id"]
                else ("entity", m["entity_id"])
                if m["entity_id"]
                else ("department", m["department_id"])
            )
            granted.append((ROLE_PERMISSIONS[m["role"]], level, target))
        scope.roles = {m["role"] for m in memberships}

    sites_of_entity: dict[int, set[int]] = {}
    for row in sites:
        sites_of_entity.setdefault(row["entity_id"], set()).add(row["id"])

    for perms, level, target in granted:
        for perm in perms:
            site_set = scope.sites.setdefault(perm, set())
            entity_set = scope.entities.setdefault(perm, set())
            department_set = scope.departments.setdefault(perm, set())
            for row in sites:
                covered = (
                    (level == "site" and row["id"] == target)
                    or (level == "entity" and row["entity_id"] == target)
                    or (level == "department" and row["entity__department_id"] == target)
                )
                if covered:
                    site_set.add(row["id"])
            if level == "department":
                department_set.add(target)
                entity_set.update(r["entity_id"] for r in sites if r["entity__department_id"] == target)
            elif level == "entity":
                entity_set.add(target)

    for perm in list(scope.sites):
        # A user may act on an entity's rows when they hold that permission on every site of the entity
        # (the Arles referent holds the whole of Arles; the Peytral referent not the whole préfecture);
        # reading needs only one site of the entity, or of the département.
        held = scope.sites[perm]
        for entity_id, entity_sites in sites_of_entity.items():
            if entity_sites <= held or (perm == READ and entity_sites & held):
                scope.entities[perm].add(entity_id)
        if perm == READ:
            scope.departments[perm].update(r["entity__department_id"] for r in sites if r["id"] in held)
    return scope


def scope_for(user) -> AccessScope:
    """The user's scope, computed once per user object (two queries) and then cached on it."""
    cached = getattr(user, "_qualipref_scope", None)
    if cached is None:
        cached = _build_scope(user)
        if user.is_authenticated:
            user._qualipref_scope = cached
    return cached


def readable_sites(user):
    return Site.objects.for_user(user).select_related("entity__department")


def get_for_user(queryset, user, *, perm: str = READ, **lookups):
    """Fetch one object of the user's scope: 404 outside it, 403 when `perm` is not held on it.

    A model whose queryset defines its own `for_user` (rows readable at several levels) is scoped by it.
    """
    if hasattr(queryset, "for_user"):
        scoped = queryset.for_user(user)
    else:
        scoped = scope_for(user).filter_queryset(queryset)
    obj = get_object_or_404(scoped, **lookups)
    if perm != READ and not scope_for(user).allows(obj, perm):
        raise PermissionDenied("Votre rôle ne permet pas de modifier cet élément.")
    return obj


def require(user, perm: str, obj=None) -> None:
    """Raise 403 unless the user holds `perm` (on `obj` when given, anywhere otherwise)."""
    scope = scope_for(user)
    if not (scope.allows(obj, perm) if obj is not None else scope.can(perm)):
        raise PermissionDenied("Votre rôle ne permet pas cette action.")


__all__ = [
    "READ",
    "WRITE",
    "REQUESTS",
    "FINDINGS",
    "AccessScope",
    "scope_for",
    "get_for_user",
    "require",
    "readable_sites",
    "Q",
]
