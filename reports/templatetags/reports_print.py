"""Filters for printed reports: French typography on every text, dates and numbers written out."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from qualipref import french
from reports.annual import typography

register = template.Library()


@register.filter(is_safe=True)
def fr(value):
    """Escape a text after giving it French spacing (non-breaking space before : ; ? ! % »)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value)
    return mark_safe(conditional_escape(typography.french_spacing(str(value))))  # noqa: S308 - escaped


@register.filter
def date_fr(value):
    return typography.date_fr(value)


@register.filter
def month_fr(value):
    return typography.month_fr(value) if value else "—"


@register.filter
def pct(value, decimals=None):
    return typography.percent_fr(value, None if decimals in (None, "") else int(decimals))


@register.filter
def num(value, decimals=None):
    return typography.number_fr(value, None if decimals in (None, "") else int(decimals))


@register.filter
def plural(count, forms):
    """{{ n|plural:"réclamation,réclamations" }}"""
    singular, _, many = forms.partition(",")
    return french.plural(count, singular, many)


def _lcfirst(text: str) -> str:
    """'Accueil des personnes (PMR)' -> 'accueil des personnes (PMR)'; acronyms ('SVI …') stay."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


@register.filter
def lcfirst(value):
    return _lcfirst(str(value or ""))


@register.filter
def sentence_list(items):
    """['Courtoisie', 'Facilité d'accès'] -> 'Courtoisie, facilité d'accès' (one sentence)."""
    items = [str(i).strip().rstrip(".") for i in items or [] if str(i).strip()]
    return ", ".join([items[0], *(_lcfirst(i) for i in items[1:])]) if items else ""


@register.simple_tag(takes_context=True)
def report_table(context, name, source=None):
    """{% report_table "complaints" evaluation.complaints %}: a table of `reports.annual.tables`, declared
    once for the PDF and the workbook; without a source, the table reads the whole report's context."""
    from reports.annual.tables import TABLES
    from reports.tables import table_html

    return table_html(TABLES[name], context.flatten() if source is None else source)
