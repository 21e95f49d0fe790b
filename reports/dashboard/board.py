"""The steering committee's dashboard as plain data: the indicators' grid (`indicators.grid`) over the whole
12-month window, turned into the committee's month (`committee`), with the other apps' figures of what
needs a decision. Built once, shown by the page and by the pack."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from audits.figures import upcoming_audits
from indicators import rules
from indicators.grid import WINDOW_MONTHS, Block, Dashboard, default_month
from indicators.grid import build as grid_build
from indicators.selectors import sites_for_user
from steering.figures import meeting_dates

from . import committee, panels

COSTLY_MONTHS = 3

__all__ = ["WINDOW_MONTHS", "Block", "Dashboard", "build", "committee_month", "default_month"]


def build(user, **options) -> Dashboard:
    """The grid of the user's sites: `indicators.grid.build`'s options, with the calendar's deadlines."""
    return grid_build(user, deadline_sources=[panels.calendar_deadlines], **options)


def _register_figure(figures: panels.Figures, sites, url: str) -> dict:
    return {
        "total": figures.total or 0,
        "sites": [(s, figures.sites.get(s.pk) or 0) for s in sites if figures.sites.get(s.pk)],
        "entity_wide": sum(figures.entity_wide.values()) if figures.entity_wide else 0,
        "url": url,
    }


def committee_month(
    user,
    *,
    month: dt.date | None = None,
    entity_id: int | None = None,
    department_id: int | None = None,
    sites: list | None = None,
    today: dt.date | None = None,
    full_window: bool = False,
) -> committee.CommitteeMonth:
    """The committee's month of the user's sites (one entity with `entity_id`): the grid with its
    sparklines, what needs a decision and what changed since the last steering committee. A constant
    number of queries whatever the number of sites, indicators and records."""
    today = today or timezone.localdate()
    month = (month or default_month(today)).replace(day=1)
    if sites is None:
        sites = sites_for_user(user)
    # The last steering committee held in the window before the month shown: what changed since.
    window_start = rules.month_window(month, WINDOW_MONTHS)[0]
    in_scope = [s for s in sites if not department_id or s.entity.department_id == department_id]
    scope_ids = [s.pk for s in in_scope if s.entity_id == entity_id] or [s.pk for s in in_scope]
    held = (
        meeting_dates(scope_ids, window_start, month - dt.timedelta(days=1), kind="steering")
        if scope_ids
        else []
    )
    last_meeting = held[-1] if held else None
    reference = last_meeting.replace(day=1) if last_meeting else rules.add_months(month, -1)
    board = build(
        user,
        month=month,
        entity_id=entity_id,
        department_id=department_id,
        sites=sites,
        full_window=full_window,
        # A figure read at one date per month (a stock) costs queries per month: the page asks for the
        # months it compares (from the last committee's, and at least the last three); the pack, all twelve.
        costly_from=min(reference, rules.add_months(month, -(COSTLY_MONTHS - 1))),
        today=today,
    )
    site_ids = [s.pk for s in board.sites]
    result = committee.build(board, last_meeting=last_meeting)
    if not site_ids:
        return result
    entity_of = {s.pk: s.entity_id for s in board.sites}
    entity_query = {"entity": board.entity_id} if board.entity_id else {}
    result.overdue_actions = _register_figure(
        panels.overdue_actions(site_ids, today, entity_of=entity_of),
        board.sites,
        f"{reverse('actionplans:action_list')}?{urlencode({'overdue': 'on', **entity_query})}",
    )
    result.late_requests = _register_figure(
        panels.overdue_complaints(site_ids, today, entity_of=entity_of),
        board.sites,
        f"{reverse('complaints:correspondence_list')}?{urlencode({'deadline': 'overdue'})}",
    )
    result.upcoming_until = today + dt.timedelta(days=committee.UPCOMING_AUDIT_DAYS)
    result.upcoming_audits = [
        {**audit, "url": reverse("audits:audit_detail", args=[audit["pk"]])}
        for audit in upcoming_audits(site_ids=site_ids, start=today, end=result.upcoming_until)
    ]
    return result
