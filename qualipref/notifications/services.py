"""The reminder sweep: collect due notices (once per item, level and recipient), then send one digest
per person. Safe to run twice, or twice at the same time: nothing is sent twice."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from qualipref import french
from qualipref.links import public_url

from .models import Notice
from .registry import NoticeSpec, providers

logger = logging.getLogger(__name__)


def notices_record(specs: list[NoticeSpec]) -> int:
    """Insert the notices not recorded yet (the unique constraint drops the others).

    Returns how many were inserted: a notice already recorded is neither inserted nor counted.
    """
    if not specs:
        return 0
    content_types = ContentType.objects.get_for_models(*{type(s.item) for s in specs})
    rows = [
        Notice(
            content_type=content_types[type(s.item)],
            object_id=s.item.pk,
            level=s.level,
            recipient_id=s.recipient_id,
            department_id=s.department_id,
            title=s.title[:255],
            detail=s.detail[:255],
            url=s.url[:255],
            due_on=s.due_on,
        )
        for s in specs
    ]
    # Report what is inserted, not what was offered: the notices already recorded (a second run the same
    # day) are left out before inserting; the unique constraint still drops those of a simultaneous run.
    existing = set()
    for content_type in {r.content_type for r in rows}:
        object_ids = {r.object_id for r in rows if r.content_type == content_type}
        existing |= {
            (content_type.pk, *key)
            for key in Notice.objects.filter(content_type=content_type, object_id__in=object_ids).values_list(
                "object_id", "level", "recipient_id"
            )
        }
    new = [r for r in rows if (r.content_type.pk, r.object_id, r.level, r.recipient_id) not in existing]
    Notice.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new)


def notices_collect(*, today: dt.date | None = None, only: str | None = None) -> int:
    today = today or timezone.localdate()
    created = 0
    for name, provider in providers().items():
        if only and name != only:
            continue
        created += notices_record(list(provider(today)))
    return created


def _claim(recipient_id: int) -> tuple[str, list[Notice]]:
    token = str(uuid.uuid4())
    # Conditional UPDATE: only rows nobody has claimed; a concurrent digest claims nothing of them.
    Notice.objects.filter(recipient_id=recipient_id, sent_at__isnull=True, claimed_at__isnull=True).update(
        claimed_at=timezone.now(), claim_token=token
    )
    return token, list(Notice.objects.filter(claim_token=token).order_by("due_on", "title"))


def digests_send() -> int:
    """Send one e-mail per recipient listing their unsent notices; returns the number of e-mails sent."""
    from sites.models import User

    recipient_ids = (
        Notice.objects.filter(sent_at__isnull=True, claimed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=list(recipient_ids))}
    sent = 0
    for recipient_id, user in users.items():
        with transaction.atomic():
            token, notices = _claim(recipient_id)
        if not notices:
            continue
        by_level = defaultdict(list)
        for notice in notices:
            by_level[notice.level].append(notice)
        body = render_to_string(
            "notifications/digest.txt",
            {"user": user, "notices": notices, "by_level": dict(by_level), "base_url": public_url()},
        )
        if user.email:
            send_mail(
                f"Qualipref : {len(notices)} {french.plural(len(notices), 'échéance', 'échéances')} à suivre",
                body,
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
            sent += 1
        else:
            logger.warning("No e-mail address for %s: %d notices recorded, not e-mailed", user, len(notices))
        Notice.objects.filter(claim_token=token).update(sent_at=timezone.now())
    return sent


def reminders_run(*, today: dt.date | None = None) -> dict[str, int]:
    created = notices_collect(today=today)
    return {"notices": created, "emails": digests_send()}


def notices_for(obj) -> list[Notice]:
    """The notices recorded about one item, for its detail page's timeline."""
    return list(
        Notice.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .select_related("recipient")
        .order_by("created_at")
    )
