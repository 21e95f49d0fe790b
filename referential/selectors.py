import datetime as dt
from dataclasses import dataclass

from django.db.models import F, FilteredRelation, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from sites.access import ids, visible
from sites.selectors import entities_for_user

from . import cycles
from .models import Criterion, Engagement, LabelScope, Module, Parameter, Referential


def label_scopes_prefetch(today: dt.date | None = None):
    """The label scopes in force today (those of a referential the entity left are history), with their
    module, its referential and the referential's cycle (`cycles.next_audits` reads no cycle then)."""
    today = today or timezone.localdate()
    return Prefetch(
        "labelscope_set",
        queryset=LabelScope.objects.current(today)
        .select_related("module__referential__cycle")
        .order_by("module__referential__code", "module__number"),
        to_attr="label_scopes",
    )


def label_overview(user, today: dt.date | None = None) -> list:
    """Entities of the user's scope, each with its sites, its label status per module of its current
    referential (`entity.label_scopes`, each with its `next_audit`), and its next audit computed from the
    referential's cycle (`entity.next_audit`, the earliest of its scopes')."""
    entities = list(
        entities_for_user(user, reception_points=False).prefetch_related(label_scopes_prefetch(today))
    )
    due = cycles.next_audits(s for e in entities for s in e.label_scopes)
    for entity in entities:
        for scope in entity.label_scopes:
            scope.next_audit = due.get(scope.pk)
        dates = [s.next_audit for s in entity.label_scopes if s.next_audit]
        entity.next_audit = min(dates, key=lambda n: n.date) if dates else None
    return entities


def label_history(entity):
    """Every label scope the entity ever held, newest referential first, each with its next audit
    (computed for the scopes in force, as recorded for the others) and the label audits of its module."""
    today = timezone.localdate()
    scopes = list(
        LabelScope.objects.filter(entity=entity)
        .select_related("module__referential")
        .order_by(F("started_on").desc(nulls_last=True), "module__number")
    )
    due = cycles.next_audits(scopes)
    audits = list(
        entity.audit_set.filter(kind__in=cycles.LABEL_AUDIT_KINDS + ("internal",))
        .select_related("referential")
        .prefetch_related("modules")
        .order_by("-start_on")
    )
    for scope in scopes:
        scope.is_current = (scope.started_on is None or scope.started_on <= today) and (
            scope.ended_on is None or scope.ended_on > today
        )
        scope.next_audit = due.get(scope.pk) if scope.is_current else None
        scope.audits = [a for a in audits if any(m.pk == scope.module_id for m in a.modules.all())]
    return scopes


def referentials(user=None):
    """The published versions, and with `user` the versions the user's départements made of them
    (another département's version is never shown)."""
    published = Q(department__isnull=True)
    if user is None:
        return Referential.objects.filter(published).order_by("-published_on")
    own = Q(department_id__in=sorted(ids(user, "department")))
    return (
        Referential.objects.filter(published | own)
        .select_related("department")
        .order_by("-published_on", "-pk")
    )


def department_version(published, department, today: dt.date | None = None):
    """The département's newest version of the published referential `published` in force on `today`
    (edited in the app, `referential.editing`), or `published` itself."""
    if published is None or department is None:
        return published
    today = today or timezone.localdate()
    department_id = getattr(department, "pk", department)  # a Department or its id
    return _own_versions(published, [department_id], today).first() or published


def _own_versions(published, department_ids, today: dt.date):
    """The départements' versions of `published` (a referential, or an expression giving its id) in force on
    `today`, each département's newest first."""
    return (
        Referential.objects.filter(adapts=published, department_id__in=sorted(set(department_ids)))
        .exclude(valid_from__gt=today)
        .order_by("department_id", F("valid_from").desc(nulls_last=True), "-pk")
    )


@dataclass
class ModuleLineage:
    """The modules of every version of some referentials' lineages (a published referential and the
    départements' versions adapting it, `referential.editing`), by (published id, module number).

    `key(module id)` names a module's place in its lineage (None for a module outside them); two
    versions' modules of the same number share it. `since[entity id]` is when the entity entered the
    lineages it works under: the earliest start of its label scopes in them, ended ones included (an
    edit ends the national version's scope and starts one in the new version that day), ignoring a
    lineage the entity has held since always (no start recorded); absent when none has a start."""

    keys: dict[int, tuple[int, int]]
    since: dict[int, dt.date]

    def key(self, module_id) -> tuple[int, int] | None:
        return self.keys.get(module_id)


