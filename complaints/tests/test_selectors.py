import datetime as dt

import pytest

from complaints.figures import correspondence_figures, overdue_counts, yearly_complaints_by_site
from complaints.models import Kind
from complaints.services import correspondence_transition

from .factories import make_correspondence

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def register(org, referential):
    # Arles: 3 complaints (2 on time, 1 late), Istres: one answered on time, one still open and late,
    # one suggestion; Avignon (another département): one complaint.
    make_correspondence(org.arles, received_on=D(2015, 3, 1), answered_on=D(2015, 3, 5))  # 4 days
    make_correspondence(org.arles, received_on=D(2015, 3, 10), answered_on=D(2015, 3, 25))  # 15 days, on time
    make_correspondence(org.arles, received_on=D(2015, 4, 1), answered_on=D(2015, 4, 21))  # 20 days, late
    make_correspondence(org.istres, received_on=D(2015, 4, 2), answered_on=D(2015, 4, 4))  # 2 days
    make_correspondence(org.istres, received_on=D(2015, 5, 2))  # open, due 17 May
    make_correspondence(
        org.istres, received_on=D(2015, 5, 3), kind=Kind.SUGGESTION, answered_on=D(2015, 5, 4)
    )
    make_correspondence(org.avignon, received_on=D(2015, 3, 1), answered_on=D(2015, 3, 2))
    return org


def test_figures_per_site_are_one_query(register, django_assert_num_queries):
    org = register
    with django_assert_num_queries(1):
        rows = correspondence_figures(
            site_ids=[org.arles.pk, org.istres.pk],
            start=D(2015, 1, 1),
            end=D(2015, 12, 31),
            kinds=[Kind.COMPLAINT],
            today=D(2015, 6, 1),
        )
    by_site = {r["site_name"]: r for r in rows}
    arles, istres = by_site["Arles"], by_site["Istres"]
    assert (arles["received"], arles["answered"], arles["answered_on_time"]) == (3, 3, 2)
    assert arles["on_time_share"] == pytest.approx(66.7)
    assert arles["mean_answer_days"] == pytest.approx(13.0)
    assert arles["max_answer_days"] == 20
    assert (istres["received"], istres["answered"], istres["overdue_now"]) == (2, 1, 1)
    # The one on-time rate: the overdue unanswered request counts as late (1 on time ÷ (1 answered + 1 late)).
    assert (istres["late_unanswered"], istres["on_time_basis"]) == (1, 2)
    assert istres["on_time_share"] == 50.0


def test_figures_by_month_and_kind(register):
    org = register
    rows = correspondence_figures(
        site_ids=[org.istres.pk],
        start=D(2015, 1, 1),
        end=D(2015, 12, 31),
        group_by=("month", "kind"),
        today=D(2015, 6, 1),
    )
    summary = [(r["month"], r["kind"], r["received"]) for r in rows]
    assert summary == [
        (D(2015, 4, 1), "complaint", 1),
        (D(2015, 5, 1), "complaint", 1),
        (D(2015, 5, 1), "suggestion", 1),
    ]


def test_figures_by_entity_and_overall_total(register):
    org = register
    sites = [org.peytral.pk, org.saint_sebastien.pk, org.arles.pk, org.istres.pk, org.aix.pk]
    total = correspondence_figures(site_ids=sites, start=None, end=None, group_by=(), today=D(2015, 6, 1))[0]
    assert (total["received"], total["answered"], total["overdue_now"]) == (6, 5, 1)
    entities = correspondence_figures(site_ids=sites, start=None, end=None, group_by=("entity",))
    assert {r["entity_name"]: r["received"] for r in entities} == {
        "Sous-préfecture d'Arles": 3,
        "Sous-préfecture d'Istres": 3,
    }


def test_yearly_complaints_by_site_lists_every_site_and_a_total(register, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        report = yearly_complaints_by_site(department=register.bdr, year=2015)
    assert [r["site_name"] for r in report["rows"]] == [
        "Peytral",
        "Saint-Sébastien",
        "Aix-en-Provence",
        "Arles",
        "Istres",
    ]
    # Complaints and suggestions, each in its own column, and their total (Istres: 2 + 1).
    assert [r["complaints"] for r in report["rows"]] == [0, 0, 0, 3, 2]
    assert [r["suggestions"] for r in report["rows"]] == [0, 0, 0, 0, 1]
    assert [r["received"] for r in report["rows"]] == [0, 0, 0, 3, 3]
    total = report["total"]
    assert (total["received"], total["answered"], total["answered_on_time"]) == (6, 5, 4)
    # The open Istres complaint, past its due date, counts as late: 4 on time ÷ (5 answered + 1 late).
    assert (total["late_unanswered"], total["on_time_basis"]) == (1, 6)
    assert total["on_time_share"] == pytest.approx(66.7)
    assert total["mean_answer_days"] == pytest.approx((4 + 15 + 20 + 2 + 1) / 5, abs=0.06)
    assert total["max_answer_days"] == 20
    assert total["days_words"] == "jours calendaires"


def test_a_paused_request_is_not_counted_overdue(org, referential):
    correspondence = make_correspondence(org.istres, received_on=D(2015, 5, 2))
    correspondence_transition(
        correspondence=correspondence, to="waiting", by=None, on=D(2015, 5, 5), today=D(2015, 5, 5)
    )
    rows = correspondence_figures(
        site_ids=[org.istres.pk], start=None, end=None, group_by=(), today=D(2015, 6, 1)
    )
    assert rows[0]["overdue_now"] == 0


def test_overdue_counts_per_site_match_request_figures(register, django_assert_num_queries):
    org = register
    paused = make_correspondence(org.arles, received_on=D(2015, 5, 2))
    correspondence_transition(
        correspondence=paused, to="waiting", by=None, on=D(2015, 5, 5), today=D(2015, 5, 5)
    )
    sites = [org.arles.pk, org.istres.pk, org.peytral.pk, org.avignon.pk]
    with django_assert_num_queries(1):
        counts = overdue_counts(site_ids=sites, today=D(2015, 6, 1))
    assert counts == {org.istres.pk: 1}  # the paused Arles request is not overdue
    rows = correspondence_figures(
        site_ids=sites, start=None, end=None, group_by=("site",), today=D(2015, 6, 1)
    )
    assert {r["site_id"]: r["overdue_now"] for r in rows if r["overdue_now"]} == counts
    assert overdue_counts(site_ids=sites, today=D(2015, 5, 17)) == {}  # due on the 17th: not late yet
