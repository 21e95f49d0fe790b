"""The steering app's figures (committees held, label events, documents, trainings, crisis exercises,
communication, the calendar ahead), read by the indicators, the dashboard and the annual report. Each takes
the site ids the caller may read and a date range (inclusive) and returns plain data."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count

from sites.access import sites_scope, visible

from .models import (
    Committee,
    CrisisExercise,
    Deadline,
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
from .selectors import _departments_of, calendar_items, compliance_by_site_on


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
    return training_compliance_on(site_ids, [on])[on]


def training_compliance_on(site_ids: Iterable[int], dates: Iterable[dt.date]) -> dict[dt.date, list[dict]]:
    """`training_compliance` on each of `dates`, in the queries of one date."""
    return {
        on: [
            {
                "site_id": row.site.pk,
                "site": row.site.name,
                "reception_agents": row.reception_agents,
                "in_order": row.in_order,
                "rate": row.rate,
                "due_soon": len(row.due_soon),
                "overdue": len(row.overdue),
            }
            for row in rows
        ]
        for on, rows in compliance_by_site_on(site_ids, dates).items()
    }


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
