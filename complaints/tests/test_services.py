import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from complaints.models import Correspondence, Kind, Status
from complaints.services import (
    ERROR_ANSWER_BEFORE_RECEIPT,
    correspondence_create,
    correspondence_transition,
    correspondence_update,
    correspondences_anonymise,
)
from referential.models import Parameter

from .factories import make_correspondence

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_complaint_takes_15_calendar_days_from_the_referential(org, referential, istres_agent):
    correspondence = make_correspondence(org.istres, by=istres_agent, received_on=D(2015, 3, 1))
    assert (correspondence.deadline_days, correspondence.deadline_kind) == (15, "calendar")
    assert correspondence.due_on == D(2015, 3, 16)
    assert correspondence.reference == "REC-13-2015-0001"
    assert correspondence.status == Status.RECEIVED
    assert correspondence.created_by == istres_agent


def test_an_email_counts_working_days_and_skips_easter_monday(org, referential):
    # 5 working days from Thursday 2 April 2015: Fri 3, (Easter Monday 6 off), Tue 7, Wed 8, Thu 9, Fri 10.
    correspondence = make_correspondence(org.peytral, received_on=D(2015, 4, 2), kind=Kind.EMAIL)
    assert (correspondence.deadline_days, correspondence.deadline_kind) == (5, "working")
    assert correspondence.due_on == D(2015, 4, 10)
    assert correspondence.reference.startswith("MEL-13-2015-")


def test_a_departement_override_of_the_deadline_is_used(org, referential):
    Parameter.objects.create(
        referential=referential,
        department=org.bdr,
        key="complaint_answer_days",
        label="x",
        value_type="int",
        value="10",
    )
    assert make_correspondence(org.arles, received_on=D(2015, 3, 1)).due_on == D(2015, 3, 11)
    assert make_correspondence(org.avignon, received_on=D(2015, 3, 1)).due_on == D(2015, 3, 16)


def test_the_rules_in_force_are_read_in_one_query_with_the_referential_and_overrides(
    org, referential, django_assert_num_queries
):
    """Every kind's rule in one query (the referential in force within it), the same as reading each
    parameter of each kind from the referential given: a département's override for one kind, the
    referential's values for the others and for the other département."""
    from complaints.services import deadline_rule_in_force, deadline_rules
    from referential.params import parameter_value

    Parameter.objects.create(
        referential=referential, department=org.bdr, key="complaint_answer_days", label="x",
        value_type="int", value="10",
    )  # fmt: skip
    for department in (org.bdr, org.vaucluse):
        with django_assert_num_queries(1):
            rules = deadline_rules(department)
        assert [r.kind for r in rules] == list(Kind.values)
        for rule in rules:
            with django_assert_num_queries(1):
                assert deadline_rule_in_force(department, rule.kind) == rule
            days = parameter_value(referential, f"{rule.kind}_answer_days", department=department)
            assert rule.days == int(days)
    assert deadline_rules(org.bdr)[list(Kind.values).index("complaint")].days == 10
    assert deadline_rules(org.vaucluse)[list(Kind.values).index("complaint")].days == 15


def test_the_parameters_sql_is_compiled_once_but_every_reading_runs_it(org, referential):
    """`referential.params` keeps the SQL of a reading per (referential, keys, départements, day), never a
    value: an override added after a first reading shows on the next one, under the same SQL."""
    from referential import params

    params._COMPILED.clear()
    today = D(2015, 6, 1)
    assert params.parameter_value(params.CURRENT, "complaint_answer_days", department=org.bdr, on=today) == 15
    assert len(params._COMPILED) == 1
    Parameter.objects.create(
        referential=referential, department=org.bdr, key="complaint_answer_days", label="x",
        value_type="int", value="9",
    )  # fmt: skip
    assert params.parameter_value(params.CURRENT, "complaint_answer_days", department=org.bdr, on=today) == 9
    assert len(params._COMPILED) == 1  # the same SQL, run again
    # another département, another key or another day: SQL of its own, the value in force for it
    assert (
        params.parameter_value(params.CURRENT, "complaint_answer_days", department=org.vaucluse, on=today)
        == 15
    )
    assert (
        params.parameter_value(params.CURRENT, "letter_answer_days", department=org.bdr, on=today) is not None
    )
    assert params.parameter_value(referential, "complaint_answer_days", department=org.bdr, on=today) == 9
    assert len(params._COMPILED) == 4


def test_references_run_per_departement_and_year(org, referential):
    first = make_correspondence(org.arles, received_on=D(2015, 3, 1))
    second = make_correspondence(org.istres, received_on=D(2015, 3, 2), kind=Kind.SUGGESTION)
    other_year = make_correspondence(org.istres, received_on=D(2016, 1, 4))
    vaucluse = make_correspondence(org.avignon, received_on=D(2015, 3, 2))
    assert [first.reference, second.reference, other_year.reference, vaucluse.reference] == [
        "REC-13-2015-0001",
        "SUG-13-2015-0002",
        "REC-13-2016-0001",
        "REC-84-2015-0001",
    ]


