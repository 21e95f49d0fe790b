"""Apps say which of their items are due, for whom and at which level; this module does the rest.

An app registers a provider in its AppConfig.ready():

    from qualipref.notifications.registry import register
    register("complaints", complaints.reminders.due_notices)

A provider is `f(today: date) -> Iterable[NoticeSpec]`. It should select only what is due (by an
indexed date filter), so the sweep costs what is due, not what is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models


class Level(models.TextChoices):
    """The one set of reminder levels every provider uses (a notice is sent once per item, level and
    recipient: `level_key` adds a topic and the date of a recurring item)."""

    DUE_SOON = "due_soon", "Échéance proche"
    OVERDUE = "overdue", "En retard"
    ESCALATION_REFERENT = "escalation_referent", "Signalé aux référents qualité"
    ESCALATION_MANAGER = "escalation_manager", "Signalé aux chargés de mission qualité"
    PERIOD_OVER = "period_over", "Période terminée"


def due_level(due_on: dt.date, today: dt.date, soon_days: int) -> Level | None:
    """OVERDUE once the due date has passed, DUE_SOON within `soon_days` before it, None before that."""
    return level_for_days_left((due_on - today).days, soon_days)


def level_for_days_left(days_left: int, soon_days: int) -> Level | None:
    """The same levels from the days left, counted by the item's own rule (calendar or working days)."""
    if days_left < 0:
        return Level.OVERDUE
    return Level.DUE_SOON if days_left <= soon_days else None


def level_key(level: Level, *, topic: str = "", on: dt.date | None = None) -> str:
    """The stored level: `review_due_soon:2026-12-01` for the review of a document due that day."""
    key = f"{topic}_{level.value}" if topic else level.value
    return f"{key}:{on.isoformat()}" if on else key


@dataclass(frozen=True)
class NoticeSpec:
    item: models.Model
    level: str
    recipient_id: int
    department_id: int
    title: str
    detail: str = ""
    url: str = ""
    due_on: dt.date | None = None


Provider = Callable[[dt.date], Iterable[NoticeSpec]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def providers() -> dict[str, Provider]:
    return dict(_providers)
