"""Issue 21, item 5: committees that did not meet are flagged; recurring meetings fall on working days;
the iCal feed carries requests, actions, findings and document reviews with alarms; a document review is
recorded as done and moves the next one."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from actionplans.tests.factories import ActionFactory, ActionPlanFactory
from steering import recurrence, selectors, services
from steering.models import Committee, Document, DocumentReview
from tests.factories import make_correspondence

from .factories import CommitteeFactory, DeadlineFactory, DocumentFactory, MeetingFactory

pytestmark = pytest.mark.django_db
D = dt.date


# ---- meetings on working days ---------------------------------------------------------------------


def test_a_recurring_meeting_on_a_weekend_or_a_holiday_moves_to_the_next_working_day():
    found = recurrence.occurrences(
        frequency="monthly",
        starts_on=D(2026, 1, 12),  # a Monday
        window_start=D(2026, 1, 1),
        window_end=D(2026, 12, 31),
        working_days=True,
    )
    starts = [o.starts_on for o in found]
    assert all(d.weekday() < 5 for d in starts)
    assert D(2026, 4, 13) in starts  # 12 April 2026 is a Sunday
    assert D(2026, 7, 13) in starts  # 12 July 2026 is a Sunday
    # without the rule (other deadlines), the date stays
    plain = recurrence.occurrences(
        frequency="monthly", starts_on=D(2026, 1, 12), window_start=D(2026, 4, 1), window_end=D(2026, 4, 30)
    )
    assert [o.starts_on for o in plain] == [D(2026, 4, 12)]


def test_a_yearly_meeting_on_a_public_holiday_moves_and_can_be_marked_done(org, quality_manager):
    deadline = DeadlineFactory(
        department=org.bdr, kind="users_committee", frequency="yearly", starts_on=D(2025, 5, 4)
    )
    items = selectors.calendar_items(
        type(deadline).objects.filter(pk=deadline.pk), D(2026, 5, 1), D(2026, 5, 31), today=D(2026, 6, 1)
    )
    # 4 May 2026 is a Monday: kept; 1 May 2027 (Saturday, and Labour Day) moves to Monday 3 May
    assert [i.occurrence.starts_on for i in items] == [D(2026, 5, 4)]
    nxt = recurrence.occurrences(
        **deadline.occurrence_rule, window_start=D(2027, 5, 1), window_end=D(2027, 5, 31)
    )
    assert nxt == [] or all(o.starts_on.weekday() < 5 for o in nxt)
    deadline.starts_on = D(2026, 5, 1)  # a Friday and Labour Day
    deadline.save()
    occ = recurrence.occurrences(
        **deadline.occurrence_rule, window_start=D(2027, 4, 25), window_end=D(2027, 5, 31)
    )
    assert [o.starts_on for o in occ] == [D(2027, 5, 3)]
    completion = services.occurrence_mark_done(
        deadline=deadline, occurrence_on=D(2027, 5, 3), by=quality_manager, today=D(2027, 5, 10)
    )
    assert completion.occurrence_on == D(2027, 5, 3)


# ---- committees that did not meet -----------------------------------------------------------------------


def test_a_monthly_committee_without_a_meeting_in_a_month_is_flagged(org, quality_manager, outsider):
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=95)).replace(day=10)
    DeadlineFactory(department=org.bdr, kind="copil", frequency="monthly", starts_on=first)
    copil = CommitteeFactory(department=org.bdr, kind=Committee.Kind.STEERING)
    # a meeting in the first month only
    MeetingFactory(committee=copil, held_on=first + dt.timedelta(days=3))
    missed = selectors.missed_meetings(quality_manager, today=today)
    months = {(m.expected_on.year, m.expected_on.month) for m in missed}
    assert (first.year, first.month) not in months
    assert len(missed) >= 2
    assert all(m.expected_on < today for m in missed)
    assert missed[0].text.startswith("Comité de pilotage : aucune réunion enregistrée en ")
    assert selectors.missed_meetings(outsider, today=today) == []


def test_the_committee_list_flags_the_missed_meetings(client, org, quality_manager):
    today = timezone.localdate()
    DeadlineFactory(
        department=org.bdr,
        kind="users_committee",
        frequency="yearly",
        starts_on=today - dt.timedelta(days=30),
    )
    client.force_login(quality_manager)
    html = client.get(reverse("steering:committee_list")).content.decode()
    assert "Comité local des usagers : aucune réunion enregistrée en" in html


# ---- the review of a document ----------------------------------------------------------------------------


@pytest.fixture
def document(org):
    return DocumentFactory(
        department=org.bdr,
        entity=org.arles_entity,
        site=org.arles,
        status=Document.Status.IN_FORCE,
        review_on=D(2024, 3, 12),
        review_months=24,
    )


def test_marking_the_review_done_records_who_and_when_and_moves_the_next(client, arles_referent, document):
    client.force_login(arles_referent)
    today = timezone.localdate()
    html = client.get(document.get_absolute_url()).content.decode()
    assert "Marquer la revue comme faite" in html and "en retard depuis le 12 mars 2024" in html
    response = client.post(
        reverse("steering:document_review", args=[document.pk]),
        {"reviewed_on": today.isoformat(), "note": "RAS"},
    )
    assert response.status_code == 302
    review = DocumentReview.objects.get(document=document)
    assert (review.reviewed_by, review.reviewed_on, review.note) == (arles_referent, today, "RAS")
    document.refresh_from_db()
    assert document.review_on == review.next_review_on == D(
        today.year + 2, today.month, min(today.day, 28)
    ) or (document.review_on.year == today.year + 2 and document.review_on.month == today.month)


@pytest.mark.parametrize("value", ["", "2026-13-01", "abc", "2999-01-01"])
def test_a_bad_review_date_changes_nothing_and_says_why(client, arles_referent, document, value):
    client.force_login(arles_referent)
    response = client.post(
        reverse("steering:document_review", args=[document.pk]), {"reviewed_on": value}, follow=True
    )
    assert response.status_code == 200
    assert not DocumentReview.objects.exists()
    document.refresh_from_db()
    assert document.review_on == D(2024, 3, 12)
    assert "alert-danger" in response.content.decode()


def test_who_may_not_change_the_document_cannot_record_its_review(
    client, document, outsider, istres_agent, committee_member
):
    url = reverse("steering:document_review", args=[document.pk])
    client.force_login(outsider)
    assert client.post(url, {"reviewed_on": "2026-01-05"}).status_code == 404
    for user in (istres_agent, committee_member):
        client.force_login(user)
        assert client.post(url, {"reviewed_on": "2026-01-05"}).status_code in (403, 404)
    assert client.get(url).status_code == 405
    assert not DocumentReview.objects.exists()


# ---- the iCal feed: the user's items, with alarms --------------------------------------------------------


def test_the_feed_carries_requests_actions_and_document_reviews_with_alarms(
    client, org, arles_referent, outsider, document
):
    today = timezone.localdate()
    request = make_correspondence(
        org.arles, received_on=today - dt.timedelta(days=3), subject="Horaires faux"
    )
    action = ActionFactory(
        plan=ActionPlanFactory(entity=org.arles_entity, year=today.year),
        title="Afficher les horaires",
        start_on=today - dt.timedelta(days=10),
        due_on=today + dt.timedelta(days=20),
        sites=[org.arles],
    )
    document.review_on = today + dt.timedelta(days=40)
    document.save()
    istres = make_correspondence(org.istres, received_on=today - dt.timedelta(days=3), subject="Ailleurs")
    token = services.feed_token_regenerate(user=arles_referent)
    client.logout()
    body = client.get(reverse("steering_public:calendar_feed", args=[token.token])).content
    cal = Calendar.from_ical(body)
    events = {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    assert f"request-{request.pk}" in events and f"action-{action.pk}" in events
    assert f"document-review-{document.pk}-{document.review_on:%Y%m%d}" in events
    assert f"request-{istres.pk}" not in events
    for event in events.values():
        triggers = sorted(a.decoded("trigger") for a in event.walk("VALARM"))
        assert triggers == [dt.timedelta(days=-3), dt.timedelta(days=-1)]
    assert events[f"request-{request.pk}"].decoded("dtstart") == request.due_on
    # the outsider's feed holds none of it
    token = services.feed_token_regenerate(user=outsider)
    body = client.get(reverse("steering_public:calendar_feed", args=[token.token])).content.decode()
    assert "Horaires faux" not in body and "Afficher les horaires" not in body


# ---- one reading of the calendar for the home page's panels ---------------------------------------------


def test_one_reading_of_the_calendar_gives_each_panel_what_its_own_reading_gives(
    org, quality_manager, arles_referent, django_assert_num_queries
):
    from sites.access import READ, WRITE, scope_for, visible
    from steering import reminders
    from steering.models import Deadline, DeadlineCompletion

    copil = DeadlineFactory(department=org.bdr, kind="copil", frequency="monthly", starts_on=D(2025, 1, 31))
    DeadlineFactory(department=org.bdr, kind="users_committee", frequency="yearly", starts_on=D(2025, 5, 4))
    DeadlineFactory(
        department=org.bdr, entity=org.arles_entity, site=org.arles, kind="survey", frequency="quarterly",
        starts_on=D(2025, 3, 1), ends_on=D(2025, 3, 20),
    )  # fmt: skip
    DeadlineFactory(
        department=org.bdr, entity=org.istres_entity, kind="renewal_audit", frequency="once",
        starts_on=D(2026, 6, 15),
    )  # fmt: skip
    DeadlineFactory(
        department=org.bdr, entity=org.arles_entity, kind="self_assessment", frequency="yearly",
        starts_on=D(2024, 2, 29), until=D(2027, 12, 31),
    )  # fmt: skip
    DeadlineCompletion.objects.create(
        deadline=copil, occurrence_on=D(2026, 1, 31), done_on=D(2026, 2, 2), done_by=quality_manager
    )
    compared, narrowed = 0, False
    for user in (quality_manager, arles_referent):
        for today in (D(2026, 1, 1), D(2026, 2, 28), D(2026, 3, 1), D(2026, 6, 15), D(2026, 12, 31)):
            windows = (reminders.window(today), selectors.missed_window(today), selectors.cycle_window(today))
            calendar = selectors.Calendar(user, today, *windows)
            scope_for(user)  # read once per request, before any panel
            with django_assert_num_queries(2):  # the deadlines and their completions, once
                calendar.items  # noqa: B018
            for window in windows:
                for kinds, perm in (
                    (None, READ),
                    (None, WRITE),
                    (selectors.COMMITTEE_OF_DEADLINE, READ),
                    (selectors.CYCLE_KINDS, READ),
                ):
                    own = visible(user, Deadline.objects, perm)
                    if kinds is not None:
                        own = own.filter(kind__in=list(kinds))
                    expected = selectors.calendar_items(own, *window, today=today)
                    with django_assert_num_queries(0):
                        shared = calendar.within(window, kinds=kinds, perm=perm)
                    assert shared == expected, (user, today, window, kinds, perm)
                    compared += bool(expected)
                narrowed |= calendar.within(window, perm=WRITE) != calendar.within(window)
            assert selectors.missed_meetings(
                user, today=today, calendar=calendar
            ) == selectors.missed_meetings(user, today=today)
            assert selectors.upcoming_cycle_deadlines(
                user, today=today, calendar=calendar
            ) == selectors.upcoming_cycle_deadlines(user, today=today)
    # the comparisons were of occurrences, and the write permission left some out for the referent
    assert compared > 20 and narrowed
    with pytest.raises(ValueError):  # a window the reading does not cover is a programming error
        selectors.Calendar(quality_manager, D(2026, 6, 15), reminders.window(D(2026, 6, 15))).within(
            selectors.missed_window(D(2026, 6, 15))
        )
