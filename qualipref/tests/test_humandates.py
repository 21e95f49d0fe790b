"""Dates as a person reads them (qualipref.humandates and the `human_date` template filter)."""

import datetime as dt
from html import unescape

from django.template import Context, Template

from qualipref.humandates import due_phrase, relative, since

TODAY = dt.date(2026, 12, 4)


def test_near_days_are_words_and_far_ones_are_dates():
    assert relative(TODAY, TODAY) == "aujourd'hui"
    assert relative(TODAY - dt.timedelta(days=1), TODAY) == "hier"
    assert relative(TODAY + dt.timedelta(days=1), TODAY) == "demain"
    assert relative(TODAY + dt.timedelta(days=3), TODAY) == "dans 3 jours"
    assert relative(TODAY - dt.timedelta(days=3), TODAY) == "il y a 3 jours"
    assert relative(dt.date(2027, 3, 1), TODAY) == "le 1er mars 2027"
    assert relative(dt.date(2026, 3, 12), TODAY) == "le 12 mars"


def test_since_never_counts_thousands_of_days():
    assert since(dt.date(2017, 5, 26), TODAY) == "depuis le 26 mai 2017"
    assert since(TODAY - dt.timedelta(days=1), TODAY) == "depuis hier"
    assert since(TODAY - dt.timedelta(days=2), TODAY) == "depuis 2 jours"
    assert since(TODAY, TODAY) == "depuis aujourd'hui"
    assert due_phrase(dt.date(2024, 3, 12), TODAY) == "en retard depuis le 12 mars 2024"
    assert due_phrase(TODAY + dt.timedelta(days=3), TODAY) == "échéance dans 3 jours"
    assert due_phrase(TODAY, TODAY) == "échéance aujourd'hui"


def test_the_template_filter_uses_the_same_words(settings):
    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 4, 10, 0), tick=False):
        html = Template(
            '{% load human_dates %}{{ a|human_date }}|{{ b|human_date:"depuis" }}|'
            '{{ c|human_date:"echeance" }}|{{ none|human_date }}'
        ).render(
            Context({"a": TODAY + dt.timedelta(days=3), "b": dt.date(2024, 3, 12), "c": TODAY, "none": None})
        )
    assert unescape(html) == "dans 3 jours|depuis le 12 mars 2024|échéance aujourd'hui|"
