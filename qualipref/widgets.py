"""A select written in Python: the markup of Django's widget templates (`select.html`, `select_option.html`:
options and option groups, the selected ones), without a template per option. A select of the country's
398 sites or 500 users cost 20–60 ms in templates; the registers' filter forms and the forms' long
selects share this one writer."""

from __future__ import annotations

import copy

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def attributes(attrs: dict) -> str:
    """The attributes as Django's `attrs.html` writes them: False left out, True as a bare name."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class _Rows(list):
    """A model select's rows, read by one plain query, for ModelChoiceIterator (Django's or django-filter's),
    which reads `queryset.iterator()`: a server-side cursor on PostgreSQL, three round trips (DECLARE,
    FETCH, CLOSE) per select for a few dozen sites."""

    _prefetch_related_lookups = ()

    def iterator(self):
        return iter(self)


def _choices(choices):
    if isinstance(choices, ModelChoiceIterator):
        choices = copy.copy(choices)
        choices.queryset = _Rows(choices.queryset)
    return choices


def select_markup(name: str, attrs: dict, values: list[str], choices, *, multiple: bool) -> str:
    """`<select>` with its options (and option groups), as Django's templates write them: `values` (strings)
    selected, only the first of them unless `multiple`."""
    has_selected = False
    out = [f'<select name="{conditional_escape(name)}"{attributes(attrs)}>']
    for value, label in _choices(choices):
        group = isinstance(label, (list, tuple))
        if group:
            out.append(f'<optgroup label="{conditional_escape(value)}">')
        for subvalue, sublabel in label if group else [("" if value is None else value, label)]:
            selected = (not has_selected or multiple) and str(subvalue) in values
            has_selected |= selected
            out.append(
                f'<option value="{conditional_escape(subvalue)}"{" selected" if selected else ""}>'
                f"{conditional_escape(sublabel)}</option>"
            )
        if group:
            out.append("</optgroup>")
    out.append("</select>")
    return mark_safe("\n".join(out))


class Select(forms.Select):
    """Django's select, its markup written by `select_markup` (for the long selects of the forms: sites,
    people, indicators)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        return select_markup(
            name, attrs, self.format_value(value), self.choices, multiple=self.allow_multiple_selected
        )
