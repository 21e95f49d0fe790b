"""« À traiter »: what each person has to do, for the home page and the navigation's badges.

Composes the apps' own rules (each app's `reminders.py` says which of its rows are due or late and
whose they are, the rule its reminders already use): requests, actions, findings without action,
trainings, document reviews, calendar deadlines, committees that did not meet. It lives here, above the
apps it reads.

Who sees what (the highest role of the user's memberships decides):
- an agent: the requests assigned to them, to answer, by due date;
- a site referent: their sites' late and soon-due items of every kind;
- the quality manager (and the département's administrator): the département's late items grouped by
  site, the committees that did not meet and the next deadlines of the label cycle;
- a committee member: the month at a glance (a few figures and the way to the committee's dashboard).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import F, Func, IntegerField, Subquery
from django.urls import reverse
from django.utils.translation import ngettext

from actionplans import reminders as action_reminders
from actionplans.models import Action
from actionplans.selectors import findings_without_action_queryset
from complaints import reminders as request_reminders
from complaints.models import Correspondence
from complaints.selectors import overdue_q
from qualipref import inbox
from qualipref.sqlcache import SQLCache
from sites.access import MANAGE, READ, REQUESTS, WRITE, scope_for, visible
from sites.models import Role
from steering import reminders as steering_reminders
from steering import selectors as steering_selectors

AGENT, REFERENT, MANAGER, COMMITTEE, READER = "agent", "referent", "manager", "committee", "reader"

# The register each badge counts for (a menu entry shows its count).
BADGE_URLS = {
    "requests": "complaints:correspondence_list",
    "actions": "actionplans:action_list",
    "findings": "audits:audit_list",
    "documents": "steering:document_list",
    "trainings": "steering:training_list",
}
BADGE_WORDS = {  # (singular, plural)
    "requests": ("demande en retard", "demandes en retard"),
    "actions": ("action en retard", "actions en retard"),
    "findings": ("constat sans action", "constats sans action"),
    "documents": ("revue de document dépassée", "revues de documents dépassées"),
    "trainings": ("formation hors délai", "formations hors délai"),
}


def persona_of(user) -> str:
    scope = scope_for(user)
    if scope.ids("department", MANAGE):
        return MANAGER
    if scope.can(WRITE):
        return REFERENT
    if scope.can(REQUESTS):
        return AGENT
    if Role.COMMITTEE in scope.roles:
        return COMMITTEE
    return READER


def _count(queryset) -> Subquery:
    """COUNT(*) of a queryset as a scalar subquery (no GROUP BY: one row)."""
    return Subquery(
        queryset.order_by()
        .values(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("n")[:1],
        output_field=IntegerField(),
    )


def _late_querysets(user, today: dt.date, persona: str) -> dict:
    """The querysets whose counts are the badges: each app's rule of « late » for this user."""
    if persona == AGENT:
        return {"requests": request_reminders.late_queryset(user, today, mine=True)}
    if persona in (REFERENT, MANAGER):
        return {
            "requests": request_reminders.late_queryset(user, today),
            "actions": action_reminders.late_queryset(user, today),
            "findings": action_reminders.findings_late_queryset(user),
            "documents": steering_reminders.late_documents_queryset(user, today),
            "trainings": steering_reminders.late_trainings_queryset(user, today),
        }
    if persona == COMMITTEE:  # figures of the whole scope, for the month at a glance
        return {
            "requests": visible(user, Correspondence.objects).filter(overdue_q(today)),
            "actions": visible(user, Action.objects).overdue(today),
            "findings": findings_without_action_queryset(user, READ),
        }
    return {}


