"""What a person has to do, as plain rows every app gives in the same shape (`DueItem`), so the home
page's « À traiter » and the navigation's badges list requests, actions, findings, trainings, documents
and calendar deadlines side by side. Each app decides which of its rows are due or late, for whom (the
rule of its reminders, in `<app>/reminders.py`: `due_items(user, today)`); this module only holds the
shape and the small helpers that sort and group them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .humandates import due_phrase

LATE, SOON, OPEN, TODO = "late", "soon", "open", "todo"
LEVEL_BADGES = {LATE: "danger", SOON: "warning", OPEN: "secondary", TODO: "info"}
LEVEL_WORDS = {LATE: "En retard", SOON: "Échéance proche", OPEN: "À traiter", TODO: "À traiter"}
# The most rows of one kind a page lists (a link leads to the register for the rest): the inbox stays
# one screen and its queries read a bounded number of rows.
LIST_LIMIT = 10


@dataclass(frozen=True)
class DueItem:
    kind: str  # "request", "action", "finding", "training", "document", "deadline", "meeting"
    kind_label: str  # « Réclamation », « Action »…
    title: str
    url: str  # the item's page
    level: str  # LATE, SOON, OPEN (no deadline near), TODO (no deadline: a finding without action)
    due_on: dt.date | None = None
    action_url: str = ""  # one click to the action on it: answer, close with proof, plan an action
    action_label: str = ""
    group: str = ""  # where it is (site, entity or département): the quality manager's grouping
    detail: str = ""

    @property
    def badge(self) -> str:
        return LEVEL_BADGES[self.level]

    @property
    def level_label(self) -> str:
        return LEVEL_WORDS[self.level]

    def when(self, today: dt.date) -> str:
        return due_phrase(self.due_on, today) if self.due_on else ""

    @property
    def sort_key(self):
        return (self.due_on or dt.date.max, self.title)


def level_of(due_on: dt.date, today: dt.date, soon_until: dt.date | None) -> str:
    """LATE once the due date has passed, SOON up to `soon_until`, OPEN after it (the reminders' levels:
    `qualipref.notifications.registry.due_level`, with the app's own horizon)."""
    if due_on < today:
        return LATE
    if soon_until is not None and due_on <= soon_until:
        return SOON
    return OPEN


def by_date(items: Iterable[DueItem]) -> list[DueItem]:
    return sorted(items, key=lambda i: i.sort_key)


def grouped(items: Iterable[DueItem]) -> list[tuple[str, list[DueItem]]]:
    """[(group, items by date)], groups by name: the quality manager's late items per site."""
    groups: dict[str, list[DueItem]] = {}
    for item in items:
        groups.setdefault(item.group or "Département", []).append(item)
    return [(name, by_date(rows)) for name, rows in sorted(groups.items())]
