from datetime import date, timedelta

import holidays
import pytest

from complaints.deadlines import (
    DayKind,
    Pause,
    add_working_days,
    days_remaining,
    due_date,
    elapsed_days,
    is_on_time,
    is_working_day,
)

CALENDAR = DayKind.CALENDAR
WORKING = DayKind.WORKING

supports_moselle = pytest.mark.skipif(
    "57" not in getattr(holidays.France, "subdivisions", ()),
    reason="this version of holidays has no Moselle calendar",
)


# Working days and public holidays


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2015, 7, 13), True),  # Monday
        (date(2015, 7, 14), False),  # Bastille Day, a Tuesday
        (date(2015, 7, 18), False),  # Saturday
        (date(2015, 7, 19), False),  # Sunday
        (date(2015, 4, 6), False),  # Easter Monday
        (date(2015, 5, 1), False),  # Labour Day, a Friday
        (date(2015, 5, 8), False),  # Victory in Europe Day, a Friday
        (date(2016, 3, 25), True),  # Good Friday is worked outside Alsace-Moselle
        (date(2016, 12, 26), True),  # Saint Stephen's Day is worked outside Alsace-Moselle
    ],
)
def test_it_knows_metropolitan_working_days(day, expected):
    assert is_working_day(day) is expected


@supports_moselle
@pytest.mark.parametrize("day", [date(2016, 3, 25), date(2016, 12, 26)])
def test_it_knows_the_extra_holidays_of_alsace_moselle(day):
    assert is_working_day(day, subdiv="57") is False


@supports_moselle
def test_it_pushes_a_moselle_working_deadline_past_saint_stephens_day():
    friday = date(2016, 12, 23)
    assert due_date(friday, 1, WORKING) == date(2016, 12, 26)
    assert due_date(friday, 1, WORKING, subdiv="57") == date(2016, 12, 27)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2015, 3, 7), 0, date(2015, 3, 7)),  # n == 0 returns start, even on a Saturday
        (date(2015, 3, 6), 1, date(2015, 3, 9)),  # Friday + 1 is Monday
        (date(2015, 7, 10), 2, date(2015, 7, 15)),  # skips 14 July
    ],
)
def test_it_adds_working_days_strictly_after_the_start(start, n, expected):
    assert add_working_days(start, n) == expected


# Calendar deadlines


def test_it_counts_the_day_of_receipt_as_day_zero():
    assert due_date(date(2015, 3, 1), 15) == date(2015, 3, 16)


def test_it_makes_a_zero_day_deadline_fall_on_the_day_of_receipt():
    assert due_date(date(2015, 3, 1), 0) == date(2015, 3, 1)
    assert due_date(date(2015, 3, 1), 0, WORKING) == date(2015, 3, 1)


@pytest.mark.parametrize(
    ("received_on", "days", "expected"),
    [
        (date(2015, 3, 8), 1, date(2015, 3, 9)),  # Sunday + 1
        (date(2015, 3, 8), 15, date(2015, 3, 23)),
        (date(2015, 3, 7), 15, date(2015, 3, 22)),  # due on a Sunday and left there
        (date(2015, 7, 10), 4, date(2015, 7, 14)),  # due on a holiday and left there
    ],
)
def test_it_counts_every_day_for_calendar_deadlines(received_on, days, expected):
    assert due_date(received_on, days, CALENDAR) == expected


# Working-day deadlines


@pytest.mark.parametrize(
    ("received_on", "days", "expected"),
    [
        # Friday 10 July; Tuesday 14 July is a holiday.
        (date(2015, 7, 10), 15, date(2015, 8, 3)),
        # Good Friday 3 April (worked); Monday 6 April is Easter Monday.
        (date(2015, 4, 3), 15, date(2015, 4, 27)),
        # Thursday 30 April; Fridays 1 and 8 May and Thursday 14 May (Ascension) are holidays.
        (date(2015, 4, 30), 10, date(2015, 5, 19)),
    ],
)
def test_it_skips_weekends_and_public_holidays_for_working_deadlines(received_on, days, expected):
    assert due_date(received_on, days, WORKING) == expected


