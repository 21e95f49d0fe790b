"""What the steering app asks the shared reminder sweep to send (see qualipref.notifications).

Each notice's level carries the date it is about ("due_soon:2026-12-01"), so that the unique
(item, level, recipient) key allows exactly one notice per occurrence and level: next month's COPIL,
the next review of a document or the next training deadline of an agent get their own notices.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.urls import reverse

from qualipref.notifications.registry import NoticeSpec

from . import recurrence, training_rules
from .models import Agent, Deadline, Document
from .selectors import calendar_items, recipients_index

DOCUMENT_REMIND_DAYS = 30
MAX_REMIND_DAYS = 90
OVERDUE_TITLE, DUE_SOON_TITLE = "Échéance dépassée", "Échéance proche"


def _recipients(obj, responsible_id, managers, referents, entity_referents):
    if responsible_id:
        return [responsible_id]
    site_id, entity_id = getattr(obj, "site_id", None), getattr(obj, "entity_id", None)
    if site_id and referents.get(site_id):
        return referents[site_id]
    if entity_id and entity_referents.get(entity_id):
        return entity_referents[entity_id]
    return managers.get(obj.department_id, [])


def deadline_notices(today: dt.date):
    start = today - dt.timedelta(days=recurrence.OVERDUE_LOOKBACK_DAYS)
    items = [
        i
        for i in calendar_items(
            Deadline.objects.all(), start, today + dt.timedelta(days=MAX_REMIND_DAYS), today=today
        )
        if i.status in (recurrence.DUE_SOON, recurrence.OVERDUE)
    ]
    if not items:
        return
    index = recipients_index({i.deadline.department_id for i in items})
    for i in items:
        d, occ = i.deadline, i.occurrence
        for recipient_id in _recipients(d, d.responsible_id, *index):
            when = occ.starts_on.strftime("%d/%m/%Y")
            yield NoticeSpec(
                item=d,
                level=f"{i.status}:{occ.starts_on.isoformat()}",
                recipient_id=recipient_id,
                department_id=d.department_id,
                title=f"{OVERDUE_TITLE if i.status == recurrence.OVERDUE else DUE_SOON_TITLE} : {d.title}",
                detail=f"{d.get_kind_display()} du {when} · {d.scope_label}",
                url=reverse("steering:deadline_detail", args=[d.pk]),
                due_on=occ.starts_on,
            )


def document_notices(today: dt.date):
    documents = list(
        Document.objects.exclude(status=Document.Status.WITHDRAWN)
        .filter(review_on__lte=today + dt.timedelta(days=DOCUMENT_REMIND_DAYS))
        .select_related("department")
    )
    if not documents:
        return
    index = recipients_index({d.department_id for d in documents})
    for d in documents:
        level = "overdue" if d.review_on < today else "due_soon"
        for recipient_id in _recipients(d, d.owner_id, *index):
            yield NoticeSpec(
                item=d,
                level=f"review_{level}:{d.review_on.isoformat()}",
                recipient_id=recipient_id,
                department_id=d.department_id,
                title=f"{'Revue dépassée' if level == 'overdue' else 'Revue à prévoir'} : {d.title}",
                detail=f"Revue prévue le {d.review_on:%d/%m/%Y}",
                url=reverse("steering:document_detail", args=[d.pk]),
                due_on=d.review_on,
            )


def training_notices(today: dt.date):
    """To the site's referents (the quality manager when the site has none)."""
    agents = list(
        Agent.objects.filter(
            training_due_on__lte=today + relativedelta(months=training_rules.DUE_SOON_MONTHS),
            reception_duties=True,
            left_on__isnull=True,
        ).select_related("site__entity")
    )
    if not agents:
        return
    managers, referents, _ = recipients_index({a.site.entity.department_id for a in agents})
    for a in agents:
        level = "overdue" if a.training_due_on <= today else "due_soon"
        for recipient_id in referents.get(a.site_id) or managers.get(a.site.entity.department_id, []):
            yield NoticeSpec(
                item=a,
                level=f"training_{level}:{a.training_due_on.isoformat()}",
                recipient_id=recipient_id,
                department_id=a.site.entity.department_id,
                title=f"Formation à l'accueil {'à renouveler' if level == 'due_soon' else 'hors délai'} : "
                f"{a}",
                detail=f"{a.site} · avant le {a.training_due_on:%d/%m/%Y}",
                url=reverse("steering:agent_detail", args=[a.pk]),
                due_on=a.training_due_on,
            )


def due_notices(today: dt.date):
    yield from deadline_notices(today)
    yield from document_notices(today)
    yield from training_notices(today)
