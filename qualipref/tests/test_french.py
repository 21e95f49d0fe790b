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
