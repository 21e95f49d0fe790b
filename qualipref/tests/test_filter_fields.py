"""The registers' filter form (`filter_fields`, written in Python) renders the markup crispy-forms renders
for the same form: label, control and its classes, errors, help text, check boxes, hidden fields."""

import re

from django import forms
from django.template import Context, Template

from qualipref.templatetags.qualipref import filter_fields


class EveryKind(forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    status = forms.ChoiceField(label="Statut", choices=[("", "Tous"), ("open", "Ouvert")], required=False)
    sites = forms.MultipleChoiceField(label="Sites", choices=[("1", "Arles")], required=False)
    since = forms.DateField(label="Depuis", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    within = forms.IntegerField(label="Jours", required=False, min_value=0, help_text="Entre 0 et 365.")
    late = forms.BooleanField(label="En retard seulement", required=False)
    year = forms.IntegerField(label="Année", help_text="L'année du plan.")
    audit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    email = forms.EmailField(label="Courriel", required=False, widget=forms.EmailInput(attrs={"class": "x"}))

    def clean(self):
        raise forms.ValidationError("Choisissez au moins un filtre.")


def _normalised(html: str) -> str:
    """Whitespace between tags dropped, each tag's attributes in one order (their order means nothing)."""
    html = re.sub(r">\s+", ">", re.sub(r"\s+<", "<", re.sub(r"\s+", " ", html))).strip()

    def sorted_attributes(tag):
        name, *attributes = re.findall(r'[\w-]+(?:="[^"]*")?', tag.group(1))
        return "<" + " ".join([name, *sorted(attributes)]) + ">"

    return re.sub(r"<([a-z][^<>]*)>", sorted_attributes, html)


def _both(make_form):
    """Each rendering on its own form (crispy-forms adds its classes to the widgets it renders)."""
    crispy = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": make_form()}))
    return _normalised(crispy), _normalised(filter_fields(make_form()))


def test_an_unbound_form_renders_as_crispy_renders_it():
    crispy, ours = _both(EveryKind)
    assert ours == crispy


def test_a_form_with_errors_renders_as_crispy_renders_it():
    def make_form():
        form = EveryKind(
            {"status": "zzz", "since": "2026-13-01", "within": "-1", "late": "on", "audit": "abc"}
        )
        assert not form.is_valid()
        return form

    crispy, ours = _both(make_form)
    assert "is-invalid" in ours and "Choisissez au moins un filtre." in ours
    assert ours == crispy


class Selects(forms.Form):
    """Every kind of select the registers use, written in Python without the widgets' templates."""

    site = forms.ChoiceField(
        label="Site",
        choices=[("", "Tous"), ("Préfecture", [("1", "Peytral"), ("2", "Saint-Sébastien")]), ("3", "Arles")],
        required=False,
    )
    kinds = forms.MultipleChoiceField(
        label="Types", choices=[("a", "Réclamation"), ("b", "Suggestion & <avis>"), ("c", "Courrier")]
    )
    answered = forms.NullBooleanField(label="Répondue", required=False)
    year = forms.TypedChoiceField(
        label="Année", choices=[(None, "—"), (2025, "2025"), (2026, "2026")], coerce=int
    )
    odd = forms.ChoiceField(
        label='Valeur "répétée"',
        choices=[("x", "Premier x"), ("x", "Second x")],
        required=False,
        widget=forms.Select(attrs={"data-role": "filtre", "disabled": False, "autofocus": True}),
    )


def test_selects_render_as_the_widgets_templates_render_them():
    for data in (
        None,
        {"site": "2", "kinds": ["a", "c"], "answered": "true", "year": "2026", "odd": "x"},
        {"site": "9", "kinds": ["zz"], "answered": "false", "year": "", "odd": "y"},
    ):
        crispy, ours = _both(lambda data=data: Selects(data))
        assert ours == crispy
    _, ours = _both(lambda: Selects({"site": "2", "kinds": ["a", "c"], "odd": "x"}))
    assert '<option selected value="2">Saint-Sébastien</option>' in ours
    # Saint-Sébastien, two kinds, the first of the repeated values, the unset yes/no and the empty year
    assert ours.count("<option selected") == 6 and '<option selected value="x">Premier x' in ours
    assert "Suggestion &amp; &lt;avis&gt;" in ours and '<optgroup label="Préfecture">' in ours
