"""Reads of the steering app: every one filtered by what the user may see.

The second half holds the figures other apps read (indicators, annual report, committee pack): plain
data computed from the database, for a set of site ids and a date range.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from sites.access import sites_scope, visible
from sites.models import Site

from . import recurrence, training_rules
from .models import (
    Agent,
    Committee,
    CrisisExercise,
    Deadline,
    DeadlineCompletion,
    Decision,
    Document,
    DocumentVersion,
    LabelEvent,
    Meeting,
    Newsletter,
    PressRelease,
    SocialMediaCount,
    Training,
)
from .services import training_validity_years

# ---- committees and meetings ---------------------------------------------------------------------------


def committees_for_user(user):
    return (
        visible(user, Committee.objects)
        .select_related("department")
        .annotate(
            member_count=Count("members", distinct=True),
            meeting_count=Count("meetings", distinct=True),
            last_meeting_on=Max("meetings__held_on"),
        )
    )


def committee_members(committee):
    return committee.members.select_related("user").order_by("name", "user__last_name", "pk")


def meetings_for_user(user):
    return (
        visible(user, Meeting.objects)
        .select_related("committee")
        .annotate(
            decision_count=Count("decisions", distinct=True), attendee_count=Count("attendees", distinct=True)
        )
    )


def meeting_for_display(meeting):
    """The meeting's attendees and decisions (with their owners), fetched once."""
    attendees = list(meeting.attendees.select_related("user"))
    decisions = list(meeting.decisions.select_related("owner").order_by("pk"))
    return attendees, decisions


# ---- calendar ------------------------------------------------------------------------------------------


@dataclass
class CalendarItem:
    deadline: Deadline
    occurrence: recurrence.Occurrence
    status: str
    completion: DeadlineCompletion | None = None

    @property
    def date(self):
        return self.occurrence.starts_on

    @property
    def badge(self):
        return recurrence.STATUS_BADGES[self.status]

    @property
    def status_label(self):
        return recurrence.STATUS_LABELS[self.status]


def _active_deadlines(queryset, start: dt.date, end: dt.date):
    """Deadlines that may have an occurrence meeting [start, end] (an indexed date filter)."""
    reach = start - dt.timedelta(days=366)  # the longest period a deadline may span
    return queryset.filter(starts_on__lte=end).filter(
        Q(frequency=Deadline.Frequency.ONCE, starts_on__gte=reach)
        | ~Q(frequency=Deadline.Frequency.ONCE) & (Q(until__isnull=True) | Q(until__gte=reach))
    )


def calendar_items(
    deadlines, start: dt.date, end: dt.date, *, today: dt.date | None = None
) -> list[CalendarItem]:
    """The occurrences of `deadlines` (a queryset) meeting [start, end], with their status; 2 queries."""
    today = today or timezone.localdate()
    deadlines = list(
        _active_deadlines(deadlines, start, end)
        .select_related("responsible", "entity", "site", "department")
        .prefetch_related(
            Prefetch(
                "completions",
                queryset=DeadlineCompletion.objects.filter(
                    occurrence_on__gte=start - dt.timedelta(days=366), occurrence_on__lte=end
                ),
                to_attr="window_completions",
            )
        )
    )
    items = []
    for deadline in deadlines:
        done = {c.occurrence_on: c for c in deadline.window_completions}
        for occ in recurrence.occurrences(
            frequency=deadline.frequency,
            starts_on=deadline.starts_on,
            ends_on=deadline.ends_on,
            until=deadline.until,
            window_start=start,
            window_end=end,
        ):
            completion = done.get(occ.starts_on)
            status = recurrence.occurrence_status(
                occ, today=today, remind_days=deadline.remind_days, done=completion is not None
            )
            items.append(CalendarItem(deadline, occ, status, completion))
    items.sort(key=lambda i: (i.occurrence.starts_on, i.deadline.title))
    return items


def deadlines_for_user(user):
    return visible(user, Deadline.objects)


# ---- documents -----------------------------------------------------------------------------------------


def documents_for_user(user):
    return (
        visible(user, Document.objects)
        .select_related("module", "engagement", "owner", "site", "entity")
        .prefetch_related(
            Prefetch("versions", queryset=DocumentVersion.objects.filter(is_current=True), to_attr="current")
        )
        .annotate(version_count=Count("versions", distinct=True))
    )


