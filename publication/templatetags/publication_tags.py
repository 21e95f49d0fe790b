from decimal import Decimal

from django import template
from django.utils.formats import number_format

from qualipref.french import plural

register = template.Library()


def _number(value) -> str:
    value = Decimal(str(value))
    places = 0 if value == value.to_integral_value() else 1
    return number_format(value.quantize(Decimal(1).scaleb(-places)), decimal_pos=places, use_l10n=True)


@register.filter
def figure_value(value, unit):
    """87.5, "%" → "87,5 %"; 4.25, "jours" → "4,3 jours"; None → "—"."""
    if value is None or value == "":
        return "—"
    shown = _number(value)
    if unit == "%":
        return f"{shown}\u00a0%"
    if unit == "jours":
        return f"{shown}\u00a0{plural(value, 'jour', 'jours')}"
    if unit == "minutes":
        return f"{shown}\u00a0min"
    return f"{shown}\u00a0{unit}".strip()


@register.filter
def evolution(figure):
    """The change from the previous value, in words: "+3 points", "−1,5 jour", "stable"; "" if unknown."""
    if figure.previous_value is None or figure.value is None:
        return ""
    diff = Decimal(str(figure.value)) - Decimal(str(figure.previous_value))
    if diff == 0:
        return "stable"
    sign = "+" if diff > 0 else "−"
    shown = _number(abs(diff))
    singular, many = {
        "%": ("point", "points"),
        "jours": ("jour", "jours"),
        "minutes": ("minute", "minutes"),
    }.get(figure.unit, (figure.unit, figure.unit))
    return f"{sign}{shown}\u00a0{plural(diff, singular, many)}"
