"""The one access rule: which rows a user may read or write.

Each scoped model declares how it reaches its site, entity or département with `scope_path` (set by the
abstract bases of `qualipref.models`, or on the model itself):
- one path: `"site"`, `"entity"`, `"department"`, `"agent__site"`, `"pk"` (a Site, Entity or Department
  itself)… The level is the model the path ends on;
- several paths, broadest first (`("department", "entity", "site")`): a row narrowed to an entity or a
  site; the narrowest level set decides (a site row is seen by who reads that site, an entity row by who
  reads that entity, a département row by who reads the département);
- `scope_sites = "sites"` (with an entity path): the row may also be written by who writes every site it
  names (a referent manages the actions of their own site).

Everything else asks this module:
- `visible(user, Model.objects)`: the rows the user may read; `writable(user, qs)`: those it may change;
- `get_visible(qs, user, perm=…, **lookups)`: one row, 404 outside the scope, 403 when `perm` is not held;
- `allows(user, obj, perm)`, `can(user, perm)`, `require(user, perm, obj)`: the same rule on one object;
- `scope_for(user)`: the ids behind the rule, resolved once per user object (one query) and memoised
  with the filters it compiles;
- `sites_scope(site_ids)`: the same rule for a set of sites rather than a user (the figures of a report).

Outsiders learn nothing: an object outside the scope is not found (404); an object the user may read but
not change answers 403 on a write.

Permissions are coarse verbs granted by roles:
- read: see the rows of the scope;
- write: create and change the scope's quality data (plans, audits, referential use…);
- requests: log and answer complaints and other tracked requests (agents too);
- findings: write audit findings (auditors, on the audits they are assigned to: checked by audits);
- manage: set the département up: its organisation (entities, sites, reception points), its label and
  deadline rules (the quality manager and the administrator, on their scope; a referent does not).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from qualipref import versions
from qualipref.sqlcache import SQLCache

from .models import Department, Entity, Membership, Role, Site

READ, WRITE, REQUESTS, FINDINGS, MANAGE = "read", "write", "requests", "findings", "manage"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset({READ, WRITE, REQUESTS, FINDINGS, MANAGE}),
    Role.QUALITY_MANAGER: frozenset({READ, WRITE, REQUESTS, FINDINGS, MANAGE}),
    Role.SITE_REFERENT: frozenset({READ, WRITE, REQUESTS, FINDINGS}),
    Role.AGENT: frozenset({READ, REQUESTS}),
    Role.COMMITTEE: frozenset({READ}),
    Role.AUDITOR: frozenset({READ, FINDINGS}),
}
ALL_PERMISSIONS = frozenset({READ, WRITE, REQUESTS, FINDINGS, MANAGE})

LEVELS = ("department", "entity", "site")  # broadest first
_LEVEL_OF_MODEL = {Department: "department", Entity: "entity", Site: "site"}
DENIED = "Votre rôle ne permet pas de modifier cet élément."


# ---- how a model reaches its scope -----------------------------------------------------------------------


@dataclass(frozen=True)
class ScopeRule:
    """A model's `scope_path` resolved: (level, lookup) pairs, broadest first."""

    paths: tuple[tuple[str, str], ...]
    sites_m2m: str | None = None


def _level_of(model, path: str) -> str:
    if path == "pk":
        return _LEVEL_OF_MODEL[model]
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return _LEVEL_OF_MODEL[model]


@cache
def rule_of(model) -> ScopeRule:
    declared = getattr(model, "scope_path", None)
    if declared is None:
        raise TypeError(f"{model.__name__} declares no scope_path: its access is not defined.")
    paths = (declared,) if isinstance(declared, str) else tuple(declared)
    resolved = tuple((_level_of(model, p), p) for p in paths)
    order = [LEVELS.index(level) for level, _ in resolved]
    if order != sorted(order) or len(set(order)) != len(order):
        raise TypeError(f"{model.__name__}.scope_path must go from the broadest level to the narrowest.")
    return ScopeRule(resolved, getattr(model, "scope_sites", None))


def is_scoped(model) -> bool:
    return getattr(model, "scope_path", None) is not None


