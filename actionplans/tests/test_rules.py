"""Pure rules, without the database."""

import datetime as dt

from actionplans import rules
from actionplans.models import (
    ERR_CANCEL_WITHOUT_REASON,
    ERR_COMPLETED_IN_FUTURE,
    ERR_DONE_WITHOUT_DATE,
    ERR_DUE_BEFORE_START,
    ERR_VERIFIED_WITHOUT_NOTE,
    Action,
)

TODAY = dt.date(2026, 3, 10)


def test_a_due_date_before_the_start_is_refused():
    assert rules.date_errors(start_on=dt.date(2026, 3, 1), due_on=dt.date(2026, 2, 1)) == {
        "due_on": ERR_DUE_BEFORE_START
    }
    assert rules.date_errors(start_on=dt.date(2026, 3, 1), due_on=dt.date(2026, 3, 1)) == {}
    assert rules.date_errors(start_on=None, due_on=dt.date(2026, 3, 1)) == {}


def check(target, **kw):
    args = {
        "start_on": None,
        "completed_on": None,
        "verification_note": "",
        "cancel_reason": "",
        "today": TODAY,
    }
    return rules.transition_errors(target=target, **(args | kw))


def test_done_needs_a_completion_date_not_in_the_future():
    assert check("done") == {"completed_on": ERR_DONE_WITHOUT_DATE}
    assert check("done", completed_on=TODAY + dt.timedelta(days=1)) == {
        "completed_on": ERR_COMPLETED_IN_FUTURE
    }
    assert check("done", completed_on=TODAY) == {}


def test_verified_needs_a_note_and_cancelled_a_reason():
    assert check("verified", completed_on=TODAY) == {"verification_note": ERR_VERIFIED_WITHOUT_NOTE}
    assert check("verified", completed_on=TODAY, verification_note="Panneaux posés, vus sur place") == {}
    assert check("cancelled") == {"cancel_reason": ERR_CANCEL_WITHOUT_REASON}
    assert check("cancelled", cancel_reason="Déménagement des locaux") == {}


def test_the_transition_map_is_declared_as_data():
    wf = Action.WORKFLOW
    assert wf.can("planned", "in_progress") and wf.can("in_progress", "done") and wf.can("done", "verified")
    assert not wf.can("planned", "verified")
    assert not wf.can("cancelled", "done")
    assert wf.can("cancelled", "planned")


def test_reminder_levels_follow_the_due_date():
    due = dt.date(2026, 3, 15)
    levels = lambda today, status="planned": rules.reminder_levels(  # noqa: E731
        status=status, due_on=due, today=today, soon_days=7, escalation_days=7
    )
    assert levels(dt.date(2026, 3, 1)) == []
    assert levels(dt.date(2026, 3, 8)) == ["due_soon"]
    assert levels(dt.date(2026, 3, 15)) == ["due_soon"]
    assert levels(dt.date(2026, 3, 16)) == ["overdue"]
    assert levels(dt.date(2026, 3, 22)) == ["overdue", "escalation_referent"]
    assert levels(dt.date(2026, 3, 22), status="done") == []
