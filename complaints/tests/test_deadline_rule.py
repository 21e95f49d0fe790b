"""One deadline rule: "due in N days", the due-soon filter and the reminders count the days the due date
counts (working days of the département's calendar, or calendar days)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from complaints import deadline_rule, deadlines
from complaints.models import Correspondence, DaysKind
from complaints.reminders import due_notices
from complaints.views import deadline_state
from referential.models import Parameter

from .factories import make_correspondence

D = dt.date
MONDAY_8_JUNE, FRIDAY_12_JUNE, SATURDAY_13_JUNE = D(2015, 6, 8), D(2015, 6, 12), D(2015, 6, 13)


@pytest.fixture
def working_days_bdr(org, referential):
    """Bouches-du-Rhône answers complaints within 5 working days (its own parameters)."""
    for key, value_type, value in (
        ("complaint_days_kind", "choice", "working"),
        ("complaint_answer_days", "int", "5"),
    ):
        Parameter.objects.create(
            referential=referential,
            department=org.bdr,
            key=key,
            label=key,
            value_type=value_type,
            value=value,
            choices="calendar,working" if value_type == "choice" else "",
        )
    return org


@pytest.fixture
def due_monday(working_days_bdr, istres_agent):
    # Received Monday 8 June: 9, 10, 11, 12 and Monday 15 June are the 5 working days.
    correspondence = make_correspondence(
        working_days_bdr.istres, received_on=MONDAY_8_JUNE, assigned_to=istres_agent
    )
    assert (correspondence.deadline_kind, correspondence.deadline_days, correspondence.due_on) == (
        "working",
        5,
        D(2015, 6, 15),
    )
    return Correspondence.objects.select_related("site__entity__department").get(pk=correspondence.pk)


def test_a_request_due_after_the_weekend_is_due_in_one_working_day_on_friday(due_monday):
    assert deadline_rule.days_left(due_monday, FRIDAY_12_JUNE) == 1
    assert deadline_state(due_monday, FRIDAY_12_JUNE) == ("Échéance dans 1 jour ouvré", "warning")
    assert deadline_state(due_monday, SATURDAY_13_JUNE) == ("Échéance dans 1 jour ouvré", "warning")
    assert deadline_state(due_monday, D(2015, 6, 9)) == ("4 jours ouvrés restants", "secondary")
    assert deadline_state(due_monday, D(2015, 6, 15)) == ("Échéance aujourd'hui", "warning")
    assert deadline_state(due_monday, D(2015, 6, 16)) == ("En retard de 1 jour ouvré", "danger")


def test_the_register_and_the_detail_page_say_dans_1_jour_ouvre(client, quality_manager, due_monday):
    with time_machine.travel(dt.datetime(2015, 6, 12, 10, tzinfo=dt.UTC)):
        client.force_login(quality_manager)
        register = client.get(reverse("complaints:correspondence_list")).content.decode()
        due_soon = client.get(
            reverse("complaints:correspondence_list"), {"deadline": "due_soon", "within": 1}
        )
        detail = client.get(
            reverse("complaints:correspondence_detail", args=[due_monday.pk])
        ).content.decode()
    assert "Échéance dans 1 jour ouvré" in register and "Échéance dans 1 jour ouvré" in detail
    # Due in 3 calendar days but 1 working day: the filter "within 1 day" counts like the deadline.
    assert due_monday.reference in due_soon.content.decode()


def test_a_calendar_department_keeps_counting_calendar_days(org, referential):
    correspondence = make_correspondence(
        org.istres, received_on=MONDAY_8_JUNE
    )  # 15 calendar days: due 23 June
    correspondence = Correspondence.objects.select_related("site__entity__department").get(
        pk=correspondence.pk
    )
    assert correspondence.due_on == D(2015, 6, 23)
    assert deadline_state(correspondence, D(2015, 6, 20)) == ("Échéance dans 3 jours calendaires", "warning")
    assert deadline_state(correspondence, D(2015, 6, 24)) == ("En retard de 1 jour calendaire", "danger")


def test_reminders_count_working_days(due_monday, istres_agent):
    # Wednesday 10 June: 3 working days left (11, 12, 15), within the 3-day reminder; 5 calendar days.
    assert {(s.item.pk, s.level) for s in due_notices(D(2015, 6, 10))} == {(due_monday.pk, "due_soon")}
    assert not due_notices(D(2015, 6, 9))  # 4 working days left
    # Tuesday 16 June: late by 1 working day, and said so.
    overdue = [s for s in due_notices(D(2015, 6, 16)) if s.level == "overdue"]
    assert [s.detail for s in overdue] == ["En retard de 1 jour ouvré"]


@given(
    today=st.dates(min_value=D(2014, 1, 1), max_value=D(2016, 12, 31)),
    ahead=st.integers(0, 40),
    days=st.integers(0, 20),
    kind=st.sampled_from(list(DaysKind)),
    subdiv=st.sampled_from([None, "57", "6AE", "974"]),
)
def test_the_due_within_bound_agrees_with_the_days_left(today, ahead, days, kind, subdiv):
    """`due_within_q`'s date bound selects exactly the due dates whose days left are at most `days`."""
    due = today + dt.timedelta(days=ahead)
    bound = deadline_rule._last_day_within(today, days, kind, subdiv)
    assert (deadlines.days_remaining(due, today, kind, subdiv) <= days) == (due <= bound)
    assert bound <= deadline_rule.reminder_horizon(today, days)


def test_days_are_always_said_with_their_kind():
    assert deadline_rule.days_label(1, DaysKind.WORKING) == "1 jour ouvré"
    assert deadline_rule.days_label(2, DaysKind.WORKING) == "2 jours ouvrés"
    assert deadline_rule.days_label(15, DaysKind.CALENDAR) == "15 jours calendaires"
