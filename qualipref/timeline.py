"""An object's timeline: its history (who changed what, when) and the reminders sent about it."""

from dataclasses import dataclass
from datetime import datetime

from qualipref.notifications.services import notices_for


@dataclass
class Event:
    when: datetime
    who: str
    what: str
    detail: str = ""
    kind: str = "change"  # change | notice | custom


def history_of(obj) -> list:
    """The object's history records with who made them, oldest first (one query)."""
    return list(obj.history.select_related("history_user").order_by("history_date", "history_id"))


def timeline_for(
    obj, *, extra: list[Event] | None = None, labels: dict[str, str] | None = None, records=None
) -> list[Event]:
    """History records (one query, none when the caller passes the `history_of` it already read), notices
    (one query) and any `extra` events, oldest first."""
    records = history_of(obj) if records is None else records
    fields = {f.attname: f for f in obj._meta.concrete_fields}
    labels = labels or {}
    events = []
    previous = None
    for record in records:
        who = str(record.history_user) if record.history_user else "système"
        if record.history_type == "+":
            events.append(Event(record.history_date, who, "Création"))
        elif record.history_type == "-":
            events.append(Event(record.history_date, who, "Suppression"))
        elif previous is not None:
            changed = [
                labels.get(name, str(f.verbose_name))
                for name, f in fields.items()
                if name not in {"updated_at", "created_at"}
                and getattr(previous, name, None) != getattr(record, name, None)
            ]
            if changed:
                events.append(Event(record.history_date, who, "Modification", ", ".join(changed)))
        previous = record
    for notice in notices_for(obj):
        if notice.sent_at:
            events.append(
                Event(notice.sent_at, str(notice.recipient), "Relance envoyée", notice.title, kind="notice")
            )
    events.extend(extra or [])
    return sorted(events, key=lambda e: e.when)
