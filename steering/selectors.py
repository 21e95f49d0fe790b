"""Reads of the steering app: every one filtered by what the user may see. The figures other apps read
live in `steering/figures.py`."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from sites.access import READ, scope_for, visible
from sites.models import Site

from . import recurrence, training_rules
from .models import (
    Agent,
    Committee,
    Deadline,
    DeadlineCompletion,
    Document,
    DocumentVersion,
    Meeting,
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
        for occ in recurrence.occurrences(**deadline.occurrence_rule, window_start=start, window_end=end):
            completion = done.get(occ.starts_on)
            status = recurrence.occurrence_status(
                occ, today=today, remind_days=deadline.remind_days, done=completion is not None
            )
            items.append(CalendarItem(deadline, occ, status, completion))
    items.sort(key=lambda i: (i.occurrence.starts_on, i.deadline.title))
    return items


Window = tuple[dt.date, dt.date]


class Calendar:
    """The occurrences of the deadlines a user may read over the union of some windows, read once (two
    queries) for the panels of one page that each look at a part of it: the home page's late deadlines
    (`reminders.window`), missed committees (`missed_window`) and next deadlines of the label cycle
    (`cycle_window`). `within` gives exactly what `calendar_items` would over a window the reading covers."""

    def __init__(self, user, today: dt.date, *windows: Window):
        self.user, self.today = user, today
        self.start = min(start for start, _ in windows)
        self.end = max(end for _, end in windows)

    @cached_property
    def items(self) -> list[CalendarItem]:
        return calendar_items(visible(self.user, Deadline.objects), self.start, self.end, today=self.today)

    def within(self, window: Window, *, kinds=None, perm: str = READ) -> list[CalendarItem]:
        """The occurrences meeting `window` (a window given when the reading was made), of the deadlines
        of `kinds` on which the user holds `perm`, in date order."""
        start, end = window
        if end < start:
            return []
        if start < self.start or end > self.end:
            raise ValueError(f"Calendar read over {self.start}..{self.end}, asked {start}..{end}.")
        scope = scope_for(self.user)
        return [
            i
            for i in self.items
            if i.occurrence.starts_on <= end
            and i.occurrence.ends_on >= start
            and (kinds is None or i.deadline.kind in kinds)
            and (perm == READ or scope.allows(i.deadline, perm))
        ]


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
    years: int  # the training's validity applied (the referential's parameter)
    reception_agents: int = 0
    in_order: int = 0
    due_soon: list = field(default_factory=list)
    overdue: list = field(default_factory=list)

    @property
    def rate(self):
        return training_rules.Compliance(self.reception_agents, self.in_order).rate


def _agents_between(site_ids, first: dt.date, last: dt.date):
    """Reception agents present on some day of [first, last] (taken the post by `last`, not left before
    `first`), with their reception trainings followed by `last`."""
    return (
        Agent.objects.filter(site_id__in=site_ids, reception_duties=True)
        .filter(Q(took_post_on__isnull=True) | Q(took_post_on__lte=last))
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=first))
        .select_related("site")
        .prefetch_related(
            Prefetch(
                "trainings",
                queryset=Training.objects.filter(topic=Training.Topic.RECEPTION, trained_on__lte=last),
                to_attr="reception_trainings",
            )
        )
    )


def compliance_by_site(
    site_ids: Iterable[int], on: dt.date, *, years: int | None = None
) -> list[SiteCompliance]:
    """Per site, reception agents in order with the training rule on `on` (3 queries + the parameter)."""
    return compliance_by_site_on(site_ids, [on], years=years)[on]


def compliance_by_site_on(
    site_ids: Iterable[int], dates: Iterable[dt.date], *, years: int | None = None
) -> dict[dt.date, list[SiteCompliance]]:
    """`compliance_by_site` on each of `dates` (the month ends of a dashboard), in the same queries as for
    one date: the agents present on one of them and their trainings are read once, each date keeps the
    agents present that day and the trainings followed by then. An agent listed as due soon or overdue
    carries that day's `deadline`."""
    site_ids, dates = list(site_ids), sorted(set(dates))
    sites = list(Site.objects.filter(pk__in=site_ids).select_related("entity__department")) if dates else []
    if not sites:
        return {on: [] for on in dates}
    years = years or training_validity_years(sites[0].entity.department)
    agents = list(_agents_between(site_ids, dates[0], dates[-1]))
    result = {}
    for on in dates:
        rows = {s.pk: SiteCompliance(s, years) for s in sites}
        for agent in agents:
            if (agent.took_post_on and agent.took_post_on > on) or (agent.left_on and agent.left_on <= on):
                continue  # not in post that day
            deadline = training_rules.training_deadline(
                took_post_on=agent.took_post_on,
                reception_trainings=[t.trained_on for t in agent.reception_trainings if t.trained_on <= on],
                years=years,
                on=on,
            )
            row = rows[agent.site_id]
            row.reception_agents += 1
            status = training_rules.agent_status(deadline, on)
            if status != training_rules.OVERDUE:
                row.in_order += 1
            if status in (training_rules.DUE_SOON, training_rules.OVERDUE):
                listed = copy.copy(agent)  # the same agent may be listed on other dates with another deadline
                listed.deadline = deadline
                (row.due_soon if status == training_rules.DUE_SOON else row.overdue).append(listed)
        result[on] = [rows[s.pk] for s in sites]
    return result


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


