"""`qualipref.widgets.Select` writes the markup Django's templates write for the same select (the forms'
long selects: sites, people, indicators), through crispy-forms as the forms are shown."""

import pytest
from django import forms
from django.template import Context, Template

from qualipref.tests.test_filter_fields import _normalised
from qualipref.widgets import Select
from sites.models import Site

GROUPED = [
    ("", "---------"),
    ("Préfecture", [("1", "Peytral"), ("2", "Saint-Sébastien")]),
    ("3", "Arles & co"),
]


def _form(widget, *, model_queryset=None, data=None, initial=None):
    class Form(forms.Form):
        plain = forms.ChoiceField(label="Choix", choices=GROUPED, widget=widget, help_text="Un site.")
        optional = forms.ChoiceField(label="Facultatif", choices=GROUPED, required=False, widget=widget)
        if model_queryset is not None:
            site = forms.ModelChoiceField(label="Site", queryset=model_queryset, widget=widget)

    return Form(data=data, initial=initial)


def _crispy(form) -> str:
    return _normalised(
        Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state",
    [
        {},
        {"initial": {"plain": "2", "optional": "3"}},
        {"data": {"plain": "9", "optional": "1"}},  # an invalid choice: the error, nothing selected
    ],
)
def test_the_select_writes_djangos_markup(org, state):
    sites = Site.objects.order_by("name")
    ours = _crispy(_form(Select, model_queryset=sites, **state))
    django = _crispy(_form(forms.Select, model_queryset=sites, **state))
    assert ours == django
    assert "Arles &amp; co" in ours and 'optgroup label="Préfecture"' in ours
    if "data" in state:
        assert "is-invalid" in ours


@pytest.mark.django_db
def test_the_complaint_form_is_the_same_with_djangos_select(org, administrator):
    from complaints.forms import RequestForm

    ours = RequestForm(user=administrator, data={"site": org.arles.pk, "assigned_to": administrator.pk})
    django = RequestForm(user=administrator, data={"site": org.arles.pk, "assigned_to": administrator.pk})
    for name in ("site", "reception_point", "assigned_to"):
        assert type(ours.fields[name].widget) is Select
        django.fields[name].widget = forms.Select(choices=django.fields[name].choices)
    assert _crispy(ours) == _crispy(django)
    assert f'<option selected value="{org.arles.pk}">Arles</option>' in _crispy(ours)