@pytest.mark.parametrize(
    ("received_on", "days", "expected"),
    [
        (date(2015, 3, 1), 1, date(2015, 3, 2)),  # first counted day is Monday
        (date(2015, 3, 1), 5, date(2015, 3, 6)),
        (date(2015, 4, 5), 1, date(2015, 4, 7)),  # Monday is Easter Monday, so Tuesday
    ],
)
def test_it_starts_counting_working_days_on_the_monday_after_a_sunday_receipt(received_on, days, expected):
    assert due_date(received_on, days, WORKING) == expected


def test_it_accepts_the_kind_as_a_string():
    assert due_date(date(2015, 7, 10), 15, "working") == date(2015, 8, 3)
    assert due_date(date(2015, 3, 1), 15, "calendar") == date(2015, 3, 16)


# Pauses

# Received Monday 2 March 2015; paused on Friday 6 March, resumed on Tuesday 10 March:
# the paused days are Friday 6 to Monday 9, two of which are working days.
MONDAY = date(2015, 3, 2)
OVER_THE_WEEKEND = Pause(date(2015, 3, 6), date(2015, 3, 10))


def test_it_pushes_a_working_deadline_by_the_paused_working_days_only():
    assert due_date(MONDAY, 10, WORKING) == date(2015, 3, 16)
    assert due_date(MONDAY, 10, WORKING, [OVER_THE_WEEKEND]) == date(2015, 3, 18)


def test_it_pushes_a_calendar_deadline_by_every_paused_day_weekend_included():
    assert due_date(MONDAY, 15, CALENDAR) == date(2015, 3, 17)
    assert due_date(MONDAY, 15, CALENDAR, [OVER_THE_WEEKEND]) == date(2015, 3, 21)


def test_it_counts_the_day_of_resumption_again():
    one_day = Pause(date(2015, 3, 5), date(2015, 3, 6))
    same_day = Pause(date(2015, 3, 5), date(2015, 3, 5))
    assert due_date(MONDAY, 15, CALENDAR, [one_day]) == date(2015, 3, 18)
    assert due_date(MONDAY, 15, CALENDAR, [same_day]) == date(2015, 3, 17)


def test_it_ignores_a_pause_that_starts_after_the_due_date():
    late = Pause(date(2015, 3, 18), date(2015, 3, 25))
    assert due_date(MONDAY, 15, CALENDAR, [late]) == date(2015, 3, 17)


def test_it_pushes_the_deadline_when_a_pause_starts_on_the_due_date():
    on_due_date = Pause(date(2015, 3, 17), date(2015, 3, 20))
    assert due_date(MONDAY, 15, CALENDAR, [on_due_date]) == date(2015, 3, 20)


def test_it_lets_a_pause_pushed_into_reach_by_an_earlier_one_take_effect():
    first = Pause(date(2015, 3, 10), date(2015, 3, 15))  # due date moves from 17 to 22 March
    second = Pause(date(2015, 3, 20), date(2015, 3, 22))
    assert due_date(MONDAY, 15, CALENDAR, [second, first]) == date(2015, 3, 24)


def test_it_does_not_count_the_day_of_receipt_as_paused():
    from_receipt = Pause(MONDAY, date(2015, 3, 4))  # only 3 March was a counting day
    assert due_date(MONDAY, 15, CALENDAR, [from_receipt]) == date(2015, 3, 18)


def test_it_runs_an_open_pause_until_as_of():
    open_pause = Pause(date(2015, 3, 10))
    assert due_date(MONDAY, 15, CALENDAR, [open_pause], as_of=date(2015, 3, 13)) == date(2015, 3, 20)
    # Paused from Tuesday 10 to Friday 13 March excluded: three working days.
    assert due_date(MONDAY, 10, WORKING, [open_pause], as_of=date(2015, 3, 13)) == date(2015, 3, 19)


def test_it_ignores_an_open_pause_that_starts_after_as_of():
    open_pause = Pause(date(2015, 3, 10))
    assert due_date(MONDAY, 15, CALENDAR, [open_pause], as_of=date(2015, 3, 9)) == date(2015, 3, 17)