def _departments_of(site_ids):
    """The départements of these sites, as a subquery for `department_id__in` (no query of its own)."""
    return Site.objects.filter(pk__in=sorted(set(site_ids))).values("entity__department_id")


# ---- committees that did not meet ---------------------------------------------------------------------

MISSED_LOOKBACK_MONTHS = 12
COMMITTEE_OF_DEADLINE = {
    Deadline.Kind.COPIL: Committee.Kind.STEERING,
    Deadline.Kind.USERS_COMMITTEE: Committee.Kind.USERS,
}
MONTH_NAMES = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


@dataclass(frozen=True)
class MissedMeeting:
    """A month where the calendar expected a meeting of a committee and none is recorded."""

    deadline: Deadline
    expected_on: dt.date

    @property
    def committee_label(self) -> str:
        return Committee.Kind(COMMITTEE_OF_DEADLINE[self.deadline.kind]).label

    @property
    def month_label(self) -> str:
        return f"{MONTH_NAMES[self.expected_on.month - 1]} {self.expected_on.year}"

    @property
    def text(self) -> str:
        return (
            f"{self.committee_label} : aucune réunion enregistrée en {self.month_label} "
            f"(prévue le {self.expected_on.day if self.expected_on.day > 1 else '1er'} "
            f"{MONTH_NAMES[self.expected_on.month - 1]})"
        )


def missed_window(today: dt.date, months: int = MISSED_LOOKBACK_MONTHS) -> Window:
    """The days `missed_meetings` looks at: the last `months` months, up to yesterday."""
    return today - relativedelta(months=months), today - dt.timedelta(days=1)


def missed_meetings(
    user,
    *,
    today: dt.date | None = None,
    months: int = MISSED_LOOKBACK_MONTHS,
    calendar: Calendar | None = None,
):
    """The steering committee's or the users' committee's expected meetings (their deadlines in the
    calendar: « COPIL mensuel », « Comité local des usagers » yearly) whose date has passed, that nobody
    marked done and in whose month no meeting of such a committee of the département is recorded, over the
    last `months` months, latest first. Three queries, one when the page's `calendar` is given."""
    today = today or timezone.localdate()
    window = missed_window(today, months)
    calendar = calendar or Calendar(user, today, window)
    expected = [
        i
        for i in calendar.within(window, kinds=COMMITTEE_OF_DEADLINE)
        if i.completion is None and i.occurrence.starts_on < today
    ]
    if not expected:
        return []
    start = window[0]
    held = set(
        visible(user, Meeting.objects)
        .filter(committee__kind__in=list(COMMITTEE_OF_DEADLINE.values()), held_on__gte=start.replace(day=1))
        .values_list("department_id", "committee__kind", "held_on__year", "held_on__month")
    )
    missed = [
        MissedMeeting(i.deadline, i.occurrence.starts_on)
        for i in expected
        if (
            i.deadline.department_id,
            COMMITTEE_OF_DEADLINE[i.deadline.kind],
            i.occurrence.starts_on.year,
            i.occurrence.starts_on.month,
        )
        not in held
    ]
    return sorted(missed, key=lambda m: m.expected_on, reverse=True)


# The deadlines of the label cycle shown to the quality manager (audits, self-assessments, surveys,
# committees), in the coming months.
CYCLE_KINDS = (
    Deadline.Kind.RENEWAL_AUDIT,
    Deadline.Kind.SELF_ASSESSMENT,
    Deadline.Kind.SURVEY,
    Deadline.Kind.USERS_COMMITTEE,
    Deadline.Kind.COPIL,
)


CYCLE_DAYS = 120


def cycle_window(today: dt.date, days: int = CYCLE_DAYS) -> Window:
    return today, today + dt.timedelta(days=days)


def upcoming_cycle_deadlines(
    user,
    *,
    today: dt.date | None = None,
    days: int = CYCLE_DAYS,
    limit: int = 6,
    calendar: Calendar | None = None,
):
    """The next occurrences of the label cycle's deadlines the user may read, not done. Two queries, none
    when the page's `calendar` is given."""
    today = today or timezone.localdate()
    window = cycle_window(today, days)
    calendar = calendar or Calendar(user, today, window)
    upcoming, seen = [], set()
    for i in calendar.within(window, kinds=CYCLE_KINDS):  # the next occurrence of each deadline
        if i.completion is None and i.occurrence.ends_on >= today and i.deadline.pk not in seen:
            seen.add(i.deadline.pk)
            upcoming.append(i)
    return upcoming[:limit]
