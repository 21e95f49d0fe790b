"""What the steering app asks the shared reminder sweep to send (see qualipref.notifications).

Each notice's level carries the date it is about ("due_soon:2026-12-01"), so that the unique
(item, level, recipient) key allows exactly one notice per occurrence and level: next month's COPIL,
the next review of a document or the next training deadline of an agent get their own notices.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.urls import reverse

from qualipref.notifications.registry import Level, NoticeSpec, due_level, level_key
from qualipref.sqlcache import SQLCache, as_date
from sites.models import Department
from sites.responsibles import Responsibles

from . import recurrence, training_rules
from .models import Agent, Deadline, Document
from .selectors import Calendar, calendar_items

DOCUMENT_REMIND_DAYS = 30
MAX_REMIND_DAYS = 90
OVERDUE_TITLE, DUE_SOON_TITLE = "Échéance dépassée", "Échéance proche"
TRAINING_TITLES = {Level.DUE_SOON: "à renouveler", Level.OVERDUE: "hors délai"}


def _recipients(obj, responsible_id, responsibles: Responsibles) -> list[int]:
    """The row's responsible person, else the referents of its narrowest scope, else the quality managers."""
    if responsible_id:
        return [responsible_id]
    site_id = getattr(obj, "site_id", None)
    found = responsibles.responsible(
        department_id=obj.department_id,
        entity_id=getattr(obj, "entity_id", None),
        site_ids=[site_id] if site_id else [],
    )
    return sorted(found)