def test_it_ignores_as_of_for_closed_pauses():
    assert due_date(MONDAY, 15, CALENDAR, [OVER_THE_WEEKEND], as_of=date(2015, 3, 7)) == date(2015, 3, 21)


@pytest.mark.parametrize(
    "pauses",
    [
        [Pause(date(2015, 3, 6), date(2015, 3, 10)), Pause(date(2015, 3, 8), date(2015, 3, 12))],
        [Pause(date(2015, 3, 6), date(2015, 3, 12)), Pause(date(2015, 3, 7), date(2015, 3, 9))],
        [Pause(date(2015, 3, 6), date(2015, 3, 9)), Pause(date(2015, 3, 9), date(2015, 3, 12))],
        [Pause(date(2015, 3, 6), date(2015, 3, 12))] * 2,
    ],
    ids=["overlapping", "nested", "adjacent", "duplicated"],
)
def test_it_counts_days_covered_by_several_pauses_once(pauses):
    # Either way the paused days are 6 to 11 March: 6 days, 4 of them working days.
    assert due_date(MONDAY, 15, CALENDAR, pauses) == date(2015, 3, 23)
    assert due_date(MONDAY, 10, WORKING, pauses) == date(2015, 3, 20)


def test_it_accepts_pauses_given_as_date_pairs():
    assert due_date(MONDAY, 15, CALENDAR, [(date(2015, 3, 6), date(2015, 3, 10))]) == date(2015, 3, 21)


# Elapsed time and on-time answers


@pytest.mark.parametrize(
    ("received_on", "answered_on", "kind", "expected"),
    [
        (date(2015, 3, 1), date(2015, 3, 1), CALENDAR, 0),
        (date(2015, 3, 1), date(2015, 3, 1), WORKING, 0),
        (date(2015, 3, 1), date(2015, 3, 16), CALENDAR, 15),
        (date(2015, 7, 10), date(2015, 8, 3), WORKING, 15),
        (date(2015, 3, 6), date(2015, 3, 8), WORKING, 0),  # Friday to Sunday
    ],
)
def test_it_measures_the_answer_time_in_days_of_the_kind(received_on, answered_on, kind, expected):
    assert elapsed_days(received_on, answered_on, kind) == expected


def test_it_excludes_paused_days_from_the_answer_time():
    assert elapsed_days(MONDAY, date(2015, 3, 16), CALENDAR, [OVER_THE_WEEKEND]) == 10
    assert elapsed_days(MONDAY, date(2015, 3, 16), WORKING, [OVER_THE_WEEKEND]) == 8


def test_it_closes_an_open_pause_on_the_day_of_the_answer():
    assert elapsed_days(MONDAY, date(2015, 3, 16), CALENDAR, [Pause(date(2015, 3, 10))]) == 8


@pytest.mark.parametrize("kind", [CALENDAR, WORKING])
@pytest.mark.parametrize("days", [0, 1, 5, 15, 30])
@pytest.mark.parametrize("received_on", [date(2015, 4, 3) + timedelta(days=i) for i in range(7)])
def test_it_measures_exactly_the_deadline_on_the_due_date(received_on, days, kind):
    pauses = [OVER_THE_WEEKEND, Pause(date(2015, 4, 30), date(2015, 5, 12))]
    due = due_date(received_on, days, kind, pauses)
    assert elapsed_days(received_on, due, kind, pauses) == days


@pytest.mark.parametrize(
    ("received_on", "days", "kind", "due"),
    [
        (date(2015, 3, 1), 15, CALENDAR, date(2015, 3, 16)),
        (date(2015, 7, 10), 15, WORKING, date(2015, 8, 3)),
    ],
)
def test_it_is_on_time_on_the_due_date_and_late_the_day_after(received_on, days, kind, due):
    assert is_on_time(received_on, received_on, days, kind)
    assert is_on_time(received_on, due, days, kind)
    assert not is_on_time(received_on, due + timedelta(days=1), days, kind)


