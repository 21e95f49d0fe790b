"""The dashboard's side figures, read from the other apps' selectors (one call each, for every site).

Each panel is `panel(site_ids, today, entity_of=None) -> Figures` (per site, per entity, in total;
`entity_of` maps each site to its entity when the caller already has it, sparing a query) and each
deadline source a list of dated items, so the dashboard runs a constant number of queries whatever the
number of sites.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass
class Figures:
    sites: dict[int, float | int | None]
    entities: dict[int, float | int | None]
    total: float | int | None
    unit: str = "count"
    entity_wide: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DeadlineItem:
    due_on: dt.date
    label: str
    kind: str
    url: str | None


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _entities_of(site_ids: list[int]) -> dict[int, int]:
    from sites.models import Site

    return dict(Site.objects.filter(pk__in=site_ids).values_list("pk", "entity_id"))


def overdue_complaints(
    site_ids: list[int], today: dt.date, entity_of: dict[int, int] | None = None
) -> Figures:
    """Requests still open whose answer is overdue today (complaints app, one query)."""
    from complaints.figures import overdue_counts

    counts = overdue_counts(site_ids=site_ids, today=today)
    sites = {s: counts.get(s, 0) for s in site_ids}
    entities: dict[int, int] = defaultdict(int)
    for site_id, entity_id in (entity_of or _entities_of(site_ids)).items():
        entities[entity_id] += sites.get(site_id, 0)
    return Figures(sites, dict(entities), sum(sites.values()))


def overdue_actions(site_ids: list[int], today: dt.date, entity_of: dict[int, int] | None = None) -> Figures:
    """Open actions past their due date (action plans; an action of the whole entity counts for it)."""
    from actionplans.figures import overdue_action_counts

    counts = overdue_action_counts(site_ids=site_ids, today=today)
    entities = {e: counts["entities"].get(e, 0) for e in (entity_of or _entities_of(site_ids)).values()}
    return Figures({s: counts["sites"].get(s, 0) for s in site_ids}, entities, counts["total"])


def open_nonconformities(
    site_ids: list[int], today: dt.date, entity_of: dict[int, int] | None = None
) -> Figures:
    """Non-conformities not closed (audits; those of the whole entity count for the entity only)."""
    from audits.figures import open_nonconformity_counts

    counts = open_nonconformity_counts(site_ids=site_ids, on=today)
    sites = {s: counts["sites"].get(s, 0) for s in site_ids}
    entities = counts["entities"]
    per_entity_sites: dict[int, int] = defaultdict(int)
    for site_id, entity_id in (entity_of or _entities_of(site_ids)).items():
        per_entity_sites[entity_id] += sites[site_id]
    wide = {e: n - per_entity_sites.get(e, 0) for e, n in entities.items() if n > per_entity_sites.get(e, 0)}
    return Figures(sites, entities, sum(entities.values()), entity_wide=wide)


def training_compliance(
    site_ids: list[int], today: dt.date, entity_of: dict[int, int] | None = None
) -> Figures:
    """Share of reception agents trained within the referential's validity (steering's register)."""
    from steering.figures import training_compliance as source

    rows = source(site_ids, today)
    entity_of = entity_of or _entities_of(site_ids)
    sites = {row["site_id"]: row["rate"] for row in rows}
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        acc = sums[entity_of[row["site_id"]]]
        acc[0] += row["in_order"]
        acc[1] += row["reception_agents"]

    def rate(in_order, agents):
        return round(100 * in_order / agents, 1) if agents else None

    entities = {e: rate(*acc) for e, acc in sums.items()}
    total = rate(sum(a[0] for a in sums.values()), sum(a[1] for a in sums.values()))
    return Figures(sites, entities, total, unit="percent")


def complaint_deadlines(
    site_ids: list[int], today: dt.date, days: int = 15, limit: int = 8
) -> list[DeadlineItem]:
    """The next answers due (within `days`), soonest first (one query)."""
    from complaints.models import Correspondence, Kind
    from complaints.selectors import due_soon_q

    rows = (
        Correspondence.objects.filter(site_id__in=site_ids)
        .filter(due_soon_q(today, days))
        .order_by("due_on", "pk")
        .values("pk", "due_on", "reference", "kind")[:limit]
    )
    labels = dict(Kind.choices)
    return [
        DeadlineItem(
            due_on=row["due_on"],
            label=f"{labels.get(row['kind'], row['kind'])} {row['reference']} : réponse attendue",
            kind="Réclamations et demandes",
            url=_url("complaints:correspondence_detail", row["pk"]),
        )
        for row in rows
    ]


def calendar_deadlines(
    site_ids: list[int], today: dt.date, days: int = 31, limit: int = 8
) -> list[DeadlineItem]:
    """The calendar of deadlines (committees, label audits, reviews…) for the next month (steering)."""
    from steering.figures import calendar_outlook

    return [
        DeadlineItem(
            due_on=item["date"],
            label=f"{item['title']} ({item['scope']})" if item.get("scope") else item["title"],
            kind=f"Calendrier · {item['kind_label']}",
            url=_url("steering:calendar"),
        )
        for item in calendar_outlook(site_ids, today, today + dt.timedelta(days=days))[:limit]
    ]


# The panels and deadline sources wired to a selector that exists. A source without a selector is left
# out of the dashboard rather than shown with a made-up figure.
SITE_PANELS: list[tuple[str, str, Callable]] = [
    ("overdue_actions", "Actions en retard", overdue_actions),
    ("overdue_complaints", "Réclamations et demandes en retard", overdue_complaints),
    ("open_nonconformities", "Non-conformités ouvertes", open_nonconformities),
    ("training_compliance", "Agents d'accueil formés (moins de 4 ans)", training_compliance),
]
DEADLINE_SOURCES: list[Callable] = [complaint_deadlines, calendar_deadlines]


def site_panels():
    return SITE_PANELS


def deadline_sources():
    return DEADLINE_SOURCES
