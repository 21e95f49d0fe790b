from decimal import Decimal

import pytest

from qualipref.french import is_plural, plural


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "suggestion"),
        (1, "suggestion"),
        (Decimal("1.5"), "suggestion"),
        (2, "suggestions"),
        (-3, "suggestions"),
        (None, "suggestion"),
    ],
)
def test_french_takes_the_singular_below_two(count, expected):
    assert plural(count, "suggestion", "suggestions") == expected
    assert is_plural(count) is (expected == "suggestions")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0 jour"), (1, "1 jour"), (1.5, "1,5 jour"), (2, "2 jours"), (-3, "-3 jours"), ("4", "4 jours")],
)
def test_every_template_pluralizes_under_the_french_rule(value, expected):
    from django.template import engines

    template = engines["django"].from_string("{{ n }} jour{{ n|pluralize }}")
    assert template.render({"n": value}) == expected


def test_pluralize_keeps_djangos_arguments():
    from django.template import engines

    template = engines["django"].from_string(
        "{{ n }} journ{{ n|pluralize:'al,aux' }} · {{ items|length }} bureau{{ items|pluralize:'x' }}"
    )
    assert template.render({"n": 0, "items": ["a"]}) == "0 journal · 1 bureau"
    assert template.render({"n": 3, "items": ["a", "b"]}) == "3 journaux · 2 bureaux"