def _value(obj, path: str):
    """The id at the end of `path` on an object (`site` → obj.site_id, `agent__site` → obj.agent.site_id)."""
    if path == "pk":
        return obj.pk
    *through, last = path.split("__")
    for name in through:
        obj = getattr(obj, name)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id")


# ---- the scope of a user ---------------------------------------------------------------------------------


@dataclass
class AccessScope:
    """Ids of the sites, entities and départements a user holds, per permission, and the filters
    compiled from them (memoised: a request compiles each (model, permission) filter once)."""

    sites: dict[str, set[int]] = field(default_factory=dict)
    entities: dict[str, set[int]] = field(default_factory=dict)
    departments: dict[str, set[int]] = field(default_factory=dict)
    roles: set[str] = field(default_factory=set)
    # The user's memberships (with their département, entity and site, for the page header), read by the
    # same query as the ids; None when not read that way (a superuser, a set of sites).
    memberships: list | None = field(default=None, repr=False, compare=False)
    # {site id: entity id}, {site id: département id}, {entity id: département id} for every site and
    # entity of the départements the scope reaches (read by the same query)
    entity_of_site: dict[int, int] = field(default_factory=dict, repr=False, compare=False)
    department_of_site: dict[int, int] = field(default_factory=dict, repr=False, compare=False)
    department_of_entity: dict[int, int] = field(default_factory=dict, repr=False, compare=False)
    _filters: dict = field(default_factory=dict, repr=False, compare=False)

    def ids(self, level: str, perm: str = READ) -> set[int]:
        return getattr(self, {"site": "sites", "entity": "entities", "department": "departments"}[level]).get(
            perm, set()
        )

    def site_ids(self, perm: str = READ) -> set[int]:
        return self.ids("site", perm)

    def q(self, model, perm: str = READ, *, via: str = "") -> Q:
        """The filter of the rows of `model` on which the user holds `perm`; with `via` (`"unit__"`), the
        filter of the rows that reach such a row of `model` through that relation."""
        key = (model, perm, via)
        if key not in self._filters:
            self._filters[key] = self._compile(model, perm, via)
        return self._filters[key]

    def _compile(self, model, perm: str, via: str) -> Q:
        rule = rule_of(model)
        q = None
        for i, (level, path) in enumerate(rule.paths):
            narrower_unset = {f"{via}{p}__isnull": True for _, p in rule.paths[i + 1 :]}
            at_level = Q(**narrower_unset, **{f"{via}{path}__in": sorted(self.ids(level, perm))})
            q = at_level if q is None else q | at_level
        if rule.sites_m2m and perm != READ:
            if via:
                raise TypeError(f"{model.__name__}: `via` is not supported with scope_sites.")
            through = model._meta.get_field(rule.sites_m2m).remote_field.through
            links = through.objects.filter(**{f"{_fk_to(through, model)}": OuterRef("pk")})
            q |= Exists(links) & ~Exists(links.exclude(site_id__in=sorted(self.site_ids(perm))))
        return q

    def filter(self, queryset: QuerySet, perm: str = READ) -> QuerySet:
        return queryset.filter(self.q(queryset.model, perm))

    def allows(self, obj, perm: str = READ) -> bool:
        """Whether `perm` is held on `obj` (the same rule as `q`, on one object)."""
        rule = rule_of(type(obj))
        for level, path in reversed(rule.paths):  # the narrowest level set decides
            value = _value(obj, path)
            if value is not None:
                held = value in self.ids(level, perm)
                break
        else:
            held = False
        if not held and rule.sites_m2m and perm != READ and obj.pk:
            named = {s.pk for s in getattr(obj, rule.sites_m2m).all()}
            held = bool(named) and named <= self.site_ids(perm)
        return held

    def holds(self, perm: str, *, entity_id=None, site_ids=()) -> bool:
        """Whether a row about to be created on this entity (naming these sites) may be: `perm` on the
        entity, or on every site it names (the `scope_sites` rule, before the row exists)."""
        if entity_id is not None and entity_id in self.ids("entity", perm):
            return True
        return bool(site_ids) and set(site_ids) <= self.site_ids(perm)

    def can(self, perm: str) -> bool:
        """Whether the user holds `perm` anywhere (to show or hide buttons and menu entries)."""
        return bool(self.sites.get(perm) or self.entities.get(perm) or self.departments.get(perm))

    def within(self, department_id: int) -> AccessScope:
        """The part of this scope in one département: its sites, entities and the département itself, per
        permission, with the same roles (never more than this scope: a page about one département of a
        scope over several reads with it)."""
        sites = {s for s, d in self.department_of_site.items() if d == department_id}
        entities = {e for e, d in self.department_of_entity.items() if d == department_id}
        return AccessScope(
            sites={perm: ids & sites for perm, ids in self.sites.items()},
            entities={perm: ids & entities for perm, ids in self.entities.items()},
            departments={perm: ids & {department_id} for perm, ids in self.departments.items()},
            roles=set(self.roles),
            memberships=None
            if self.memberships is None
            else [m for m in self.memberships if m.department_id == department_id],
            entity_of_site={s: e for s, e in self.entity_of_site.items() if s in sites},
            department_of_site=dict.fromkeys(sites, department_id),
            department_of_entity=dict.fromkeys(entities, department_id),
        )

    @property
    def is_empty(self) -> bool:
        return not self.can(READ)

    @property
    def key(self) -> tuple:
        """Everything the compiled filters depend on, hashable: two scopes with the same key compile the
        same SQL (a caller may reuse a query compiled for one with the other)."""

        def frozen(ids):
            return tuple(sorted((perm, tuple(sorted(v))) for perm, v in ids.items()))

        return (
            frozen(self.sites),
            frozen(self.entities),
            frozen(self.departments),
            tuple(sorted(self.roles)),
        )


