import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from complaints.models import Kind, Request, Status
from complaints.services import (
    ERROR_ANSWER_BEFORE_RECEIPT,
    request_create,
    request_transition,
    request_update,
    requests_anonymise,
)
from referential.models import Parameter

from .factories import make_request

pytestmark = pytest.mark.django_db
D = dt.date


def test_a_complaint_takes_15_calendar_days_from_the_referential(org, referential, istres_agent):
    request = make_request(org.istres, by=istres_agent, received_on=D(2015, 3, 1))
    assert (request.deadline_days, request.deadline_kind) == (15, "calendar")
    assert request.due_on == D(2015, 3, 16)
    assert request.reference == "REC-13-2015-0001"
    assert request.status == Status.RECEIVED
    assert request.created_by == istres_agent


def test_an_email_counts_working_days_and_skips_easter_monday(org, referential):
    # 5 working days from Thursday 2 April 2015: Fri 3, (Easter Monday 6 off), Tue 7, Wed 8, Thu 9, Fri 10.
    request = make_request(org.peytral, received_on=D(2015, 4, 2), kind=Kind.EMAIL)
    assert (request.deadline_days, request.deadline_kind) == (5, "working")
    assert request.due_on == D(2015, 4, 10)
    assert request.reference.startswith("MEL-13-2015-")


def test_a_departement_override_of_the_deadline_is_used(org, referential):
    Parameter.objects.create(
        referential=referential,
        department=org.bdr,
        key="complaint_answer_days",
        label="x",
        value_type="int",
        value="10",
    )
    assert make_request(org.arles, received_on=D(2015, 3, 1)).due_on == D(2015, 3, 11)
    assert make_request(org.avignon, received_on=D(2015, 3, 1)).due_on == D(2015, 3, 16)


def test_references_run_per_departement_and_year(org, referential):
    first = make_request(org.arles, received_on=D(2015, 3, 1))
    second = make_request(org.istres, received_on=D(2015, 3, 2), kind=Kind.SUGGESTION)
    other_year = make_request(org.istres, received_on=D(2016, 1, 4))
    vaucluse = make_request(org.avignon, received_on=D(2015, 3, 2))
    assert [first.reference, second.reference, other_year.reference, vaucluse.reference] == [
        "REC-13-2015-0001",
        "SUG-13-2015-0002",
        "REC-13-2016-0001",
        "REC-84-2015-0001",
    ]


def test_the_full_workflow_records_who_and_when(org, referential, istres_agent):
    request = make_request(org.istres, by=istres_agent, received_on=D(2015, 3, 1))
    today = D(2015, 3, 20)
    request = request_transition(
        request=request, to="acknowledged", by=istres_agent, on=D(2015, 3, 2), today=today
    )
    assert request.acknowledged_on == D(2015, 3, 2)
    request = request_transition(
        request=request, to="in_progress", by=istres_agent, on=D(2015, 3, 3), today=today
    )
    request = request_transition(
        request=request, to="waiting", by=istres_agent, on=D(2015, 3, 5), today=today
    )
    request = request_transition(
        request=request, to="in_progress", by=istres_agent, on=D(2015, 3, 9), today=today
    )
    # paused days 5, 6, 7, 8 March: the deadline moves from 16 to 20 March
    assert request.due_on == D(2015, 3, 20)
    request = request_transition(
        request=request, to="answered", by=istres_agent, on=D(2015, 3, 19), answer="Merci.", today=today
    )
    assert request.answered_on_time is True
    assert request.answer_days == 18 - 4
    assert request.status_changed_by == istres_agent
    request = request_transition(
        request=request, to="closed", by=istres_agent, on=D(2015, 3, 20), today=today
    )
    assert request.closed_on == D(2015, 3, 20)
    statuses = list(request.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses == [
        "received",
        "acknowledged",
        "in_progress",
        "waiting",
        "in_progress",
        "answered",
        "closed",
    ]
    assert {h.history_user for h in request.history.all()} == {istres_agent}


def test_an_undeclared_transition_is_refused_in_french(org, referential):
    request = make_request(org.istres, received_on=D(2015, 3, 1))
    with pytest.raises(
        ValidationError, match="Passage impossible du statut « Reçue » au statut « Clôturée »"
    ):
        request_transition(request=request, to="closed", by=None)
    assert Request.objects.get(pk=request.pk).status == Status.RECEIVED


def test_an_answer_needs_text_and_a_date_after_receipt(org, referential):
    request = make_request(org.istres, received_on=D(2015, 3, 10))
    with pytest.raises(ValidationError, match="texte de la réponse"):
        request_transition(request=request, to="answered", by=None, on=D(2015, 3, 12), answer="  ")
    with pytest.raises(ValidationError) as exc:
        request_transition(request=request, to="answered", by=None, on=D(2015, 3, 9), answer="Oui")
    assert ERROR_ANSWER_BEFORE_RECEIPT in exc.value.messages
    assert Request.objects.get(pk=request.pk).answered_on is None


def test_the_database_refuses_an_answer_before_receipt(org, referential):
    request = make_request(org.istres, received_on=D(2015, 3, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        Request.objects.filter(pk=request.pk).update(answered_on=D(2015, 3, 1))


def test_a_late_answer_is_recorded_as_late_and_reopening_clears_it(org, referential):
    request = make_request(org.arles, received_on=D(2015, 3, 1), answered_on=D(2015, 3, 20))
    assert request.answered_on_time is False and request.answer_days == 19
    request = request_transition(request=request, to="in_progress", by=None, today=D(2015, 3, 25))
    assert request.answered_on is None and request.answered_on_time is None
    assert request.status == Status.IN_PROGRESS


def test_editing_the_kind_takes_the_new_deadline_rule(org, referential):
    request = make_request(org.arles, received_on=D(2015, 4, 2))
    request = request_update(request=request, by=None, kind=Kind.EMAIL)
    assert (request.deadline_days, request.due_on) == (5, D(2015, 4, 10))


def test_a_reception_point_of_another_site_is_refused(org, referential):
    point = org.istres.reception_points.first()
    with pytest.raises(ValidationError, match="n'appartient pas au site"):
        request_create(site=org.arles, by=None, received_on=D(2015, 3, 1), subject="x", reception_point=point)
    assert not Request.objects.exists()


def test_requesters_are_anonymised_five_years_after_closure_and_figures_stay(org, referential):
    old = make_request(
        org.arles,
        received_on=D(2015, 3, 1),
        answered_on=D(2015, 3, 5),
        requester_name="Jeanne Dupont",
        requester_contact="jeanne@exemple.fr",
    )
    old = request_transition(request=old, to="closed", by=None, on=D(2015, 3, 6), today=D(2015, 3, 6))
    recent = make_request(
        org.arles, received_on=D(2019, 3, 1), answered_on=D(2019, 3, 5), requester_name="Paul"
    )
    recent = request_transition(request=recent, to="closed", by=None, on=D(2019, 3, 6), today=D(2019, 3, 6))
    open_one = make_request(org.arles, received_on=D(2015, 3, 1), requester_name="Open")

    assert requests_anonymise(today=D(2020, 3, 6)) == 1
    assert requests_anonymise(today=D(2020, 3, 6)) == 0
    old.refresh_from_db()
    assert (old.requester_name, old.requester_contact, old.anonymised_on) == ("", "", D(2020, 3, 6))
    assert (old.answer_days, old.answered_on_time) == (4, True)
    assert not old.history.filter(requester_name="Jeanne Dupont").exists()
    assert Request.objects.get(pk=recent.pk).requester_name == "Paul"
    assert Request.objects.get(pk=open_one.pk).requester_name == "Open"
