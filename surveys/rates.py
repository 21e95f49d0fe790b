"""Pure rules of satisfaction rates (no database): the rate, its colour on the scale, the change."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")

# The colour scale of the matrix: (lower bound inclusive, css class, label for the legend).
SCALE = [
    (Decimal(90), "rate-excellent", "90 % et plus"),
    (Decimal(75), "rate-good", "de 75 à 89,9 %"),
    (Decimal(60), "rate-fair", "de 60 à 74,9 %"),
    (Decimal(50), "rate-poor", "de 50 à 59,9 %"),
    (Decimal(0), "rate-bad", "moins de 50 %"),
]


def satisfaction_rate(satisfied: int, concerned: int) -> Decimal | None:
    """Share of satisfied + very satisfied among those concerned, in %, one decimal (None if nobody)."""
    if concerned <= 0:
        return None
    if not 0 <= satisfied <= concerned:
        raise ValueError("satisfied must lie between 0 and concerned")
    return (Decimal(satisfied) * 100 / Decimal(concerned)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def counts_from_values(values) -> tuple[int, int]:
    """(satisfied, concerned) from answers on the 4-point scale (4, 3 satisfied; 0 = not concerned)."""
    concerned = sum(1 for v in values if v >= 1)
    satisfied = sum(1 for v in values if v >= 3)
    return satisfied, concerned


def scale_class(rate) -> str:
    if rate is None:
        return "rate-none"
    rate = Decimal(str(rate))
    for bound, css, _label in SCALE:
        if rate >= bound:
            return css
    return SCALE[-1][1]


def below_target(rate, target) -> bool:
    return rate is not None and target is not None and Decimal(str(rate)) < Decimal(str(target))


def change(current, previous) -> Decimal | None:
    """Difference in points (current − previous), or None when one side is missing."""
    if current is None or previous is None:
        return None
    return Decimal(str(current)) - Decimal(str(previous))


def arrow(difference) -> str:
    if difference is None:
        return ""
    if difference > 0:
        return "▲"
    if difference < 0:
        return "▼"
    return "="
