"""Filters of the list pages, the same everywhere (issue 21).

- A site, an entity or any row with a `code` is named in the query string by the code people read
  (`?site=accueil-nord`, `?entity=sp-nord`, any case) or by its number (`?site=3`): `CodeOrPkFilter` for the
  django-filter FilterSets, `object_param` for the views that read their query string themselves. The
  row is looked up among those the caller passes (the user's visible rows): another département's code or
  number is unknown, never a way in.
- A value that makes no sense is ignored and said in French (a warning above the list): `warn_ignored`
  for a FilterSet's invalid fields, `object_param` / `qualipref.lists` helpers for the others.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError

SHOWN_VALUE = 40  # characters of a refused value repeated in the message
UNKNOWN = "aucun élément de votre périmètre ne porte ce numéro ou ce code"


def shown(value) -> str:
    """The refused value as the message repeats it: one line, cut when long (the template escapes it)."""
    text = " ".join(str(value).split())
    return text if len(text) <= SHOWN_VALUE else f"{text[: SHOWN_VALUE - 1]}…"


def ignored(label: str, value, reason: str = "") -> str:
    """The French notice for one ignored filter."""
    reason = reason or UNKNOWN
    return f"Filtre « {label} » ignoré : {reason} (« {shown(value)} »)."


def notify(request, notices) -> None:
    for notice in dict.fromkeys(notices):  # each notice once, in order
        messages.warning(request, notice, fail_silently=True)


def by_code_or_pk(queryset, raw):
    """The row of `queryset` (or of a list of rows) named by `raw`: its number, or its code (case ignored);
    None when no row (or more than one: an entity code shared by two départements of an administrator)
    answers."""
    text = str(raw or "").strip()
    if not text or len(text) > 100:
        return None
    number = int(text) if text.isdecimal() and text.isascii() and len(text) <= 18 else None
    if isinstance(queryset, list):  # rows the page has already read: no query
        found = next((row for row in queryset if row.pk == number), None)
        matches = [row for row in queryset if row.code.casefold() == text.casefold()][:2]
    else:
        found = queryset.filter(pk=number).first() if number is not None else None
        matches = list(queryset.filter(code__iexact=text)[:2]) if found is None else []
    if found is not None:
        return found
    return matches[0] if len(matches) == 1 else None


class CodeOrPkField(forms.ModelChoiceField):
    """A choice among the queryset's rows, given by number or by code. The options keep the numbers as
    values; a code in the query string selects its option all the same."""

    default_error_messages = {
        "invalid_choice": UNKNOWN,
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = by_code_or_pk(self.queryset, value)
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found

    def bound_data(self, data, initial):
        """A code selects the option of its row (whose value is the number)."""
        if data in self.empty_values or (isinstance(data, str) and data.isdecimal()):
            return data
        found = by_code_or_pk(self.queryset, data)
        return str(found.pk) if found is not None else data


class CodeOrPkFilter(django_filters.ModelChoiceFilter):
    field_class = CodeOrPkField


class YearFilter(django_filters.NumberFilter):
    """A year within qualipref.lists.YEARS: anything else (-1, 99999, 10**22, 1.5) is ignored with a French
    message, instead of overflowing the date arithmetic of a `__year` lookup."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        from qualipref.lists import YEAR_REASON, YEARS

        kwargs.setdefault("min_value", YEARS.start)
        kwargs.setdefault("max_value", YEARS.stop - 1)
        out_of_range = f"{YEAR_REASON[:1].upper()}{YEAR_REASON[1:]}."
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "Saisissez une année (par exemple 2015).",
                "min_value": out_of_range,
                "max_value": out_of_range,
            },
        )
        super().__init__(*args, **kwargs)


def filterset_notices(filterset) -> list[str]:
    """A notice per field of a bound FilterSet whose value was refused (django-filter then ignores it)."""
    if not filterset.is_bound:
        return []
    form = filterset.form
    notices = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else name
        value = form.data.get(name, "")
        reason = str(errors[0]).rstrip(".")
        notices.append(ignored(label, value, reason[:1].lower() + reason[1:]))
    return notices


def warn_ignored(request, filterset) -> None:
    """Say above the list which filters of `filterset` were ignored."""
    notify(request, filterset_notices(filterset))


def object_param(request, name: str, queryset, label: str, notices: list[str]):
    """The row named by `?name=` (number or code) among `queryset`; None when absent or unknown, with a
    notice appended for an unknown one."""
    raw = request.GET.get(name, "")
    if not raw.strip():
        return None
    found = by_code_or_pk(queryset, raw)
    if found is None:
        notices.append(ignored(label, raw))
    return found


def choice_param(request, name: str, choices, label: str, notices: list[str]) -> str:
    """`?name=` when it is one of `choices` (values); "" when absent or unknown (with a notice)."""
    raw = request.GET.get(name, "")
    if not raw:
        return ""
    if raw in {str(value) for value, _label in choices}:
        return raw
    notices.append(ignored(label, raw, "valeur inconnue"))
    return ""
