"""The iCalendar feed: valid RFC 5545 (parsed back), that user's deadlines only, revocable."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from steering import services

from .factories import DeadlineFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def deadlines(org):
    return {
        "copil": DeadlineFactory(department=org.bdr, title="COPIL qualité", starts_on=D(2016, 1, 12)),
        "arles": DeadlineFactory(
            department=org.bdr,
            entity=org.arles_entity,
            site=org.arles,
            title="Auto-évaluation Arles",
            frequency="quarterly",
            starts_on=D(2016, 3, 15),
        ),
        "istres": DeadlineFactory(
            department=org.bdr,
            entity=org.istres_entity,
            site=org.istres,
            title="Auto-évaluation Istres",
            frequency="quarterly",
            starts_on=D(2016, 3, 15),
        ),
        "survey": DeadlineFactory(
            department=org.bdr,
            title="Enquêtes de satisfaction",
            kind="survey",
            frequency="yearly",
            starts_on=D(2016, 5, 2),
            ends_on=D(2016, 6, 30),
        ),
        "vaucluse": DeadlineFactory(
            department=org.vaucluse, title="COPIL de Vaucluse", starts_on=D(2016, 1, 5)
        ),
    }


def _feed(client, user):
    token = services.feed_token_regenerate(user=user)
    client.logout()
    response = client.get(reverse("steering_public:calendar_feed", args=[token.token]))
    return response, token


@time_machine.travel(dt.datetime(2016, 4, 20, 9, 0), tick=False)
def test_the_feed_is_valid_icalendar_with_the_users_deadlines_only(client, arles_referent, deadlines):
    response, token = _feed(client, arles_referent)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert f"/public/calendrier/{token.token}.ics" == reverse(
        "steering_public:calendar_feed", args=[token.token]
    )
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    events = list(calendar.walk("VEVENT"))
    summaries = {str(e["SUMMARY"]) for e in events}
    assert summaries == {"COPIL qualité", "Auto-évaluation Arles", "Enquêtes de satisfaction"}
    assert all(e["UID"] and e["DTSTAMP"] and e["DTSTART"] for e in events)
    assert len({str(e["UID"]) for e in events}) == len(events)
    survey = next(
        e
        for e in events
        if str(e["SUMMARY"]) == "Enquêtes de satisfaction" and e.decoded("DTSTART") == D(2016, 5, 2)
    )
    # all-day event from 2 May to 30 June inclusive: DTEND is exclusive
    assert survey.decoded("DTEND") == D(2016, 7, 1)
    copils = sorted(e.decoded("DTSTART") for e in events if str(e["SUMMARY"]) == "COPIL qualité")
    assert copils[0] == D(2016, 1, 12) and D(2016, 5, 12) in copils


def test_the_feed_needs_no_login_but_a_valid_token(client, quality_manager, deadlines):
    assert client.get("/public/calendrier/nimportequoi.ics").status_code == 404
    response, _ = _feed(client, quality_manager)
    assert response.status_code == 200


def test_regenerating_or_revoking_kills_the_old_address(client, quality_manager, deadlines):
    old = services.feed_token_regenerate(user=quality_manager).token
    client.force_login(quality_manager)
    client.post(reverse("steering:feed_regenerate"))
    client.logout()
    assert client.get(reverse("steering_public:calendar_feed", args=[old])).status_code == 404
    client.force_login(quality_manager)
    new = quality_manager.calendar_feed.token if hasattr(quality_manager, "calendar_feed") else None
    from steering.models import CalendarFeedToken

    new = CalendarFeedToken.objects.get(user=quality_manager).token
    assert new != old
    html = client.get(reverse("steering:feed_settings")).content.decode()
    assert f"/public/calendrier/{new}.ics" in html
    client.post(reverse("steering:feed_revoke"))
    client.logout()
    assert client.get(reverse("steering_public:calendar_feed", args=[new])).status_code == 404


def test_the_outsider_feed_shows_only_vaucluse(client, outsider, deadlines):
    response, _ = _feed(client, outsider)
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert summaries <= {"COPIL de Vaucluse"}
