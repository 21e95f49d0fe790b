"""Each computed indicator against known data built with the other app's models (never a copy)."""

import datetime as dt
from decimal import Decimal

import pytest

from indicators import computed
from indicators.selectors import monthly_values
from indicators.tests.factories import computed_indicator
from referential.loader import DEFAULT_FILE, load_referential

pytestmark = pytest.mark.django_db

START, END = dt.date(2015, 1, 1), dt.date(2015, 12, 31)


@pytest.fixture
def referential(org):
    return load_referential(DEFAULT_FILE).referential


def values_of(indicator, sites, start=START, end=END):
    return {
        (site, month): value
        for (ind, site, month), value in monthly_values(
            indicators=[indicator], site_ids=[s.pk for s in sites], start=start, end=end
        ).items()
        if ind == indicator.pk
    }


def test_every_computation_says_how_it_is_computed():
    for computation in computed.registry().values():
        assert len(computation.how) > 40 and computation.label


def test_complaints_answered_on_time_and_mean_answer_time(org, referential):
    from complaints.tests.factories import make_correspondence

    # Peytral, March: 3 answered (2 within the 15 days, 1 late), 1 still open; April: 1 on time.
    make_correspondence(org.peytral, received_on=dt.date(2015, 3, 2), answered_on=dt.date(2015, 3, 6))
    make_correspondence(org.peytral, received_on=dt.date(2015, 3, 3), answered_on=dt.date(2015, 3, 13))
    make_correspondence(org.peytral, received_on=dt.date(2015, 3, 4), answered_on=dt.date(2015, 4, 30))
    make_correspondence(org.peytral, received_on=dt.date(2015, 3, 5))
    make_correspondence(org.arles, received_on=dt.date(2015, 4, 1), answered_on=dt.date(2015, 4, 3))
    make_correspondence(
        org.arles, received_on=dt.date(2015, 4, 2), kind="suggestion", answered_on=dt.date(2015, 6, 30)
    )
    on_time = computed_indicator(org.bdr, "complaints_on_time_share")
    mean = computed_indicator(org.bdr, "complaints_mean_answer_days")
    sites = [org.peytral, org.arles]
    # The one on-time rate: answered on time ÷ (answered + past due without an answer): 2 ÷ (3 + 1).
    assert values_of(on_time, sites) == {
        (org.peytral.pk, dt.date(2015, 3, 1)): 50.0,
        (org.arles.pk, dt.date(2015, 4, 1)): 100.0,
    }
    means = values_of(mean, sites)
    from complaints.models import Correspondence

    expected = (
        sum(
            Correspondence.objects.filter(site=org.peytral, answered_on__isnull=False).values_list(
                "answer_days", flat=True
            )
        )
        / 3
    )
    assert means[(org.peytral.pk, dt.date(2015, 3, 1))] == round(expected, 1)
    assert means[(org.arles.pk, dt.date(2015, 4, 1))] == 2  # the suggestion is not a complaint


