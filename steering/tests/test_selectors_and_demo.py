"""The figures other apps read, checked on the demo data (every figure computed from the database)."""

import datetime as dt

import pytest
from django.utils import timezone

from sites.models import Site
from steering import demo as steering_demo
from steering import figures
from steering.models import Agent, Deadline, Meeting

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

D = dt.date
YEAR_2015 = (D(2015, 1, 1), D(2015, 12, 31))


@pytest.fixture
def demo(demo):
    """The sites of département 13 in the session's demo data."""
    return list(Site.objects.filter(entity__department__code="13").values_list("pk", flat=True))


def test_committees_and_events_of_2015(demo):
    held = figures.meetings_held(demo, *YEAR_2015)
    assert held["steering"] == 12
    assert held["users"] == 1
    assert held["working_group"] == 3
    assert figures.users_committee_dates(demo, *YEAR_2015) == [D(2015, 4, 30)]
    titles = [e["title"] for e in figures.label_events(demo, *YEAR_2015)]
    assert "Nomination d'une nouvelle chargée de mission qualité en octobre" in titles
    assert any(t.startswith("Nouveau référentiel en février") for t in titles)
    assert (
        len(figures.decisions_taken(demo, *YEAR_2015))
        == Meeting.objects.filter(held_on__year=2015).values("decisions").exclude(decisions=None).count()
    )


def test_communication_figures_of_2015(demo):
    assert len(figures.newsletters(demo, *YEAR_2015)) == 6
    tweets = figures.social_media_counts(demo, *YEAR_2015)
    assert tweets["total"] == 942 and tweets["by_network"] == {"twitter": 942}
    assert len(tweets["by_month"]) == 12
    exercises = figures.exercises_held(demo, *YEAR_2015)
    assert exercises["with_cip"] >= 1 and exercises["without_cip"] >= 1
    assert figures.press_releases(demo, *YEAR_2015)["total"] >= 5


def test_documents_written_and_revised_in_2015(demo):
    docs = figures.documents_written_or_revised(demo, *YEAR_2015)
    written = {d["title"] for d in docs["written"]}
    assert "Plan de communication de crise" in written
    assert {d["kind"] for d in docs["written"]} == {"reference", "procedure", "guide", "plan"}
    assert "Plan de communication de crise" in {d["title"] for d in docs["revised"]}


def test_training_compliance_is_below_100_at_the_prefecture_only(demo):
    for on in (D(2015, 12, 31), timezone.localdate()):
        rows = {r["site"]: r for r in figures.training_compliance(demo, on)}
        assert rows["Peytral"]["rate"] < 100 or rows["Saint-Sébastien"]["rate"] < 100
        assert all(rows[s]["rate"] == 100 for s in ("Aix-en-Provence", "Arles", "Istres"))


def test_the_2016_outlook_follows_section_v(demo):
    lines = {
        line["title"]: line for line in figures.calendar_outlook_summary(demo, D(2016, 1, 1), D(2016, 12, 31))
    }
    assert len(lines["COPIL mensuel 2016"]["dates"]) == 12
    assert len(lines["Auto-évaluations trimestrielles 2016 : conditions d'accueil sur site"]["dates"]) == 4
    assert lines["Comité local des usagers 2016"]["dates"] == [D(2016, 4, 28)]
    assert lines["Enquêtes de satisfaction 2016"]["dates"] == [D(2016, 5, 2)]
    audit = figures.calendar_outlook(demo, D(2017, 1, 1), D(2017, 12, 31))
    assert any(o["title"] == "Audit de renouvellement du label" and o["date"] == D(2017, 6, 1) for o in audit)


def test_the_arles_figures_leave_out_istres_rows(demo):
    arles = list(Site.objects.filter(code="arles").values_list("pk", flat=True))
    rows = figures.training_compliance(arles, D(2015, 12, 31))
    assert [r["site"] for r in rows] == ["Arles"]
    today = timezone.localdate()
    titles = {o["title"] for o in figures.calendar_outlook(arles, today, today + dt.timedelta(days=400))}
    assert "Auto-évaluation trimestrielle – Arles" in titles
    assert "Revue du plan de communication de crise" not in titles  # préfecture only


def test_the_demo_shows_current_deadlines_and_is_idempotent(demo):
    from steering.selectors import calendar_items

    today = timezone.localdate()
    items = calendar_items(
        Deadline.objects.all(), today - dt.timedelta(days=30), today + dt.timedelta(days=30)
    )
    assert {"due_soon", "overdue", "done"} <= {i.status for i in items}
    counts = (Agent.objects.count(), Meeting.objects.count(), Deadline.objects.count())
    steering_demo.load()
    assert (Agent.objects.count(), Meeting.objects.count(), Deadline.objects.count()) == counts