def documents_due_for_review(user, *, today: dt.date | None = None, within_days: int = 30):
    today = today or timezone.localdate()
    return (
        visible(user, Document.objects)
        .exclude(status=Document.Status.WITHDRAWN)
        .filter(review_on__lte=today + dt.timedelta(days=within_days))
        .select_related("owner")
        .order_by("review_on")
    )


# ---- trainings -----------------------------------------------------------------------------------------


@dataclass
class SiteCompliance:
    site: Site
    reception_agents: int = 0
    in_order: int = 0
    due_soon: list = field(default_factory=list)
    overdue: list = field(default_factory=list)

    @property
    def rate(self):
        return training_rules.Compliance(self.reception_agents, self.in_order).rate


def _agents_on(site_ids, on: dt.date):
    """Reception agents present on `on` (taken the post by then, not left), with their reception trainings."""
    return (
        Agent.objects.filter(site_id__in=site_ids, reception_duties=True)
        .filter(Q(took_post_on__isnull=True) | Q(took_post_on__lte=on))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .select_related("site")
        .prefetch_related(
            Prefetch(
                "trainings",
                queryset=Training.objects.filter(topic=Training.Topic.RECEPTION, trained_on__lte=on),
                to_attr="reception_trainings",
            )
        )
    )


def compliance_by_site(
    site_ids: Iterable[int], on: dt.date, *, years: int | None = None
) -> list[SiteCompliance]:
    """Per site, reception agents in order with the training rule on `on` (3 queries + the parameter)."""
    site_ids = list(site_ids)
    sites = list(Site.objects.filter(pk__in=site_ids).select_related("entity__department"))
    if not sites:
        return []
    years = years or training_validity_years(sites[0].entity.department)
    rows = {s.pk: SiteCompliance(s) for s in sites}
    for agent in _agents_on(site_ids, on):
        deadline = training_rules.training_deadline(
            took_post_on=agent.took_post_on,
            reception_trainings=[t.trained_on for t in agent.reception_trainings],
            years=years,
            on=on,
        )
        agent.deadline = deadline
        row = rows[agent.site_id]
        row.reception_agents += 1
        status = training_rules.agent_status(deadline, on)
        if status != training_rules.OVERDUE:
            row.in_order += 1
        if status == training_rules.DUE_SOON:
            row.due_soon.append(agent)
        elif status == training_rules.OVERDUE:
            row.overdue.append(agent)
    return [rows[s.pk] for s in sites]


def agents_for_user(user):
    return (
        visible(user, Agent.objects)
        .select_related("site", "user")
        .annotate(
            training_count=Count("trainings"),
            last_reception_training=Max(
                "trainings__trained_on", filter=Q(trainings__topic=Training.Topic.RECEPTION)
            ),
        )
    )


def trainings_for_user(user):
    return visible(user, Training.objects).select_related("agent__site")


# ---- registers -----------------------------------------------------------------------------------------


def register_for_user(model, user):
    return visible(user, model.objects)


# =========================================================================================================
# Figures for other apps (indicators, annual report, committee pack). Each takes the site ids the caller
# may read and a date range (inclusive) and returns plain data.
# =========================================================================================================


def _departments_of(site_ids) -> set[int]:
    return sites_scope(site_ids).ids("department")