def test_it_is_late_on_the_saturday_after_a_friday_deadline_though_no_working_day_passed():
    received_on, due = date(2015, 3, 2), date(2015, 3, 6)
    saturday = date(2015, 3, 7)
    assert elapsed_days(received_on, saturday, WORKING) == elapsed_days(received_on, due, WORKING)
    assert is_on_time(received_on, due, 4, WORKING)
    assert not is_on_time(received_on, saturday, 4, WORKING)


def test_it_takes_pauses_into_account_for_on_time_answers():
    assert not is_on_time(MONDAY, date(2015, 3, 20), 15)
    assert is_on_time(MONDAY, date(2015, 3, 20), 15, CALENDAR, [OVER_THE_WEEKEND])


def test_it_is_on_time_when_answering_during_an_open_pause_that_began_before_the_deadline():
    assert is_on_time(MONDAY, date(2015, 4, 30), 15, CALENDAR, [Pause(date(2015, 3, 16))])


# Days remaining


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2015, 3, 10), 6), (date(2015, 3, 16), 0), (date(2015, 3, 18), -2)],
)
def test_it_counts_calendar_days_remaining_with_a_sign(today, expected):
    assert days_remaining(date(2015, 3, 16), today, CALENDAR) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2015, 7, 10), 4),  # Monday 13, Wednesday 15 to Friday 17; 14 July is a holiday
        (date(2015, 7, 11), 4),
        (date(2015, 7, 16), 1),
        (date(2015, 7, 17), 0),
        (date(2015, 7, 18), -1),  # overdue only by a Saturday is still overdue
        (date(2015, 7, 20), -1),
        (date(2015, 7, 21), -2),
    ],
)
def test_it_counts_working_days_remaining_with_a_sign(today, expected):
    assert days_remaining(date(2015, 7, 17), today, WORKING) == expected


# Invalid input


def test_it_rejects_a_negative_number_of_days():
    with pytest.raises(ValueError, match="zero or more days"):
        due_date(date(2015, 3, 1), -1)


def test_it_rejects_a_negative_number_of_working_days_to_add():
    with pytest.raises(ValueError, match="zero or positive"):
        add_working_days(date(2015, 3, 1), -1)


def test_it_rejects_a_pause_that_ends_before_it_starts():
    with pytest.raises(ValueError, match="cannot end"):
        Pause(date(2015, 3, 10), date(2015, 3, 9))
    with pytest.raises(ValueError, match="cannot end"):
        due_date(MONDAY, 15, CALENDAR, [(date(2015, 3, 10), date(2015, 3, 9))])


def test_it_requires_as_of_when_a_pause_is_still_open():
    with pytest.raises(ValueError, match="as_of"):
        due_date(MONDAY, 15, CALENDAR, [Pause(date(2015, 3, 10))])


def test_it_rejects_an_answer_before_the_receipt():
    with pytest.raises(ValueError, match="cannot predate"):
        elapsed_days(date(2015, 3, 2), date(2015, 3, 1))
    with pytest.raises(ValueError, match="cannot predate"):
        is_on_time(date(2015, 3, 2), date(2015, 3, 1), 15)


@pytest.mark.parametrize(
    "call",
    [
        lambda kind: due_date(date(2015, 3, 1), 15, kind),
        lambda kind: elapsed_days(date(2015, 3, 1), date(2015, 3, 2), kind),
        lambda kind: is_on_time(date(2015, 3, 1), date(2015, 3, 2), 15, kind),
        lambda kind: days_remaining(date(2015, 3, 16), date(2015, 3, 1), kind),
    ],
    ids=["due_date", "elapsed_days", "is_on_time", "days_remaining"],
)
def test_it_rejects_an_unknown_kind_of_days(call):
    with pytest.raises(ValueError, match="Unknown kind of days 'business'"):
        call("business")


def test_it_rejects_an_unknown_subdivision():
    with pytest.raises(ValueError, match="Unknown French subdivision"):
        is_working_day(date(2015, 3, 2), subdiv="not-a-department")
