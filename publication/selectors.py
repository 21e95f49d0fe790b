"""Reads of the publication app.

Public reads (no user) return only published snapshots and their frozen figures, plus what a site
publishes anyway (address, hours, reception points, label, engagements). Internal reads are scoped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from qualipref import versions
from referential.models import Engagement, LabelScope
from sites.access import READ, WRITE, get_for_user, scope_for, visible, writable
from sites.models import Department, ReceptionPoint, Site

from .models import Section, Snapshot, SnapshotFigure

PUBLISHED = Snapshot.Status.PUBLISHED


# ---- public ------------------------------------------------------------------------------------------


def _published_sites():
    return Site.objects.filter(Exists(Snapshot.objects.filter(site=OuterRef("pk"), status=PUBLISHED)))


def public_departments():
    """Départements with at least one site having a published snapshot, with that count. One query."""
    return (
        Department.objects.annotate(
            published_sites=Count(
                "entities__sites",
                filter=Q(entities__sites__in=_published_sites()),
                distinct=True,
            )
        )
        .filter(published_sites__gt=0)
        .order_by("code")
    )


def public_department(code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None or not _published_sites().filter(entity__department=department).exists():
        raise Http404("Aucun résultat publié pour ce département.")
    return department


def public_sites(department):
    """The département's sites having a published snapshot, with the latest publication date."""
    return (
        _published_sites()
        .filter(entity__department=department)
        .select_related("entity")
        .annotate(last_published_at=Max("snapshot__published_at", filter=Q(snapshot__status=PUBLISHED)))
        .order_by("entity__order", "order", "name")
    )


def public_site(code: str) -> Site:
    """The site, with the data counters of its département and of every département (`data_counter`,
    `data_counter_every`: the stamp of its kept public page, `qualipref.versions`, read in the same query)."""
    site = (
        Site.objects.select_related("entity__department")
        .annotate(**versions.counters('"sites_entity"."department_id"'))
        .filter(code=code)
        .first()
    )
    if site is None:
        raise Http404("Site inconnu.")
    return site


def latest_snapshot(site) -> Snapshot | None:
    """The site's latest published snapshot with its figures (two queries)."""
    return (
        Snapshot.objects.filter(site=site, status=PUBLISHED)
        .order_by("-published_at", "-pk")
        .prefetch_related(Prefetch("figures", queryset=SnapshotFigure.objects.order_by("order", "pk")))
        .first()
    )


def earlier_snapshots(site, *, exclude) -> list[Snapshot]:
    qs = Snapshot.objects.filter(site=site, status=PUBLISHED).order_by("-published_at")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs.only("pk", "period_label", "published_at", "site_id"))


@dataclass
class FigureGroup:
    """Figures of one section and one scope (a surveyed unit, or the whole site)."""

    section: str
    section_label: str
    scope_label: str
    figures: list[SnapshotFigure]

    @property
    def period_label(self):
        return self.figures[0].period_label

    @property
    def previous_period_label(self):
        return next((f.previous_period_label for f in self.figures if f.previous_period_label), "")

    @property
    def has_previous(self):
        return any(f.previous_value is not None for f in self.figures)

    @property
    def sources(self):
        return list(dict.fromkeys(f.source for f in self.figures))


@dataclass
class PublicSection:
    code: str
    label: str
    groups: list[FigureGroup] = field(default_factory=list)


SECTION_ORDER = [s.value for s in Section]


def sections_of(snapshot: Snapshot | None) -> list[PublicSection]:
    """The snapshot's figures grouped by section, then by scope, in a stable order (no query)."""
    if snapshot is None:
        return []
    labels = dict(Section.choices)
    figures = sorted(snapshot.figures.all(), key=lambda f: (SECTION_ORDER.index(f.section), f.order, f.pk))
    sections = []
    for code, in_section in groupby(figures, key=lambda f: f.section):
        section = PublicSection(code=code, label=labels[code])
        for scope_label, rows in groupby(in_section, key=lambda f: f.scope_label):
            section.groups.append(FigureGroup(code, labels[code], scope_label, list(rows)))
        sections.append(section)
    return sections


def reception_points(site) -> list[ReceptionPoint]:
    return list(site.reception_points.order_by("order", "name"))


def label_scopes(site) -> list[LabelScope]:
    """The entity's label status per module, with the engagements of each module (two queries)."""
    return list(
        LabelScope.objects.filter(entity_id=site.entity_id)
        .current(timezone.localdate())
        .select_related("module__referential")
        .prefetch_related(
            Prefetch("module__engagements", queryset=Engagement.objects.order_by("order", "code"))
        )
        .order_by("module__number")
    )


def open_data_figures(site):
    """Every figure of the site's published snapshots (newest publication first), for the open data."""
    return (
        SnapshotFigure.objects.filter(snapshot__site=site, snapshot__status=PUBLISHED)
        .select_related("snapshot")
        .order_by("-snapshot__published_at", "snapshot_id", "order", "pk")
    )


# ---- internal (scoped) -------------------------------------------------------------------------------


def snapshots_for_user(user):
    return (
        visible(user, Snapshot.objects)
        .select_related("site__entity", "published_by", "created_by")
        .annotate(figure_count=Count("figures"))
    )


def snapshot_for_user(user, pk: int, *, perm: str = READ) -> Snapshot:
    return get_for_user(
        Snapshot.objects.select_related("site__entity__department", "campaign", "published_by", "created_by"),
        user,
        perm=perm,
        pk=pk,
    )


def sites_overview_for_user(user):
    """The user's sites, each with its latest publication date and its draft count (one query)."""
    latest = Snapshot.objects.filter(site=OuterRef("pk"), status=PUBLISHED).order_by("-published_at")
    return (
        visible(user, Site.objects)
        .select_related("entity")
        .annotate(
            last_published_at=Max("snapshot__published_at", filter=Q(snapshot__status=PUBLISHED)),
            drafts=Count("snapshot", filter=Q(snapshot__status=Snapshot.Status.DRAFT)),
            has_published=Exists(latest),
        )
        .order_by("entity__department__code", "entity__order", "order", "name")
    )


def writable_site_for_user(user, code: str) -> Site:
    return get_for_user(Site.objects.select_related("entity__department"), user, perm=WRITE, code=code)


def can_write(user, snapshot) -> bool:
    return scope_for(user).allows(snapshot, WRITE)


def stale_publications(user, today=None) -> list:
    """The user's writable sites whose published results are older than the referential allows
    (Services Publics+ engagement 6: at least once a year), each with `last_period_end` (None: never
    published). One query for the sites, one for the parameter of every département."""
    from dateutil.relativedelta import relativedelta

    from referential.params import CURRENT, parameter_values

    today = today or timezone.localdate()
    sites = list(
        writable(user, Site.objects)
        .select_related("entity")
        .annotate(last_period_end=Max("snapshot__period_end", filter=Q(snapshot__status=PUBLISHED)))
        .order_by("entity__order", "order", "name")
    )
    # each département's value (its own edited version of the referential in force, or its override) in
    # one query, the referential in force read within it
    months = parameter_values(
        CURRENT,
        "results_max_age_months",
        {s.entity.department_id for s in sites},
        default=12,
        on=today,
    )
    return [
        s
        for s in sites
        if s.last_period_end is None
        or s.last_period_end < today - relativedelta(months=int(months[s.entity.department_id] or 12))
    ]
