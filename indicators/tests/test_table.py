"""`indicator_table` (the annual report's and publication's read of indicators): site rows and
département-wide rows (crisis exercises…, site None) side by side, each with its target and verdict."""

import datetime as dt
from decimal import Decimal

import pytest

from indicators.figures import indicator_table
from indicators.tests.factories import MeasurementFactory, TargetFactory, computed_indicator, pickup_rate
from referential.loader import DEFAULT_FILE, load_referential

pytestmark = pytest.mark.django_db

START, END = dt.date(2015, 1, 1), dt.date(2015, 12, 31)


@pytest.fixture
def referential(org):
    return load_referential(DEFAULT_FILE).referential


@pytest.fixture
def exercises(org, referential):
    """Crisis exercises (a département-wide computed indicator): 2 in March 2015, 1 in Vaucluse."""
    from steering.tests.factories import ExerciseFactory

    ExerciseFactory(department=org.bdr, held_on=dt.date(2015, 3, 26))
    ExerciseFactory(department=org.bdr, held_on=dt.date(2015, 3, 30))
    ExerciseFactory(department=org.vaucluse, held_on=dt.date(2015, 3, 12))
    return computed_indicator(org.bdr, "crisis_exercises", order=2)


def test_departement_wide_values_come_as_their_own_rows_with_the_shared_target(org, exercises):
    pickup = pickup_rate(org.bdr)
    MeasurementFactory(indicator=pickup, site=org.peytral, period=dt.date(2015, 3, 1), value=Decimal("72"))
    MeasurementFactory(indicator=pickup, site=org.arles, period=dt.date(2015, 3, 1), value=Decimal("91"))
    for entity in (org.prefecture, org.arles_entity):
        TargetFactory(indicator=pickup, entity=entity, value=Decimal("80"))
        TargetFactory(indicator=exercises, entity=entity, value=Decimal("1"))

    rows = indicator_table(department=org.bdr, site_ids=[org.peytral.pk, org.arles.pk], start=START, end=END)

    site_rows = [r for r in rows if r["indicator_code"] == "taux-decroche"]
    assert [(r["site_id"], r["value"], r["on_target"], r["gap"]) for r in site_rows] == [
        (org.peytral.pk, 72.0, False, -8.0),
        (org.arles.pk, 91.0, True, 11.0),
    ]
    assert {r["level"] for r in site_rows} == {"site"}
    wide = [r for r in rows if r["indicator_code"] == exercises.code]
    assert {r["site_id"] for r in wide} == {None} and {r["level"] for r in wide} == {"department"}
    assert len(wide) == 12  # every month of the range, none missing
    by_month = {r["month"]: r for r in wide}
    march, may = by_month[dt.date(2015, 3, 1)], by_month[dt.date(2015, 5, 1)]
    assert (march["value"], march["target"], march["on_target"], march["gap"]) == (2, 1.0, True, 1.0)
    assert (may["value"], may["target"], may["on_target"]) == (0, 1.0, False)
    assert rows.index(site_rows[-1]) < rows.index(wide[0])  # by indicator order (pick-up rate first)


def test_a_departement_wide_row_has_no_target_when_the_entities_do_not_share_one(org, exercises):
    TargetFactory(indicator=exercises, entity=org.prefecture, value=Decimal("1"))
    TargetFactory(indicator=exercises, entity=org.arles_entity, value=Decimal("2"))
    # A site's own target does not apply to a figure of the whole département.
    TargetFactory(indicator=exercises, entity=org.arles_entity, site=org.arles, value=Decimal("9"))

    rows = indicator_table(department=org.bdr, site_ids=[org.peytral.pk, org.arles.pk], start=START, end=END)
    march = next(r for r in rows if r["month"] == dt.date(2015, 3, 1))
    assert (march["site_id"], march["value"], march["target"], march["on_target"], march["gap"]) == (
        None,
        2,
        None,
        None,
        None,
    )

    # With one entity asked, its own entity-wide target applies.
    rows = indicator_table(department=org.bdr, site_ids=[org.arles.pk], start=START, end=END)
    march = next(r for r in rows if r["month"] == dt.date(2015, 3, 1))
    assert (march["target"], march["on_target"]) == (2.0, True)


def test_sites_of_another_departement_are_left_out(org, exercises):
    pickup = pickup_rate(org.bdr)
    MeasurementFactory(indicator=pickup, site=org.arles, period=dt.date(2015, 3, 1))
    rows = indicator_table(department=org.bdr, site_ids=[org.arles.pk, org.avignon.pk], start=START, end=END)
    assert {r["site_id"] for r in rows} == {org.arles.pk, None}
    march = next(r for r in rows if r["site_id"] is None and r["month"] == dt.date(2015, 3, 1))
    assert march["value"] == 2  # Vaucluse's exercise is not counted
