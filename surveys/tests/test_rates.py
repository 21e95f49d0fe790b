"""The pure rules of rates, without the database."""

from decimal import Decimal

import pytest

from surveys import rates


def test_a_rate_is_the_share_satisfied_among_those_concerned():
    assert rates.satisfaction_rate(2, 3) == Decimal("66.7")
    assert rates.satisfaction_rate(103, 200) == Decimal("51.5")
    assert rates.satisfaction_rate(0, 4) == Decimal("0.0")
    assert rates.satisfaction_rate(5, 5) == Decimal("100.0")


def test_nobody_concerned_gives_no_rate():
    assert rates.satisfaction_rate(0, 0) is None


def test_an_impossible_count_is_refused():
    with pytest.raises(ValueError):
        rates.satisfaction_rate(4, 3)


def test_satisfied_and_very_satisfied_count_and_not_concerned_is_left_out():
    # 4 very satisfied, 3 satisfied, 2 dissatisfied, 1 very dissatisfied, 0 not concerned
    assert rates.counts_from_values([4, 3, 2, 1, 0, 0]) == (2, 4)


@pytest.mark.parametrize(
    ("rate", "css"),
    [
        (99, "rate-excellent"),
        (90, "rate-excellent"),
        (87, "rate-good"),
        (72, "rate-fair"),
        (Decimal("51.5"), "rate-poor"),
        (41, "rate-bad"),
        (None, "rate-none"),
    ],
)
def test_the_colour_scale(rate, css):
    assert rates.scale_class(rate) == css


def test_change_and_arrows():
    assert rates.change(Decimal("51.5"), 64) == Decimal("-12.5")
    assert rates.arrow(rates.change(70, 64)) == "▲"
    assert rates.arrow(rates.change(60, 64)) == "▼"
    assert rates.arrow(rates.change(64, 64)) == "="
    assert rates.change(None, 64) is None
    assert rates.arrow(None) == ""


def test_below_target():
    assert rates.below_target(Decimal("79.9"), Decimal(80))
    assert not rates.below_target(80, 80)
    assert not rates.below_target(50, None)