def module_lineage(scopes, *, entity_ids) -> ModuleLineage:
    """The lineage of the modules of `scopes` (label scopes with `module__referential` loaded) and when
    each of `entity_ids` entered them. One query, none when no scope is of a département's version (each
    entity then reads the published versions it holds, as recorded)."""
    published = {s.module.referential.published_id for s in scopes}
    held = {(s.entity_id, s.module.referential.published_id) for s in scopes}
    keys: dict[int, tuple[int, int]] = {}
    entries: dict[tuple[int, int], list] = {}
    if not any(s.module.referential.adapts_id for s in scopes):
        for s in scopes:
            keys[s.module_id] = (s.module.referential_id, s.module.number)
            if s.started_on:
                entries.setdefault((s.entity_id, s.module.referential_id), []).append(s.started_on)
    else:
        for module_id, number, referential_id, adapts_id, entity_id, started_on in (
            Module.objects.filter(Q(referential_id__in=published) | Q(referential__adapts_id__in=published))
            .annotate(
                scope=FilteredRelation(
                    "label_scopes",
                    condition=Q(label_scopes__entity_id__in=list(entity_ids))
                    & ~Q(label_scopes__status=LabelScope.Status.WITHDRAWN),
                )
            )
            .values_list(
                "pk", "number", "referential_id", "referential__adapts_id", "scope__entity_id",
                "scope__started_on",
            )
        ):  # fmt: skip
            root = adapts_id or referential_id
            keys[module_id] = (root, number)
            if entity_id is not None and (entity_id, root) in held:
                entries.setdefault((entity_id, root), []).append(started_on)
    since: dict[int, dt.date] = {}
    for (entity_id, _root), starts in entries.items():
        if None in starts:
            continue  # held since always: no limit from this lineage
        start = min(starts)
        if entity_id not in since or start < since[entity_id]:
            since[entity_id] = start
    return ModuleLineage(keys, since)


def referential_detail(pk):
    """One referential with its modules, engagements, criteria, default parameters and finding types."""
    return (
        Referential.objects.prefetch_related(
            Prefetch(
                "modules",
                queryset=Module.objects.prefetch_related(
                    Prefetch(
                        "engagements",
                        queryset=Engagement.objects.prefetch_related(
                            Prefetch("criteria", queryset=Criterion.objects.order_by("order", "code"))
                        ),
                    )
                ),
            ),
            Prefetch("parameters", queryset=Parameter.objects.select_related("department").order_by("key")),
            "finding_types",
        )
        .select_related("department")
        .filter(pk=pk)
        .first()
    )


def current_referential_id(today: dt.date):
    """The id of the published referential in force on `today` (else the newest), as an SQL expression: what
    `current_referential(today)` reads, for a query that needs it without reading it first."""
    published = Referential.objects.filter(department__isnull=True)
    in_force = published.exclude(valid_from__gt=today).order_by(
        F("valid_from").desc(nulls_last=True), "-published_on"
    )
    newest = published.order_by("-valid_from", "-published_on")
    return Coalesce(Subquery(in_force.values("pk")[:1]), Subquery(newest.values("pk")[:1]))


def current_referential(today: dt.date | None = None, department=None):
    """The newest published referential in force (valid from a date past); failing that, the newest one.
    With `department`, that département's own version of it when it edited one (`department_version`).
    One query either way: the published version and the département's are read together."""
    today = today or timezone.localdate()
    current_pk = current_referential_id(today)
    if department is None:
        return Referential.objects.filter(pk=current_pk).first()
    department_id = getattr(department, "pk", department)  # a Department or its id
    own_pk = Subquery(_own_versions(current_pk, [department_id], today).values("pk")[:1])
    rows = list(Referential.objects.filter(Q(pk=current_pk) | Q(pk=own_pk)))
    return next((r for r in rows if r.department_id is not None), None) or next(iter(rows), None)