def _counts_queryset(querysets: dict, user):
    """Every count in one query (scalar subqueries over the user's row): `n_<kind>` columns."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .order_by()
        .annotate(**{f"n_{k}": _count(q) for k, q in querysets.items()})
        .values(*[f"n_{k}" for k in querysets])[:1]
    )


def counts(querysets: dict, user) -> dict[str, int]:
    """Every count in one query."""
    if not querysets:
        return {}
    row = next(iter(_counts_queryset(querysets, user)), {})
    return {k: row.get(f"n_{k}") or 0 for k in querysets}


@dataclass
class Badges:
    """The navigation's badges: {kind: n} of the user's late items, their URLs, the total."""

    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @cached_property
    def by_url(self) -> dict[str, int]:
        """Read by every menu entry (16 on a page): the URLs are reversed once per request."""
        out = {}
        for kind, n in self.by_kind.items():
            if n:
                out[reverse(BADGE_URLS[kind])] = n
        return out

    @property
    def title(self) -> str:
        return ", ".join(f"{n} {ngettext(*BADGE_WORDS[k], n)}" for k, n in self.by_kind.items() if n)


# The badges' SQL, compiled once per (user, day, persona, scope) in each process (qualipref.sqlcache): the
# menu reads the badges on every page, and building and compiling the five apps' querysets cost more than
# running their one query. Only the SQL is kept, never a count: the query runs on every page, so a write
# shows at once. What the SQL depends on is the whole key (the rules are code; the user's id, the day and
# the scope's ids are its only parameters), so a user whose memberships change gets a new key.
_COMPILED_BADGES = SQLCache()


def _badges_queryset(user, today: dt.date, persona: str):
    """The badges' one query, with the kinds its columns count in order."""
    querysets = _late_querysets(user, today, persona)
    return _counts_queryset(querysets, user), list(querysets)


def badges_for(user, today: dt.date) -> Badges:
    """One query; nothing for a committee member, an auditor or a user without role (no late item)."""
    persona = persona_of(user)
    if persona in (COMMITTEE, READER) or not user.is_authenticated:
        return Badges()
    compiled = _COMPILED_BADGES.get(
        (user.pk, today, persona, scope_for(user).key), lambda: _badges_queryset(user, today, persona)
    )
    kinds = compiled.extra
    row = next(iter(compiled.rows()), None) or (0,) * len(kinds)
    return Badges({kind: n or 0 for kind, n in zip(kinds, row, strict=True)})


@dataclass
class Inbox:
    persona: str
    today: dt.date
    badges: Badges
    items: list = field(default_factory=list)  # DueItem, by date (agent, referent)
    groups: list = field(default_factory=list)  # [(site, items)] (manager)
    missed_meetings: list = field(default_factory=list)
    cycle: list = field(default_factory=list)  # steering CalendarItem of the label cycle
    figures: dict = field(default_factory=dict)  # committee: the month at a glance

    @property
    def late(self) -> list:
        return [i for i in self.items if i.level == inbox.LATE]

    @property
    def count(self) -> int:
        return len(self.items) + sum(len(rows) for _, rows in self.groups)


def inbox_for(user, today: dt.date, *, badges: Badges | None = None) -> Inbox:
    persona = persona_of(user)
    badges = badges if badges is not None else badges_for(user, today)
    box = Inbox(persona, today, badges)
    if persona == AGENT:
        box.items = inbox.by_date(request_reminders.due_items(user, today, mine=True))
    elif persona == REFERENT:
        calendar = steering_selectors.Calendar(user, today, steering_reminders.window(today))
        box.items = inbox.by_date(
            [
                *request_reminders.due_items(user, today),
                *action_reminders.due_items(user, today),
                *steering_reminders.due_items(user, today, calendar=calendar),
            ]
        )
    elif persona == MANAGER:
        # one reading of the calendar for the late deadlines, the missed committees and the cycle
        calendar = steering_selectors.Calendar(
            user,
            today,
            steering_reminders.window(today),
            steering_selectors.missed_window(today),
            steering_selectors.cycle_window(today),
        )
        late = [
            *request_reminders.due_items(user, today, late_only=True),
            *action_reminders.due_items(user, today, late_only=True),
            *steering_reminders.due_items(user, today, late_only=True, calendar=calendar),
        ]
        box.groups = inbox.grouped(late)
        box.missed_meetings = steering_selectors.missed_meetings(user, today=today, calendar=calendar)
        box.cycle = steering_selectors.upcoming_cycle_deadlines(user, today=today, calendar=calendar)
    elif persona == COMMITTEE:
        calendar = steering_selectors.Calendar(
            user, today, steering_selectors.missed_window(today), steering_selectors.cycle_window(today)
        )
        box.figures = counts(_late_querysets(user, today, COMMITTEE), user)
        box.missed_meetings = steering_selectors.missed_meetings(user, today=today, calendar=calendar)
        box.cycle = steering_selectors.upcoming_cycle_deadlines(user, today=today, limit=3, calendar=calendar)
    return box
