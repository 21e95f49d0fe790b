from django import template

register = template.Library()


@register.filter
def type_count(obj, code):
    """The `n_<code>` annotation of an audit (finding count of one type)."""
    return getattr(obj, f"n_{code}", 0)


@register.filter
def at(sequence, index):
    return sequence[index]