def test_the_complaint_figures_read_once_for_both_computations_give_each_its_own_values(org, referential):
    """The share answered on time and the mean answer time are figures of the same rows: asked together,
    the complaints are read once; each indicator gets what its computation gives on its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints.tests.factories import make_correspondence

    make_correspondence(org.peytral, received_on=dt.date(2015, 3, 2), answered_on=dt.date(2015, 3, 6))
    make_correspondence(org.peytral, received_on=dt.date(2015, 3, 4), answered_on=dt.date(2015, 4, 30))
    make_correspondence(org.arles, received_on=dt.date(2015, 4, 1), answered_on=dt.date(2015, 4, 3))
    make_correspondence(org.arles, received_on=dt.date(2015, 5, 1))
    indicators = [
        computed_indicator(org.bdr, "complaints_on_time_share"),
        computed_indicator(org.bdr, "complaints_mean_answer_days"),
    ]
    site_ids = [org.peytral.pk, org.arles.pk]
    with CaptureQueriesContext(connection) as queries:
        together = monthly_values(indicators=indicators, site_ids=site_ids, start=START, end=END)
    complaint_reads = [q for q in queries.captured_queries if "complaints_correspondence" in q["sql"]]
    assert len(complaint_reads) == 1
    for indicator in indicators:
        alone = computed.get(indicator.computed_code).compute(site_ids, START, END, "")
        assert alone  # the comparison holds figures
        assert {(s, m): v for (i, s, m), v in together.items() if i == indicator.pk} == alone


def test_share_of_reception_agents_trained_within_four_years(org, referential, settings):
    from steering.tests.factories import AgentFactory, TrainingFactory

    # Arles, end of June 2015: 3 reception agents; one trained in 2014, one in 2010 (expired), one never
    # trained but took the post in 2013 (still within 4 years); a back-office agent does not count.
    TrainingFactory(
        agent=AgentFactory(site=org.arles, took_post_on=dt.date(2005, 1, 1)), trained_on=dt.date(2014, 5, 1)
    )
    TrainingFactory(
        agent=AgentFactory(site=org.arles, took_post_on=dt.date(2005, 1, 1)), trained_on=dt.date(2010, 5, 1)
    )
    AgentFactory(site=org.arles, took_post_on=dt.date(2013, 1, 1))
    AgentFactory(site=org.arles, reception_duties=False, took_post_on=dt.date(2000, 1, 1))
    trained = computed_indicator(org.bdr, "training_compliance")
    june = values_of(trained, [org.arles], dt.date(2015, 6, 1), dt.date(2015, 6, 30))
    assert june == {(org.arles.pk, dt.date(2015, 6, 1)): round(100 * 2 / 3, 1)}


def test_crisis_exercises_newsletters_and_posts_are_counted_per_month_for_the_department(org, referential):
    from steering.models import Newsletter, SocialMediaCount
    from steering.tests.factories import ExerciseFactory

    ExerciseFactory(department=org.bdr, held_on=dt.date(2015, 3, 26))
    ExerciseFactory(department=org.bdr, held_on=dt.date(2015, 3, 30), cip_activated=True)
    ExerciseFactory(department=org.vaucluse, held_on=dt.date(2015, 3, 12))
    Newsletter.objects.create(department=org.bdr, number=1, published_on=dt.date(2015, 2, 10))
    Newsletter.objects.create(department=org.bdr, number=2, published_on=dt.date(2015, 4, 10))
    SocialMediaCount.objects.create(department=org.bdr, month=dt.date(2015, 3, 1), posts=80)
    SocialMediaCount.objects.create(
        department=org.bdr, month=dt.date(2015, 3, 1), posts=20, network="facebook"
    )
    sites = [org.peytral, org.arles]
    exercises = values_of(computed_indicator(org.bdr, "crisis_exercises"), sites)
    assert exercises[(None, dt.date(2015, 3, 1))] == 2 and exercises[(None, dt.date(2015, 5, 1))] == 0
    letters = values_of(computed_indicator(org.bdr, "newsletters"), sites)
    assert [letters[(None, dt.date(2015, m, 1))] for m in (1, 2, 3, 4)] == [0, 1, 0, 1]
    posts = values_of(computed_indicator(org.bdr, "social_posts"), sites)
    assert posts[(None, dt.date(2015, 3, 1))] == 100


def test_open_nonconformities_per_site(org, referential, quality_manager):
    from audits.models import Finding
    from referential.models import FindingType

    types = {t.code: t for t in FindingType.objects.filter(referential=referential)}

    def finding(site, code, observed, status=Finding.Status.OPEN, entity=None):
        closed = status == Finding.Status.VERIFIED_CLOSED
        return Finding.objects.create(
            department=org.bdr, entity=entity or site.entity, site=site, finding_type=types[code],
            title="Constat", observed_on=observed, status=status, verified_on=observed if closed else None,
        )  # fmt: skip

    finding(org.arles, "minor_nonconformity", dt.date(2015, 3, 10))
    finding(org.arles, "major_nonconformity", dt.date(2015, 5, 10))
    finding(org.arles, "minor_nonconformity", dt.date(2015, 3, 10), status=Finding.Status.VERIFIED_CLOSED)
    finding(org.arles, "sensitive_point", dt.date(2015, 3, 10))
    finding(org.peytral, "minor_nonconformity", dt.date(2015, 3, 10))
    indicator = computed_indicator(org.bdr, "open_nonconformities")
    got = values_of(indicator, [org.arles, org.istres], dt.date(2015, 3, 1), dt.date(2015, 6, 30))
    assert got[(org.arles.pk, dt.date(2015, 3, 1))] == 1
    assert got[(org.arles.pk, dt.date(2015, 5, 1))] == 2
    assert got[(org.istres.pk, dt.date(2015, 5, 1))] == 0


def test_actions_done_on_time(org, referential):
    from actionplans.models import Action
    from actionplans.tests.factories import ActionFactory, ActionPlanFactory

    plan = ActionPlanFactory(entity=org.arles_entity, year=2015)

    def action(due, completed, status=Action.Status.DONE):
        reason = "Abandonnée" if status == Action.Status.CANCELLED else ""
        return ActionFactory(
            plan=plan, start_on=dt.date(2015, 1, 5), due_on=due, completed_on=completed, status=status,
            cancel_reason=reason, sites=[org.arles],
        )  # fmt: skip

    action(dt.date(2015, 6, 30), dt.date(2015, 6, 20))
    action(dt.date(2015, 6, 15), dt.date(2015, 6, 25))
    action(dt.date(2015, 6, 10), dt.date(2015, 6, 10))
    action(dt.date(2015, 6, 12), None, status=Action.Status.IN_PROGRESS)
    action(dt.date(2015, 6, 12), None, status=Action.Status.CANCELLED)
    indicator = computed_indicator(org.bdr, "actions_on_time_share")
    got = values_of(indicator, [org.arles], dt.date(2015, 6, 1), dt.date(2015, 6, 30))
    assert got == {(org.arles.pk, dt.date(2015, 6, 1)): round(100 * 2 / 3, 1)}


def test_satisfaction_per_criterion(org, referential):
    from surveys.models import Result
    from surveys.tests.factories import UnitFactory, campaign_with_units

    campaign, units, criteria = campaign_with_units(
        org, units=[org.arles, org.istres], rates=[[80, 70, 60, 50, 40, 30, 20], [75, 70, 60, 50, 40, 30, 20]]
    )
    telephone = next(c for c in criteria if c.code == "telephone")
    second = UnitFactory(campaign=campaign, site=org.arles, code="arles-titres", name="Titres")
    Result.objects.create(unit=second, criterion=telephone, rate=Decimal("90"))
    units = [units[0], second]
    # Arles' two units: counts known → satisfied ÷ concerned over both (48 + 9) ÷ (60 + 10).
    Result.objects.filter(unit=units[0], criterion=telephone).update(satisfied=48, concerned=60)
    Result.objects.filter(unit=units[1], criterion=telephone).update(satisfied=9, concerned=10)
    indicator = computed_indicator(org.bdr, "satisfaction", code="satisfaction-telephone", param="telephone")
    got = values_of(indicator, [org.arles, org.istres])
    assert got == {
        (org.arles.pk, dt.date(2015, 12, 1)): round(100 * 57 / 70, 1),
        (org.istres.pk, dt.date(2015, 12, 1)): 75.0,
    }


def test_measured_daily_values_are_summed_or_averaged_per_month(org):
    from indicators.models import Indicator, Measurement

    calls = Indicator.objects.create(
        department=org.bdr, code="appels", name="Appels", unit="count", frequency="daily", aggregation="sum"
    )
    wait = Indicator.objects.create(
        department=org.bdr, code="attente", name="Attente", unit="minutes", frequency="daily"
    )
    for day, n, minutes in ((1, 100, 10), (2, 50, 20), (3, 30, 30)):
        Measurement.objects.create(indicator=calls, site=org.aix, period=dt.date(2015, 6, day), value=n)
        Measurement.objects.create(indicator=wait, site=org.aix, period=dt.date(2015, 6, day), value=minutes)
    assert values_of(calls, [org.aix]) == {(org.aix.pk, dt.date(2015, 6, 1)): 180}
    assert values_of(wait, [org.aix]) == {(org.aix.pk, dt.date(2015, 6, 1)): 20}
    assert Decimal("20") == Decimal(str(values_of(wait, [org.aix])[(org.aix.pk, dt.date(2015, 6, 1))]))
