"""The 4-year training rule, pure: no database."""

import datetime as dt

from steering import training_rules as t

D = dt.date


def test_the_deadline_is_the_last_reception_training_plus_the_validity():
    deadline = t.training_deadline(
        took_post_on=D(2010, 1, 4),
        reception_trainings=[D(2011, 5, 1), D(2015, 3, 10)],
        years=4,
        on=D(2016, 1, 1),
    )
    assert deadline == D(2019, 3, 10)


def test_trainings_after_the_date_do_not_count():
    deadline = t.training_deadline(
        took_post_on=D(2010, 1, 4),
        reception_trainings=[D(2011, 5, 1), D(2015, 3, 10)],
        years=4,
        on=D(2014, 1, 1),
    )
    assert deadline == D(2015, 5, 1)


def test_a_never_trained_agent_has_four_years_from_taking_the_post():
    assert t.training_deadline(
        took_post_on=D(2015, 10, 5), reception_trainings=[], years=4, on=D(2016, 1, 1)
    ) == D(2019, 10, 5)
    assert t.training_deadline(took_post_on=None, reception_trainings=[], years=4, on=D(2016, 1, 1)) is None


def test_statuses():
    on = D(2016, 1, 1)
    assert t.agent_status(D(2018, 1, 1), on) == t.IN_ORDER
    assert t.agent_status(D(2016, 3, 1), on) == t.DUE_SOON
    assert t.agent_status(D(2016, 1, 1), on) == t.OVERDUE
    assert t.agent_status(None, on) == t.OVERDUE


def test_compliance_rate():
    on = D(2016, 1, 1)
    result = t.compliance([D(2018, 1, 1), D(2016, 2, 1), D(2015, 6, 1), None], on)
    assert (result.reception_agents, result.in_order, result.rate) == (4, 2, 50.0)
    assert t.compliance([], on).rate is None


def test_dates_shifted_to_a_shorter_month_keep_its_last_day_asked_again_or_not():
    # a training on 29 February: three years on, the deadline is the 28th; the due-soon window of 30
    # November ends on the last day of February. Asked twice, the same answers (the shifts are memoised).
    for _ in range(2):
        assert t.training_deadline(
            took_post_on=None, reception_trainings=[D(2016, 2, 29)], years=3, on=D(2017, 1, 1)
        ) == D(2019, 2, 28)
        assert t.training_deadline(
            took_post_on=None, reception_trainings=[D(2016, 2, 29)], years=4, on=D(2017, 1, 1)
        ) == D(2020, 2, 29)
        assert t.agent_status(D(2019, 2, 28), D(2018, 11, 30)) == t.DUE_SOON
        assert t.agent_status(D(2019, 3, 1), D(2018, 11, 30)) == t.IN_ORDER
