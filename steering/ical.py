"""A user's deadlines as an iCalendar (RFC 5545) feed, read by their usual calendar application.

The feed carries the calendar's deadlines (that the user may read) and the user's own items, the same
ones as the home page's « À traiter » (each app's reminder rule says whose they are): the requests they
answer, the actions they carry, the findings still waiting for an action (due by the next audit of their
entity and module, from the label cycle) and the reviews of the documents they keep. Every event has
two alarms, three days and one day before.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from icalendar import Alarm, Calendar, Event

from actionplans import reminders as action_reminders
from complaints.models import RUNNING_STATUSES, Correspondence
from qualipref.links import absolute, public_host
from referential.cycles import next_audits
from referential.models import LabelScope
from sites.access import REQUESTS, WRITE, scope_for, visible

from .models import Deadline, Document
from .selectors import calendar_items

PAST_MONTHS, FUTURE_MONTHS = 12, 24
ALARM_DAYS = (3, 1)  # reminders before each deadline, in days
MAX_ITEMS = 500  # of each kind: a feed stays a feed, not an export of the register


def _alarms(event: Event, summary: str) -> None:
    for days in ALARM_DAYS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{'Demain' if days == 1 else f'Dans {days} jours'} : {summary}")
        alarm.add("trigger", dt.timedelta(days=-days))
        event.add_component(alarm)


def _event(*, uid, stamp, day, summary, description, url, category, end=None):
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", (end or day) + dt.timedelta(days=1))  # all-day events: DTEND is exclusive
    event.add("summary", summary)
    event.add("description", description)
    event.add("categories", [category])
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    _alarms(event, summary)
    return event


def _requests(user, start, end):
    """The requests the user answers (all those of their sites when they answer requests beyond their own
    assignments, the assigned ones for an agent), running, due in the window."""
    mine = not scope_for(user).can(WRITE)
    queryset = (
        Correspondence.objects.filter(assigned_to=user)
        if mine
        else visible(user, Correspondence.objects, REQUESTS)
    )
    return (
        queryset.filter(status__in=RUNNING_STATUSES, due_on__gte=start, due_on__lte=end)
        .select_related("site")
        .order_by("due_on", "pk")[:MAX_ITEMS]
    )


def _finding_dates(findings, today):
    """{finding id: the next audit of its entity and module} (label cycle); findings without one are left
    out. Three queries."""
    keys = {(f.entity_id, f.module_id) for f in findings if f.module_id}
    if not keys:
        return {}
    scopes = list(
        LabelScope.objects.current(today)
        .filter(entity_id__in={e for e, _ in keys}, module_id__in={m for _, m in keys})
        .select_related("module")
    )
    due = next_audits(scopes)
    by_key = {(s.entity_id, s.module_id): due[s.pk].date for s in scopes if due.get(s.pk)}
    return {f.pk: by_key[key] for f in findings if (key := (f.entity_id, f.module_id)) in by_key}


def feed_for_user(user, *, today: dt.date | None = None) -> bytes:
    """The occurrences of the deadlines the user may read and the user's own items, a year back and two
    years ahead, each with its alarms."""
    today = today or timezone.localdate()
    start, end = today - relativedelta(months=PAST_MONTHS), today + relativedelta(months=FUTURE_MONTHS)
    cal = Calendar()
    cal.add("prodid", "-//Qualipref//Calendrier des échéances//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Qualipref – échéances")
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    host = public_host()

    for item in calendar_items(visible(user, Deadline.objects), start, end, today=today):
        d, occ = item.deadline, item.occurrence
        description = [d.get_kind_display(), d.scope_label]
        if d.responsible_id:
            description.append(f"Responsable : {d.responsible}")
        if item.completion:
            description.append(f"Fait le {item.completion.done_on:%d/%m/%Y}")
        cal.add_component(
            _event(
                uid=f"deadline-{d.pk}-{occ.starts_on:%Y%m%d}@{host}",
                stamp=stamp,
                day=occ.starts_on,
                end=occ.ends_on,
                summary=d.title,
                description=" · ".join(description),
                url=absolute(d.get_absolute_url()),
                category=d.get_kind_display(),
            )
        )

    for r in _requests(user, start, end):
        cal.add_component(
            _event(
                uid=f"request-{r.pk}@{host}",
                stamp=stamp,
                day=r.due_on,
                summary=f"Réponse due : {r.reference} · {r.subject}",
                description=f"{r.get_kind_display()} · {r.site.name} · reçue le {r.received_on:%d/%m/%Y}",
                url=absolute(reverse("complaints:correspondence_detail", args=[r.pk])),
                category="Réclamations et demandes",
            )
        )

    actions = (
        action_reminders.my_actions(user)
        .followed()
        .filter(due_on__gte=start, due_on__lte=end)
        .select_related("entity")
        .order_by("due_on", "pk")[:MAX_ITEMS]
    )
    for a in actions:
        cal.add_component(
            _event(
                uid=f"action-{a.pk}@{host}",
                stamp=stamp,
                day=a.due_on,
                summary=f"Action : {a.title}",
                description=f"{a.entity} · {a.get_status_display()}",
                url=absolute(a.get_absolute_url()),
                category="Actions",
            )
        )

    findings = list(
        action_reminders.findings_late_queryset(user).select_related("entity", "department")[:MAX_ITEMS]
    )
    dates = _finding_dates(findings, today)
    for f in findings:
        if f.pk not in dates:
            continue
        cal.add_component(
            _event(
                uid=f"finding-{f.pk}@{host}",
                stamp=stamp,
                day=dates[f.pk],
                summary=f"Constat sans action : {f.title}",
                description=f"{f.entity or f.department} · à traiter avant le prochain audit (planifier une "
                "action)",
                url=absolute(f.get_absolute_url()),
                category="Constats",
            )
        )

    documents = (
        visible(user, Document.objects, WRITE)
        .exclude(status=Document.Status.WITHDRAWN)
        .filter(review_on__gte=start, review_on__lte=end)
        .order_by("review_on", "pk")[:MAX_ITEMS]
    )
    for d in documents:
        cal.add_component(
            _event(
                uid=f"document-review-{d.pk}-{d.review_on:%Y%m%d}@{host}",
                stamp=stamp,
                day=d.review_on,
                summary=f"Revue du document : {d}",
                description=f"{d.get_kind_display()} · {d.scope_label}",
                url=absolute(d.get_absolute_url()),
                category="Revue documentaire",
            )
        )
    return cal.to_ical()
