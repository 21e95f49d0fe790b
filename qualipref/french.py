"""French grammar written once: the plural rule of French typography.

In French a count below 2 takes the singular (« 0 suggestion », « 1,5 jour »), 2 and more the plural.
Django's `ngettext` without a message catalogue applies the English rule (`n != 1`, « 0 suggestions »):
the application writes French only, so every plural it prints goes through `plural` below.
"""

from decimal import Decimal


def is_plural(count) -> bool:
    """True from 2 up (and from -2 down): 0, 1 and 1.5 are singular in French."""
    return abs(Decimal(str(count or 0))) >= 2


def plural(count, singular: str, many: str) -> str:
    """`singular` or `many` for `count` under the French rule: plural(0, "suggestion", "suggestions")."""
    return many if is_plural(count) else singular