def versions_in_force(department_ids, today: dt.date | None = None) -> dict[int, Referential]:
    """{département id: the version in force for that département} — `current_referential(department=…)`,
    its own edited version when it has one — for the pickers of modules, engagements and finding types.
    One query, whatever the number of départements: the published version in force and the départements'
    own versions of it are read together."""
    today = today or timezone.localdate()
    department_ids = sorted(set(department_ids))
    current_pk = current_referential_id(today)
    own_pks = _own_versions(current_pk, department_ids, today).values("pk")
    versions = Referential.objects.filter(Q(pk=current_pk) | Q(pk__in=own_pks)).order_by(
        F("department_id").asc(nulls_last=True), F("valid_from").desc(nulls_last=True), "-pk"
    )
    published, own = None, {}
    for version in versions:
        if version.department_id is None:
            published = version
        else:
            own.setdefault(version.department_id, version)  # each département's newest comes first
    return {pk: own.get(pk, published) for pk in department_ids}


def _in_force_ids(department_ids, today=None) -> set[int]:
    return {r.pk for r in versions_in_force(department_ids, today).values() if r is not None}


def modules_in_force(department_ids, *, keep=(), today: dt.date | None = None):
    """The modules a user picks from: those of the versions in force for `department_ids`, and the ones in
    `keep` (what the row being edited already points to, which may belong to an earlier version)."""
    return (
        Module.objects.filter(
            Q(referential_id__in=_in_force_ids(department_ids, today)) | Q(pk__in=_ids(keep))
        )
        .select_related("referential")
        .order_by("referential__code", "number", "pk")
    )


def engagements_in_force(department_ids, *, keep=(), today: dt.date | None = None):
    """The engagements a user picks from (see `modules_in_force`)."""
    return (
        Engagement.objects.filter(
            Q(module__referential_id__in=_in_force_ids(department_ids, today)) | Q(pk__in=_ids(keep))
        )
        .select_related("module")
        .order_by("module__number", "order", "code", "pk")
    )


def finding_types_in_force(department_ids, *, keep=(), today: dt.date | None = None):
    """The finding types a user picks from (see `modules_in_force`)."""
    from .models import FindingType

    return FindingType.objects.filter(
        Q(referential_id__in=_in_force_ids(department_ids, today)) | Q(pk__in=_ids(keep))
    ).order_by("order", "pk")


def _ids(keep):
    """The ids of `keep`: a list (falsy ids dropped) or a queryset of ids, kept as a subquery."""
    from django.db.models import QuerySet

    if isinstance(keep, QuerySet):
        return keep
    return [pk for pk in keep if pk]


def crosswalk_table(user, source: Referential, target: Referential) -> dict:
    """The two referentials side by side: each module and engagement of `source` with its counterparts in
    `target` and the entities of the user's scope that held that module; and each engagement of `target`
    with its sources. Five queries."""
    from .models import CrosswalkLink

    links = list(
        CrosswalkLink.objects.filter(
            source_module__referential=source, target_engagement__module__referential=target
        ).select_related("source_module", "source_engagement", "target_engagement")
    )
    by_source = {}
    for link in links:
        by_source.setdefault((link.source_module_id, link.source_engagement_id), []).append(link)
    held = {}
    for scope in (
        visible(user, LabelScope.objects).filter(module__referential=source).select_related("entity")
    ):
        held.setdefault(scope.module_id, []).append(scope.entity)
    rows = []
    for module in Module.objects.filter(referential=source).prefetch_related("engagements"):
        entities = sorted({e.name for e in held.get(module.pk, [])})
        rows.append(
            {
                "module": module,
                "engagement": None,
                "links": by_source.get((module.pk, None), []),
                "entities": entities,
            }
        )
        for engagement in module.engagements.all():
            rows.append(
                {
                    "module": module,
                    "engagement": engagement,
                    "links": by_source.get((module.pk, engagement.pk), []),
                    "entities": entities,
                }
            )
    sources = {}
    for link in links:
        sources.setdefault(link.target_engagement_id, []).append(link)
    targets = [
        {"engagement": e, "links": sources.get(e.pk, [])}
        for e in Engagement.objects.filter(module__referential=target).order_by("module__number", "order")
    ]
    return {"rows": rows, "targets": targets, "link_count": len(links)}
