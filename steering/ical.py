"""A user's deadlines as an iCalendar (RFC 5545) feed, read by their usual calendar application."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.utils import timezone
from icalendar import Calendar, Event

from qualipref.links import absolute, public_host
from sites.access import visible

from .models import Deadline
from .selectors import calendar_items

PAST_MONTHS, FUTURE_MONTHS = 12, 24


def feed_for_user(user, *, today: dt.date | None = None) -> bytes:
    """The occurrences of the deadlines the user may read, a year back and two years ahead."""
    today = today or timezone.localdate()
    items = calendar_items(
        visible(user, Deadline.objects),
        today - relativedelta(months=PAST_MONTHS),
        today + relativedelta(months=FUTURE_MONTHS),
        today=today,
    )
    cal = Calendar()
    cal.add("prodid", "-//Qualipref//Calendrier des échéances//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Qualipref – échéances")
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    host = public_host()
    for item in items:
        d, occ = item.deadline, item.occurrence
        event = Event()
        event.add("uid", f"deadline-{d.pk}-{occ.starts_on:%Y%m%d}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", occ.starts_on)
        event.add("dtend", occ.ends_on + dt.timedelta(days=1))  # all-day events: DTEND is exclusive
        event.add("summary", d.title)
        description = [d.get_kind_display(), d.scope_label]
        if d.responsible_id:
            description.append(f"Responsable : {d.responsible}")
        if item.completion:
            description.append(f"Fait le {item.completion.done_on:%d/%m/%Y}")
        event.add("description", " · ".join(description))
        event.add("categories", [d.get_kind_display()])
        event.add("url", absolute(d.get_absolute_url()))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