def test_the_full_workflow_records_who_and_when(org, referential, istres_agent):
    correspondence = make_correspondence(org.istres, by=istres_agent, received_on=D(2015, 3, 1))
    today = D(2015, 3, 20)
    correspondence = correspondence_transition(
        correspondence=correspondence, to="acknowledged", by=istres_agent, on=D(2015, 3, 2), today=today
    )
    assert correspondence.acknowledged_on == D(2015, 3, 2)
    correspondence = correspondence_transition(
        correspondence=correspondence, to="in_progress", by=istres_agent, on=D(2015, 3, 3), today=today
    )
    correspondence = correspondence_transition(
        correspondence=correspondence, to="waiting", by=istres_agent, on=D(2015, 3, 5), today=today
    )
    correspondence = correspondence_transition(
        correspondence=correspondence, to="in_progress", by=istres_agent, on=D(2015, 3, 9), today=today
    )
    # paused days 5, 6, 7, 8 March: the deadline moves from 16 to 20 March
    assert correspondence.due_on == D(2015, 3, 20)
    correspondence = correspondence_transition(
        correspondence=correspondence,
        to="answered",
        by=istres_agent,
        on=D(2015, 3, 19),
        answer="Merci.",
        today=today,
    )
    assert correspondence.answered_on_time is True
    assert correspondence.answer_days == 18 - 4
    assert correspondence.status_changed_by == istres_agent
    correspondence = correspondence_transition(
        correspondence=correspondence, to="closed", by=istres_agent, on=D(2015, 3, 20), today=today
    )
    assert correspondence.closed_on == D(2015, 3, 20)
    statuses = list(
        correspondence.history.order_by("history_date", "history_id").values_list("status", flat=True)
    )
    assert statuses == [
        "received",
        "acknowledged",
        "in_progress",
        "waiting",
        "in_progress",
        "answered",
        "closed",
    ]
    assert {h.history_user for h in correspondence.history.all()} == {istres_agent}


def test_an_undeclared_transition_is_refused_in_french(org, referential):
    correspondence = make_correspondence(org.istres, received_on=D(2015, 3, 1))
    with pytest.raises(
        ValidationError, match="Passage impossible du statut « Reçue » au statut « Clôturée »"
    ):
        correspondence_transition(correspondence=correspondence, to="closed", by=None)
    assert Correspondence.objects.get(pk=correspondence.pk).status == Status.RECEIVED


def test_an_answer_needs_text_and_a_date_after_receipt(org, referential):
    correspondence = make_correspondence(org.istres, received_on=D(2015, 3, 10))
    with pytest.raises(ValidationError, match="texte de la réponse"):
        correspondence_transition(
            correspondence=correspondence, to="answered", by=None, on=D(2015, 3, 12), answer="  "
        )
    with pytest.raises(ValidationError) as exc:
        correspondence_transition(
            correspondence=correspondence, to="answered", by=None, on=D(2015, 3, 9), answer="Oui"
        )
    assert ERROR_ANSWER_BEFORE_RECEIPT in exc.value.messages
    assert Correspondence.objects.get(pk=correspondence.pk).answered_on is None


def test_the_database_refuses_an_answer_before_receipt(org, referential):
    correspondence = make_correspondence(org.istres, received_on=D(2015, 3, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        Correspondence.objects.filter(pk=correspondence.pk).update(answered_on=D(2015, 3, 1))


def test_a_late_answer_is_recorded_as_late_and_reopening_clears_it(org, referential):
    correspondence = make_correspondence(org.arles, received_on=D(2015, 3, 1), answered_on=D(2015, 3, 20))
    assert correspondence.answered_on_time is False and correspondence.answer_days == 19
    correspondence = correspondence_transition(
        correspondence=correspondence, to="in_progress", by=None, today=D(2015, 3, 25)
    )
    assert correspondence.answered_on is None and correspondence.answered_on_time is None
    assert correspondence.status == Status.IN_PROGRESS


def test_editing_the_kind_takes_the_new_deadline_rule(org, referential):
    correspondence = make_correspondence(org.arles, received_on=D(2015, 4, 2))
    correspondence = correspondence_update(correspondence=correspondence, by=None, kind=Kind.EMAIL)
    assert (correspondence.deadline_days, correspondence.due_on) == (5, D(2015, 4, 10))


def test_a_reception_point_of_another_site_is_refused(org, referential):
    point = org.istres.reception_points.first()
    with pytest.raises(ValidationError, match="n'appartient pas au site"):
        correspondence_create(
            site=org.arles, by=None, received_on=D(2015, 3, 1), subject="x", reception_point=point
        )
    assert not Correspondence.objects.exists()


def test_requesters_are_anonymised_five_years_after_closure_and_figures_stay(org, referential):
    old = make_correspondence(
        org.arles,
        received_on=D(2015, 3, 1),
        answered_on=D(2015, 3, 5),
        requester_name="Jeanne Dupont",
        requester_contact="jeanne@exemple.fr",
    )
    old = correspondence_transition(
        correspondence=old, to="closed", by=None, on=D(2015, 3, 6), today=D(2015, 3, 6)
    )
    recent = make_correspondence(
        org.arles, received_on=D(2019, 3, 1), answered_on=D(2019, 3, 5), requester_name="Paul"
    )
    recent = correspondence_transition(
        correspondence=recent, to="closed", by=None, on=D(2019, 3, 6), today=D(2019, 3, 6)
    )
    open_one = make_correspondence(org.arles, received_on=D(2015, 3, 1), requester_name="Open")

    assert correspondences_anonymise(today=D(2020, 3, 6)) == 1
    assert correspondences_anonymise(today=D(2020, 3, 6)) == 0
    old.refresh_from_db()
    assert (old.requester_name, old.requester_contact, old.anonymised_on) == ("", "", D(2020, 3, 6))
    assert (old.answer_days, old.answered_on_time) == (4, True)
    assert not old.history.filter(requester_name="Jeanne Dupont").exists()
    assert Correspondence.objects.get(pk=recent.pk).requester_name == "Paul"
    assert Correspondence.objects.get(pk=open_one.pk).requester_name == "Open"