def _fk_to(through, model) -> str:
    for f in through._meta.get_fields():
        if getattr(f, "related_model", None) is model and f.many_to_one:
            return f.name
    raise TypeError(f"{through} has no link to {model}")


def _grant(scope: AccessScope, granted, sites) -> AccessScope:
    """Fill `scope` from (permissions, level, target id) grants over the département's sites
    (rows of (site id, entity id, département id); an entity without a site yet comes as (None, entity
    id, département id), so that who holds its département holds it too)."""
    sites_of_entity: dict[int, set[int]] = {}
    for site_id, entity_id, department_id in sites:
        if entity_id is not None:
            scope.department_of_entity[entity_id] = department_id
        if site_id is not None:
            sites_of_entity.setdefault(entity_id, set()).add(site_id)
            scope.entity_of_site[site_id] = entity_id
            scope.department_of_site[site_id] = department_id

    # the rows of each site, entity and département, read once (the administrator's grants are a hundred
    # départements: one pass over the rows per grant cost 5 ms on every page)
    rows_of = {"site": {}, "entity": {}, "department": {}}
    for row in sites:
        for level, value in zip(("site", "entity", "department"), row, strict=True):
            rows_of[level].setdefault(value, []).append(row)
    for perms, level, target in granted:
        rows = rows_of[level].get(target, ())
        for perm in perms:
            site_set = scope.sites.setdefault(perm, set())
            entity_set = scope.entities.setdefault(perm, set())
            department_set = scope.departments.setdefault(perm, set())
            site_set.update(row[0] for row in rows if row[0] is not None)
            if level == "department":
                department_set.add(target)
                entity_set.update(row[1] for row in rows if row[1] is not None)
            elif level == "entity":
                entity_set.add(target)

    for perm in list(scope.sites):
        # A user may act on an entity's rows when they hold that permission on every site of the entity
        # (the referent of a one-site sous-préfecture holds it whole; the referent of one of the
        # préfecture's two sites does not hold the préfecture);
        # reading needs only one site of the entity, or of the département.
        held = scope.sites[perm]
        for entity_id, entity_sites in sites_of_entity.items():
            if entity_sites <= held or (perm == READ and entity_sites & held):
                scope.entities[perm].add(entity_id)
        if perm == READ:
            scope.departments[perm].update(row[2] for row in sites if row[0] in held)
    return scope


