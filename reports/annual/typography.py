"""French typography for printed documents (pure functions, no database).

- a non-breaking space before the high punctuation (: ; ? !), before % and inside « » ;
- dates written out: "30 avril 2015", "1er octobre 2015" ;
- numbers with a decimal comma: "51,5".
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

NBSP = "\u00a0"

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

# Before ; ? ! : (followed by a space or the end, so URLs keep theirs), before % and inside « »,
# an ordinary space becomes a non-breaking one, and a missing one is added.
_SPACED = re.compile(r"[ \t]+([;:?!»])(?=\s|$|[?!»])")
_STUCK = re.compile(r"(?<=[^\W_])([;:?!])(?=\s|$)")
_STUCK_CLOSING = re.compile(r"(?<=[^\s\u00a0])»")
_PERCENT = re.compile(r"(?<=\d)[ \t]*%")
_OPENING_QUOTE = re.compile(r"«[ \t]*")


def french_spacing(text: str) -> str:
    """Put non-breaking spaces where French typography wants them."""
    if not text:
        return text
    text = _SPACED.sub(NBSP + r"\1", text)
    text = _STUCK.sub(NBSP + r"\1", text)
    text = _STUCK_CLOSING.sub(NBSP + "»", text)
    text = _PERCENT.sub(NBSP + "%", text)
    return _OPENING_QUOTE.sub("«" + NBSP, text)


def date_fr(value: dt.date | None) -> str:
    """30 avril 2015; the first of the month is written "1er"."""
    if value is None:
        return "—"
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day}{NBSP}{MONTHS[value.month - 1]} {value.year}"


def month_fr(value: dt.date) -> str:
    """'avril 2015'."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def month_short(value: dt.date) -> str:
    """'avr.' — a month as a chart axis label."""
    name = MONTHS[value.month - 1]
    return name if len(name) <= 4 else name[:3] + "."


def number_fr(value, decimals: int | None = None) -> str:
    """1234.5 -> '1 234,5' (thin grouping with a non-breaking space, decimal comma)."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    if decimals is None:
        decimals = 0 if value == value.to_integral_value() else 1
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def percent_fr(value, decimals: int | None = None) -> str:
    """87 -> '87 %', 51.5 -> '51,5 %'."""
    if value is None:
        return "—"
    return f"{number_fr(value, decimals)}{NBSP}%"
