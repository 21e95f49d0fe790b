from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html

from qualipref.french import plural

register = template.Library()


@register.filter
def percent(value, decimals=None):
    """51.5 -> "51,5 %" (French separators, no decimal when it is whole)."""
    if value is None or value == "":
        return "—"
    value = Decimal(str(value))
    if decimals is None:
        decimals = 0 if value == value.to_integral_value() else 1
    return f"{number_format(value, decimal_pos=int(decimals), use_l10n=True)}\u00a0%"


@register.filter
def days(value):
    if value is None:
        return "—"
    value = Decimal(str(value))
    shown = number_format(value, decimal_pos=0 if value == value.to_integral_value() else 1, use_l10n=True)
    return f"{shown}\u00a0{plural(value, 'jour', 'jours')}"


@register.simple_tag(takes_context=True)
def query_replace(context, **changes):
    """The current query string with some parameters replaced (pagination and sorting keep filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def sort_th(context, label, key, current=None):
    """A sortable column header: a link toggling ?sort=key / -key, with aria-sort."""
    current = current if current is not None else context.get("sort", "")
    ascending = current == key
    descending = current == f"-{key}"
    target = f"-{key}" if ascending else key
    aria = "ascending" if ascending else "descending" if descending else "none"
    arrow = " ▲" if ascending else " ▼" if descending else ""
    query = query_replace(context, sort=target, page=None)
    return format_html(
        '<th scope="col" aria-sort="{}"><a href="?{}" class="link-dark">{}{}</a></th>',
        aria,
        query,
        label,
        arrow,
    )


@register.simple_tag
def absolute_url(name, *args, **kwargs):
    """`{% absolute_url "app:name" arg %}`: the page's address at the installation's public address
    (qualipref.links), for links printed or sent (e-mails, posters, examples to copy)."""
    from qualipref.links import absolute_reverse

    return absolute_reverse(name, *args, **kwargs)