def _build_scope(user) -> AccessScope:
    """The user's scope from one query: their memberships, each with the sites of its département."""
    scope = AccessScope()
    if not user.is_authenticated or not user.is_active:
        return scope
    if user.is_superuser:
        sites = list(Department.objects.values_list("entities__sites__id", "entities__id", "id"))
        granted = {(ALL_PERMISSIONS, "department", department) for *_, department in sites}
        return _grant(scope, granted, sites)

    rows = _MEMBERSHIPS.get((), _memberships_queryset).rows((user.pk,))
    granted, sites, memberships, counters = set(), set(), {}, {}
    for row in rows:
        row, (counter, every) = row[:-2], row[-2:]
        counters[row[2]] = counter
        role, department_id, entity_id, site_id, any_site, its_entity = row[1:7]
        if row[0] not in memberships:
            memberships[row[0]] = _membership(user, row)
        level, target = (
            ("site", site_id)
            if site_id
            else ("entity", entity_id)
            if entity_id
            else ("department", department_id)
        )
        granted.add((ROLE_PERMISSIONS[role], level, target))
        scope.roles.add(role)
        if its_entity is not None:
            sites.add((any_site, its_entity, department_id))
    if rows:  # the data's stamp of the user's départements, read with them (qualipref.versions)
        versions.remember(counters, every)
    scope.memberships = sorted(
        memberships.values(),
        key=lambda m: (m.department.code, m.department_id, m.entity_id or 0, m.site_id or 0, m.pk),
    )
    return _grant(scope, granted, sorted(sites, key=lambda row: (row[0] is None, row)))


# One row per (membership, site of its département): the grant, the sites it reaches, and what the page
# header shows of the membership (its département, entity and site), so that the scope and the header cost
# one query together; then the counters of its département and of every département, so that the stamp of
# the user's kept pages (`sites.versions.kept`) costs no query of its own.
_MEMBERSHIP_COLUMNS = (
    "id",
    "role",
    "department_id",
    "entity_id",
    "site_id",
    "department__entities__sites__id",
    "department__entities__id",
    "department__code",
    "department__name",
    "entity__name",
    "entity__code",
    "site__name",
    "site__code",
    "site__entity_id",
)


# The SQL of a user's membership rows, compiled once per process (qualipref.sqlcache: compiling its five
# joins cost half of the scope's time, on every request) for a placeholder user, run with the user's id.
_MEMBERSHIPS = SQLCache(maxsize=1)


def _memberships_queryset():
    """No ORDER BY (Membership's default ordering would join four more tables to sort): sorted in Python."""
    return (
        Membership.objects.filter(user_id=0)
        .order_by()
        .annotate(**versions.counters(f'"{Membership._meta.db_table}"."department_id"'))
        .values_list(*_MEMBERSHIP_COLUMNS, "data_counter", "data_counter_every")
    )


def _membership(user, row) -> Membership:
    pk, role, department_id, entity_id, site_id = row[:5]
    code, name, entity_name, entity_code, site_name, site_code, site_entity_id = row[7:]
    membership = Membership(
        pk=pk, user=user, role=role, department_id=department_id, entity_id=entity_id, site_id=site_id
    )
    membership.department = Department(pk=department_id, code=code, name=name)
    if entity_id is not None:
        membership.entity = Entity(
            pk=entity_id, department_id=department_id, code=entity_code, name=entity_name
        )
    if site_id is not None:
        membership.site = Site(pk=site_id, entity_id=site_entity_id, code=site_code, name=site_name)
    return membership


def sites_scope(site_ids, perms=(READ,)) -> AccessScope:
    """The scope of who holds `perms` on exactly these sites: the figures of a report or a dashboard for
    these sites (read), or an API client's token (read and write on its sites). Their entities and
    départements are reached as for a user holding these sites (one query)."""
    site_ids = sorted(set(site_ids))
    departments = Site.objects.filter(pk__in=site_ids).values("entity__department_id")
    sites = list(
        Site.objects.filter(entity__department_id__in=departments).values_list(
            "id", "entity_id", "entity__department_id"
        )
    )
    return _grant(AccessScope(), [(frozenset(perms), "site", s) for s in site_ids], sites)


