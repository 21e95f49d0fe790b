"""Pure rules: months, the target in force, the verdict and the gap (no database)."""

import datetime as dt
from decimal import Decimal

from indicators import rules
from indicators.rules import TargetRow


def test_a_window_of_twelve_months_ends_with_the_month_shown():
    months = rules.month_window(dt.date(2015, 6, 17))
    assert months[0] == dt.date(2014, 7, 1) and months[-1] == dt.date(2015, 6, 1) and len(months) == 12


def test_month_helpers():
    assert rules.add_months(dt.date(2015, 12, 1), 1) == dt.date(2016, 1, 1)
    assert rules.month_end(dt.date(2016, 2, 1)) == dt.date(2016, 2, 29)
    assert rules.parse_month("2015-06") == dt.date(2015, 6, 1)
    assert rules.parse_month("2015-06-30") == dt.date(2015, 6, 1)
    assert rules.parse_month("juin") is None and rules.parse_month("2015-13") is None
    assert rules.month_label(dt.date(2015, 6, 1), long=True) == "juin 2015"


TARGETS = [
    TargetRow(entity_id=1, site_id=None, year=2015, value=Decimal("80")),
    TargetRow(entity_id=1, site_id=None, year=2016, value=Decimal("85")),
    TargetRow(entity_id=1, site_id=11, year=2015, value=Decimal("75")),
    TargetRow(entity_id=2, site_id=None, year=2015, value=Decimal("90")),
]


def test_a_target_holds_from_its_year_until_the_next_one():
    assert rules.target_in_force(TARGETS, entity_id=1, site_id=12, year=2015) == Decimal("80")
    assert rules.target_in_force(TARGETS, entity_id=1, site_id=12, year=2016) == Decimal("85")
    assert rules.target_in_force(TARGETS, entity_id=1, site_id=12, year=2019) == Decimal("85")
    assert rules.target_in_force(TARGETS, entity_id=1, site_id=12, year=2014) is None


def test_a_site_target_comes_before_its_entity_target():
    assert rules.target_in_force(TARGETS, entity_id=1, site_id=11, year=2015) == Decimal("75")
    assert rules.target_in_force(TARGETS, entity_id=2, site_id=21, year=2015) == Decimal("90")


def test_the_verdict_follows_the_direction_and_gives_the_gap():
    off = rules.verdict(66.3, Decimal("80"), rules.HIGHER)
    assert (off.on_target, off.gap, off.badge) == (False, Decimal("-13.7"), "danger")
    assert rules.verdict(80, 80, rules.HIGHER).on_target
    waiting = rules.verdict(32, 30, rules.LOWER)
    assert (waiting.on_target, waiting.gap) == (False, Decimal("2.0"))
    assert rules.verdict(None, 80, rules.HIGHER) is None and rules.verdict(70, None, rules.HIGHER) is None


def test_values_and_gaps_read_the_french_way():
    assert rules.format_value(51.5, "percent") == "51,5\u00a0%"
    assert rules.format_value(Decimal("12.00"), "minutes") == "12\u00a0min"
    assert rules.format_gap(Decimal("-13.7"), "percent") == "−13,7\u00a0pt"
    assert rules.format_gap(Decimal("2"), "count") == "+2"
    assert rules.format_value(18113, "count") == "18\u202f113"