def deadline_notices(today: dt.date):
    items = [
        i
        for i in calendar_items(Deadline.objects.all(), *window(today), today=today)
        if i.status in (recurrence.DUE_SOON, recurrence.OVERDUE)
    ]
    if not items:
        return
    responsibles = Responsibles.of_departments({i.deadline.department_id for i in items})
    for i in items:
        d, occ = i.deadline, i.occurrence
        for recipient_id in _recipients(d, d.responsible_id, responsibles):
            when = occ.starts_on.strftime("%d/%m/%Y")
            yield NoticeSpec(
                item=d,
                level=level_key(Level(i.status), on=occ.starts_on),
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
    responsibles = Responsibles.of_departments({d.department_id for d in documents})
    for d in documents:
        level = due_level(d.review_on, today, DOCUMENT_REMIND_DAYS)
        for recipient_id in _recipients(d, d.owner_id, responsibles):
            yield NoticeSpec(
                item=d,
                level=level_key(level, topic="review", on=d.review_on),
                recipient_id=recipient_id,
                department_id=d.department_id,
                title=f"{'Revue dépassée' if level == Level.OVERDUE else 'Revue à prévoir'} : {d.title}",
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
    responsibles = Responsibles.of_departments({a.site.entity.department_id for a in agents})
    for a in agents:
        # a training is due *before* its date: the day itself is already late
        level = Level.OVERDUE if a.training_due_on <= today else Level.DUE_SOON
        recipients = responsibles.responsible(
            department_id=a.site.entity.department_id, entity_id=a.site.entity_id, site_ids=[a.site_id]
        )
        for recipient_id in sorted(recipients):
            yield NoticeSpec(
                item=a,
                level=level_key(level, topic="training", on=a.training_due_on),
                recipient_id=recipient_id,
                department_id=a.site.entity.department_id,
                title=f"Formation à l'accueil {TRAINING_TITLES[level]} : {a}",
                detail=f"{a.site} · avant le {a.training_due_on:%d/%m/%Y}",
                url=reverse("steering:agent_detail", args=[a.pk]),
                due_on=a.training_due_on,
            )


def due_notices(today: dt.date):
    yield from deadline_notices(today)
    yield from document_notices(today)
    yield from training_notices(today)


# ---- the same rules for one person's inbox (the home page's « À traiter », the navigation's badges) -----


def late_trainings_queryset(user, today: dt.date):
    """Reception agents whose training deadline has come (the day itself is late), on the user's sites."""
    from sites.access import WRITE, visible

    return visible(user, Agent.objects, WRITE).filter(
        training_due_on__lte=today, reception_duties=True, left_on__isnull=True
    )


def late_documents_queryset(user, today: dt.date):
    """Documents in use whose review date has passed, among those the user may change."""
    from sites.access import WRITE, visible

    return (
        visible(user, Document.objects, WRITE)
        .exclude(status=Document.Status.WITHDRAWN)
        .filter(review_on__lt=today)
    )


def window(today: dt.date):
    """The calendar's days the reminders look at: a month back (what is still late), the longest horizon
    ahead."""
    return (
        today - dt.timedelta(days=recurrence.OVERDUE_LOOKBACK_DAYS),
        today + dt.timedelta(days=MAX_REMIND_DAYS),
    )


# The inbox's readings of agents and documents compiled once per process (qualipref.sqlcache): building
# them (the scope's filters) cost more than running them, on every home page of a referent or a quality
# manager. Their SQL depends on the user's scope (its key), the day, the horizon and the limit, all in the
# key; the queries run every time, so a training or a review recorded shows at once.
_COMPILED_DUE = SQLCache()
_AGENT_COLUMNS = ("pk", "first_name", "last_name", "training_due_on", "site__name")
_DOCUMENT_COLUMNS = (
    "pk", "reference", "title", "review_on", "site_id", "site__name", "entity_id", "entity__name",
    "department__name", "department__code",
)  # fmt: skip


def _due_querysets(user, today: dt.date, late_only: bool, limit: int):
    from sites.access import WRITE, visible

    agents_soon = today + relativedelta(months=training_rules.DUE_SOON_MONTHS)
    agents = visible(user, Agent.objects, WRITE).filter(
        training_due_on__lte=today if late_only else agents_soon, reception_duties=True, left_on__isnull=True
    )
    if late_only:
        documents = late_documents_queryset(user, today)
    else:
        documents = (
            visible(user, Document.objects, WRITE)
            .exclude(status=Document.Status.WITHDRAWN)
            .filter(review_on__lte=today + dt.timedelta(days=DOCUMENT_REMIND_DAYS))
        )
    return (
        agents.order_by("training_due_on", "pk")[:limit].values_list(*_AGENT_COLUMNS),
        documents.order_by("review_on", "pk")[:limit].values_list(*_DOCUMENT_COLUMNS),
    )


def _due_rows(user, today: dt.date, late_only: bool, limit: int) -> tuple[list[dict], list[dict]]:
    """(agents, documents) as dicts, from the compiled readings (dates as dates, whatever the database)."""
    from sites.access import scope_for

    key = (scope_for(user).key, today, late_only, limit)
    readings = _COMPILED_DUE.get_all(key, lambda: _due_querysets(user, today, late_only, limit), 2)
    return tuple(
        [dict(zip(columns, row, strict=True)) for row in reading.rows()]
        for columns, reading in zip((_AGENT_COLUMNS, _DOCUMENT_COLUMNS), readings, strict=True)
    )


def _scope_label(row: dict) -> str:
    """What a scoped object's `scope_label` says (its site, else its entity, else its département)."""
    if row["site_id"]:
        return row["site__name"]
    if row["entity_id"]:
        return row["entity__name"]
    return Department.label(row["department__name"], row["department__code"])


def due_items(
    user,
    today: dt.date,
    *,
    late_only: bool = False,
    limit: int | None = None,
    calendar: Calendar | None = None,
):
    """Trainings to renew, documents to review and calendar deadlines of the user's scope, late or within
    the reminders' horizons (`late_only`: late), as inbox rows. Four queries, two when the page's
    `calendar` (`selectors.Calendar`, covering `window`) is given."""
    from qualipref import inbox
    from sites.access import WRITE

    limit = limit or inbox.LIST_LIMIT
    items = []
    agents, documents = _due_rows(user, today, late_only, limit)
    for a in agents:
        due_on = as_date(a["training_due_on"])
        items.append(
            inbox.DueItem(
                kind="training",
                kind_label="Formation à l'accueil",
                title=f"{a['first_name']} {a['last_name']}",
                url=reverse("steering:agent_detail", args=[a["pk"]]),
                # a training is due *before* its date: the day itself is already late
                level=inbox.LATE if due_on <= today else inbox.SOON,
                due_on=due_on,
                action_url=reverse("steering:training_add", args=[a["pk"]]),
                action_label="Enregistrer une formation",
                group=a["site__name"],
            )
        )
    for d in documents:
        review_on = as_date(d["review_on"])
        level = due_level(review_on, today, DOCUMENT_REMIND_DAYS)
        url = reverse("steering:document_detail", args=[d["pk"]])
        items.append(
            inbox.DueItem(
                kind="document",
                kind_label="Revue de document",
                title=f"{d['reference']} – {d['title']}" if d["reference"] else d["title"],
                url=url,
                level=inbox.LATE if level == Level.OVERDUE else inbox.SOON,
                due_on=review_on,
                action_url=f"{url}#review-title",
                action_label="Marquer la revue comme faite",
                group=_scope_label(d),
            )
        )
    calendar = calendar or Calendar(user, today, window(today))
    calendar = [
        i
        for i in calendar.within(window(today), perm=WRITE)
        if i.status == recurrence.OVERDUE or (i.status == recurrence.DUE_SOON and not late_only)
    ]
    for i in calendar[:limit]:
        d = i.deadline
        url = reverse("steering:deadline_detail", args=[d.pk])
        items.append(
            inbox.DueItem(
                kind="deadline",
                kind_label=d.get_kind_display(),
                title=d.title,
                url=url,
                level=inbox.LATE if i.status == recurrence.OVERDUE else inbox.SOON,
                due_on=i.occurrence.starts_on,
                action_url=f"{url}#occurrences",
                action_label="Marquer comme fait",
                group=d.scope_label,
            )
        )
    return items
