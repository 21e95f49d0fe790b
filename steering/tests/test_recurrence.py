"""The recurrence of deadlines, a pure function: no database."""

import datetime as dt

from steering import recurrence as r

D = dt.date


def starts(found):
    return [o.starts_on for o in found]


def test_a_monthly_copil_has_twelve_occurrences_in_2016():
    found = r.occurrences(
        frequency="monthly", starts_on=D(2016, 1, 12), window_start=D(2016, 1, 1), window_end=D(2016, 12, 31)
    )
    assert starts(found) == [D(2016, m, 12) for m in range(1, 13)]


def test_a_quarterly_self_assessment_repeats_every_three_months_from_its_start():
    found = r.occurrences(
        frequency="quarterly",
        starts_on=D(2016, 3, 15),
        window_start=D(2016, 1, 1),
        window_end=D(2016, 12, 31),
    )
    assert starts(found) == [D(2016, 3, 15), D(2016, 6, 15), D(2016, 9, 15), D(2016, 12, 15)]


def test_the_31st_falls_on_the_last_day_of_shorter_months():
    found = r.occurrences(
        frequency="monthly", starts_on=D(2016, 1, 31), window_start=D(2016, 1, 1), window_end=D(2016, 4, 30)
    )
    assert starts(found) == [D(2016, 1, 31), D(2016, 2, 29), D(2016, 3, 31), D(2016, 4, 30)]


def test_a_yearly_may_june_survey_keeps_its_period_each_year():
    found = r.occurrences(
        frequency="yearly",
        starts_on=D(2016, 5, 2),
        ends_on=D(2016, 6, 30),
        window_start=D(2016, 1, 1),
        window_end=D(2018, 12, 31),
    )
    assert [(o.starts_on, o.ends_on) for o in found] == [
        (D(2016, 5, 2), D(2016, 6, 30)),
        (D(2017, 5, 2), D(2017, 6, 30)),
        (D(2018, 5, 2), D(2018, 6, 30)),
    ]
    assert all(o.is_period for o in found)


def test_a_period_that_started_before_the_window_is_still_in_it():
    found = r.occurrences(
        frequency="yearly",
        starts_on=D(2016, 5, 2),
        ends_on=D(2016, 6, 30),
        window_start=D(2017, 6, 1),
        window_end=D(2017, 6, 30),
    )
    assert starts(found) == [D(2017, 5, 2)]


def test_until_stops_the_recurrence():
    found = r.occurrences(
        frequency="monthly",
        starts_on=D(2016, 1, 12),
        until=D(2016, 3, 31),
        window_start=D(2016, 1, 1),
        window_end=D(2016, 12, 31),
    )
    assert starts(found) == [D(2016, 1, 12), D(2016, 2, 12), D(2016, 3, 12)]


def test_a_one_off_renewal_audit_appears_only_in_its_window():
    kwargs = {"frequency": "once", "starts_on": D(2017, 6, 1), "ends_on": D(2017, 6, 30)}
    assert r.occurrences(**kwargs, window_start=D(2016, 1, 1), window_end=D(2016, 12, 31)) == []
    assert starts(r.occurrences(**kwargs, window_start=D(2017, 6, 15), window_end=D(2017, 7, 15))) == [
        D(2017, 6, 1)
    ]


def test_a_far_window_keeps_the_phase_of_a_quarterly_deadline():
    found = r.occurrences(
        frequency="quarterly",
        starts_on=D(2016, 2, 10),
        window_start=D(2030, 1, 1),
        window_end=D(2030, 12, 31),
    )
    assert starts(found) == [D(2030, 2, 10), D(2030, 5, 10), D(2030, 8, 10), D(2030, 11, 10)]


def test_next_occurrence():
    found = r.next_occurrence(frequency="monthly", starts_on=D(2016, 1, 12), after=D(2016, 5, 13))
    assert found.starts_on == D(2016, 6, 12)


def test_occurrence_status():
    occ = r.Occurrence(D(2016, 6, 12), D(2016, 6, 12))
    assert r.occurrence_status(occ, today=D(2016, 5, 1), remind_days=14, done=False) == r.UPCOMING
    assert r.occurrence_status(occ, today=D(2016, 5, 29), remind_days=14, done=False) == r.DUE_SOON
    assert r.occurrence_status(occ, today=D(2016, 6, 12), remind_days=14, done=False) == r.DUE_SOON
    assert r.occurrence_status(occ, today=D(2016, 6, 13), remind_days=14, done=False) == r.OVERDUE
    assert r.occurrence_status(occ, today=D(2016, 8, 1), remind_days=14, done=False) == r.PAST
    assert r.occurrence_status(occ, today=D(2016, 6, 13), remind_days=14, done=True) == r.DONE
