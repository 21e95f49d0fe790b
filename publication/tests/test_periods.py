import datetime as dt
from decimal import Decimal

from publication import periods


def test_the_last_twelve_months_are_the_complete_months_before_today():
    assert periods.last_twelve_months(dt.date(2015, 12, 15)) == (dt.date(2014, 12, 1), dt.date(2015, 11, 30))
    assert periods.last_twelve_months(dt.date(2016, 1, 1)) == (dt.date(2015, 1, 1), dt.date(2015, 12, 31))


def test_the_previous_period_has_the_same_length():
    assert periods.previous_period(dt.date(2015, 1, 1), dt.date(2015, 12, 31)) == (
        dt.date(2014, 1, 1),
        dt.date(2014, 12, 31),
    )
    assert periods.previous_period(dt.date(2015, 3, 1), dt.date(2015, 3, 31)) == (
        dt.date(2015, 2, 1),
        dt.date(2015, 2, 28),
    )
    assert periods.previous_period(dt.date(2015, 3, 10), dt.date(2015, 3, 19)) == (
        dt.date(2015, 2, 28),
        dt.date(2015, 3, 9),
    )


def test_period_labels_read_as_french():
    assert periods.period_label(dt.date(2015, 1, 1), dt.date(2015, 12, 31)) == "année 2015"
    assert periods.period_label(dt.date(2015, 3, 1), dt.date(2015, 3, 31)) == "mars 2015"
    assert (
        periods.period_label(dt.date(2014, 12, 1), dt.date(2015, 11, 30)) == "décembre 2014 à novembre 2015"
    )
    assert (
        periods.period_label(dt.date(2015, 3, 1), dt.date(2015, 4, 15)) == "du 1er mars 2015 au 15 avril 2015"
    )


def test_open_data_numbers_use_a_dot_and_no_useless_zeros():
    assert periods.open_data_number(Decimal("51.50")) == "51.5"
    assert periods.open_data_number(Decimal("80.00")) == "80"
    assert periods.open_data_number(None) == ""
    assert periods.rounded(14.333) == Decimal("14.3")
