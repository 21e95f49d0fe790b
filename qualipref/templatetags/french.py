"""`pluralize` under the French rule, for every template (a builtin of the template engine, set in
settings.TEMPLATES): Django's own gives « 0 jours », French says « 0 jour » (`qualipref.french`)."""

from django import template

from qualipref.french import is_plural

register = template.Library()


@register.filter(is_safe=False)
def pluralize(value, arg="s"):
    """Django's `pluralize` (same arguments: `"s"`, `"x"`, `"al,aux"`) with the singular below 2."""
    if "," not in arg:
        arg = "," + arg
    bits = arg.split(",")
    if len(bits) > 2:
        return ""
    singular_suffix, plural_suffix = bits
    try:
        count = float(value)
    except ValueError:  # a string that is not a number
        return ""
    except TypeError:  # a list, a queryset: its length
        try:
            count = len(value)
        except TypeError:
            return ""
    return plural_suffix if is_plural(count) else singular_suffix