def meetings_held(site_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[str, int]:
    """Meetings held between start and end (inclusive) per committee kind, e.g. {"steering": 12, ...};
    every kind is present (0 when none)."""
    counts = dict.fromkeys(Committee.Kind.values, 0)
    rows = (
        Meeting.objects.filter(department_id__in=_departments_of(site_ids), held_on__range=(start, end))
        .values("committee__kind")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[row["committee__kind"]] = row["n"]
    return counts


def meeting_dates(site_ids: Iterable[int], start: dt.date, end: dt.date, *, kind: str) -> list[dt.date]:
    """Dates of the meetings of committees of `kind` ("steering", "users", "working_group")."""
    return list(
        Meeting.objects.filter(
            department_id__in=_departments_of(site_ids), held_on__range=(start, end), committee__kind=kind
        )
        .order_by("held_on")
        .values_list("held_on", flat=True)
    )


def users_committee_dates(site_ids: Iterable[int], start: dt.date, end: dt.date) -> list[dt.date]:
    return meeting_dates(site_ids, start, end, kind=Committee.Kind.USERS)


def working_groups(site_ids: Iterable[int]) -> list[dict]:
    """The working groups of the départements: [{"name", "description", "meetings"}]."""
    return [
        {"name": c.name, "description": c.description, "meetings": c.n}
        for c in Committee.objects.filter(
            department_id__in=_departments_of(site_ids), kind=Committee.Kind.WORKING_GROUP
        ).annotate(n=Count("meetings"))
    ]


def decisions_taken(site_ids: Iterable[int], start: dt.date, end: dt.date) -> list[dict]:
    """[{"date", "committee", "text", "owner", "due_on"}] of the meetings held in the range."""
    return [
        {
            "date": d.meeting.held_on,
            "committee": d.meeting.committee.name,
            "text": d.text,
            "owner": str(d.owner) if d.owner else "",
            "due_on": d.due_on,
        }
        for d in Decision.objects.filter(
            department_id__in=_departments_of(site_ids), meeting__held_on__range=(start, end)
        )
        .select_related("meeting__committee", "owner")
        .order_by("meeting__held_on", "pk")
    ]


def label_events(site_ids: Iterable[int], start: dt.date, end: dt.date) -> list[dict]:
    """[{"date", "kind", "kind_label", "title", "detail"}] in date order."""
    return [
        {
            "date": e.happened_on,
            "kind": e.kind,
            "kind_label": e.get_kind_display(),
            "title": e.title,
            "detail": e.detail,
        }
        for e in LabelEvent.objects.filter(
            department_id__in=_departments_of(site_ids), happened_on__range=(start, end)
        ).order_by("happened_on", "pk")
    ]


def documents_written_or_revised(
    site_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[str, list[dict]]:
    """Versions issued in the range: a document's first version counts as written, a later one as
    revised. {"written": [{"title", "kind", "kind_label", "version", "date"}], "revised": [...]}."""
    versions = (
        visible(sites_scope(site_ids), DocumentVersion.objects)
        .filter(issued_on__range=(start, end))
        .select_related("document")
        .order_by("issued_on", "pk")
    )
    versions = list(versions)
    # a document's first version is its earliest issued (ties broken by creation order)
    earliest: dict[int, tuple] = {}
    for doc_id, issued, pk in DocumentVersion.objects.filter(
        document_id__in={v.document_id for v in versions}
    ).values_list("document_id", "issued_on", "pk"):
        if doc_id not in earliest or (issued, pk) < earliest[doc_id]:
            earliest[doc_id] = (issued, pk)
    result = {"written": [], "revised": []}
    for v in versions:
        row = {
            "title": v.document.title,
            "kind": v.document.kind,
            "kind_label": v.document.get_kind_display(),
            "version": v.label,
            "date": v.issued_on,
        }
        result["written" if earliest[v.document_id][1] == v.pk else "revised"].append(row)
    return result


def documents_in_force(site_ids: Iterable[int]) -> list[dict]:
    """[{"title", "kind", "kind_label", "module", "review_on"}] of documents in force."""
    return [
        {
            "title": d.title,
            "kind": d.kind,
            "kind_label": d.get_kind_display(),
            "module": d.module.number if d.module_id else None,
            "review_on": d.review_on,
        }
        for d in visible(sites_scope(site_ids), Document.objects)
        .filter(status=Document.Status.IN_FORCE)
        .select_related("module")
        .order_by("kind", "title")
    ]


def training_compliance(site_ids: Iterable[int], on: dt.date) -> list[dict]:
    """Per site on `on`: [{"site_id", "site", "reception_agents", "in_order", "rate" (percent or None),
    "due_soon", "overdue"}] — the 4-year rule read from the referential parameter."""
    return [
        {
            "site_id": row.site.pk,
            "site": row.site.name,
            "reception_agents": row.reception_agents,
            "in_order": row.in_order,
            "rate": row.rate,
            "due_soon": len(row.due_soon),
            "overdue": len(row.overdue),
        }
        for row in compliance_by_site(site_ids, on)
    ]


def trainings_held(site_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[str, int]:
    """Trainings followed in the range per topic: {"reception": 12, "crisis": 3, "cip": 8, "other": 0}."""
    counts = dict.fromkeys(Training.Topic.values, 0)
    for row in (
        Training.objects.filter(agent__site_id__in=list(site_ids), trained_on__range=(start, end))
        .values("topic")
        .annotate(n=Count("pk"))
    ):
        counts[row["topic"]] = row["n"]
    return counts


def exercises_held(site_ids: Iterable[int], start: dt.date, end: dt.date) -> dict:
    """{"total", "with_cip", "without_cip", "items": [{"date", "scenario", "cip_activated", "lessons"}]}."""
    items = [
        {"date": e.held_on, "scenario": e.scenario, "cip_activated": e.cip_activated, "lessons": e.lessons}
        for e in CrisisExercise.objects.filter(
            department_id__in=_departments_of(site_ids), held_on__range=(start, end)
        ).order_by("held_on", "pk")
    ]
    with_cip = sum(1 for i in items if i["cip_activated"])
    return {"total": len(items), "with_cip": with_cip, "without_cip": len(items) - with_cip, "items": items}


def press_releases(site_ids: Iterable[int], start: dt.date, end: dt.date) -> dict:
    """{"total", "by_month": {date(first of month): n}, "items": [{"date", "event", "channel"}]}."""
    items = [
        {"date": p.issued_on, "event": p.event, "channel": p.channel}
        for p in PressRelease.objects.filter(
            department_id__in=_departments_of(site_ids), issued_on__range=(start, end)
        ).order_by("issued_on", "pk")
    ]
    by_month: dict[dt.date, int] = defaultdict(int)
    for i in items:
        by_month[i["date"].replace(day=1)] += 1
    return {"total": len(items), "by_month": dict(by_month), "items": items}


def newsletters(site_ids: Iterable[int], start: dt.date, end: dt.date) -> list[dict]:
    """[{"title", "number", "date"}] of the issues published in the range."""
    return [
        {"title": n.title, "number": n.number, "date": n.published_on}
        for n in Newsletter.objects.filter(
            department_id__in=_departments_of(site_ids), published_on__range=(start, end)
        ).order_by("published_on", "number")
    ]


def social_media_counts(site_ids: Iterable[int], start: dt.date, end: dt.date) -> dict:
    """{"total", "by_network": {"twitter": 942}, "by_month": [{"month", "network", "posts"}]}."""
    rows = list(
        SocialMediaCount.objects.filter(
            department_id__in=_departments_of(site_ids), month__range=(start.replace(day=1), end)
        ).order_by("month", "network")
    )
    by_network: dict[str, int] = defaultdict(int)
    for r in rows:
        by_network[r.network] += r.posts
    return {
        "total": sum(r.posts for r in rows),
        "by_network": dict(by_network),
        "by_month": [{"month": r.month, "network": r.network, "posts": r.posts} for r in rows],
    }


def calendar_outlook(site_ids: Iterable[int], start: dt.date, end: dt.date) -> list[dict]:
    """The calendar of deadlines in the range (the annual report's outlook), occurrences in date order:
    [{"date", "ends_on", "title", "kind", "kind_label", "frequency", "frequency_label", "scope"}]."""
    deadlines = visible(sites_scope(site_ids), Deadline.objects)
    return [
        {
            "date": i.occurrence.starts_on,
            "ends_on": i.occurrence.ends_on,
            "title": i.deadline.title,
            "kind": i.deadline.kind,
            "kind_label": i.deadline.get_kind_display(),
            "frequency": i.deadline.frequency,
            "frequency_label": i.deadline.get_frequency_display(),
            "scope": i.deadline.scope_label,
        }
        for i in calendar_items(deadlines, start, end)
    ]


def calendar_outlook_summary(site_ids: Iterable[int], start: dt.date, end: dt.date) -> list[dict]:
    """One line per deadline with an occurrence in the range (monthly COPILs once, not twelve times):
    [{"title", "kind_label", "frequency_label", "dates": [date...], "scope"}]."""
    lines: dict[int, dict] = {}
    deadlines = visible(sites_scope(site_ids), Deadline.objects)
    for i in calendar_items(deadlines, start, end):
        line = lines.setdefault(
            i.deadline.pk,
            {
                "title": i.deadline.title,
                "kind_label": i.deadline.get_kind_display(),
                "frequency_label": i.deadline.get_frequency_display(),
                "dates": [],
                "scope": i.deadline.scope_label,
            },
        )
        line["dates"].append(i.occurrence.starts_on)
    return sorted(lines.values(), key=lambda line: line["dates"][0])