def within_department(user, department_id: int):
    """`user` reading one département of their scope (`AccessScope.within`): a copy of the user whose scope
    is that part of theirs, for a page about one département of a scope over several (the home page, the
    committee's dashboard)."""
    narrowed = copy.copy(user)
    narrowed._qualipref_scope = scope_for(user).within(department_id)
    return narrowed


def scope_for(principal) -> AccessScope:
    """The scope of a user, resolved once per user object (one query) and memoised on it with the filters
    it compiles, so `request.user` resolves it once per request. An API client (an object with
    `access_site_ids`) holds read and write on its sites; an `AccessScope` is its own scope."""
    if isinstance(principal, AccessScope):
        return principal
    cached = getattr(principal, "_qualipref_scope", None)
    if cached is None:
        if hasattr(principal, "access_site_ids"):
            cached = sites_scope(principal.access_site_ids, perms=(READ, WRITE))
            principal._qualipref_scope = cached
        else:
            cached = _build_scope(principal)
            if principal.is_authenticated:
                principal._qualipref_scope = cached
    return cached


# ---- the rule, for views, selectors, exports, the API and the reminders ------------------------------------


def visible(user, queryset, perm: str = READ) -> QuerySet:
    """The rows of `queryset` (a manager or a queryset) on which the user holds `perm` (read by default)."""
    queryset = queryset.all()
    return scope_for(user).filter(queryset, perm)


def writable(user, queryset, perm: str = WRITE) -> QuerySet:
    """The rows of `queryset` the user may change."""
    return visible(user, queryset, perm)


def allows(user, obj, perm: str = READ) -> bool:
    return scope_for(user).allows(obj, perm)


def can(user, perm: str) -> bool:
    return scope_for(user).can(perm)


def ids(user, level: str, perm: str = READ) -> set[int]:
    """Ids of the sites, entities or départements on which the user holds `perm`."""
    return scope_for(user).ids(level, perm)


def get_visible(queryset, user, *, perm: str = READ, **lookups) -> Any:
    """One object of the user's scope: 404 outside it (read), 403 when `perm` is not held on it."""
    obj = get_object_or_404(visible(user, queryset), **lookups)
    if perm != READ and not allows(user, obj, perm):
        raise PermissionDenied(DENIED)
    return obj


get_for_user = get_visible


def require(user, perm: str, obj=None) -> None:
    """Raise 403 unless the user holds `perm` (on `obj` when given, anywhere otherwise)."""
    scope = scope_for(user)
    if not (scope.allows(obj, perm) if obj is not None else scope.can(perm)):
        raise PermissionDenied("Votre rôle ne permet pas cette action.")


def readable_sites(user):
    return visible(user, Site.objects).select_related("entity__department")


def managed_departments(user):
    """The départements the user sets up (MANAGE at the département's level)."""
    return Department.objects.filter(pk__in=sorted(scope_for(user).ids("department", MANAGE)))


def entities_reached(user, perm: str = WRITE):
    """Entities on which the user holds `perm` whole or on one of their sites (where a referent may
    create an entity row that names their site, such as an action)."""
    return Entity.objects.filter(pk__in=sorted(entity_ids_reached(user, perm)))


def entity_ids_reached(user, perm: str = WRITE) -> set[int]:
    """The ids of `entities_reached`, without a query (the scope knows its sites' entities)."""
    scope = scope_for(user)
    return scope.ids("entity", perm) | {scope.entity_of_site[s] for s in scope.site_ids(perm)}


__all__ = [
    "READ",
    "WRITE",
    "REQUESTS",
    "FINDINGS",
    "MANAGE",
    "AccessScope",
    "entity_ids_reached",
    "allows",
    "can",
    "get_for_user",
    "get_visible",
    "ids",
    "is_scoped",
    "readable_sites",
    "require",
    "rule_of",
    "scope_for",
    "sites_scope",
    "visible",
    "writable",
    "entities_reached",
    "managed_departments",
]
