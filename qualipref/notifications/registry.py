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
