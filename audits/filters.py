import django_filters
from django import forms

from qualipref.lists import YEARS
from referential.models import FindingType, Module
from sites.access import visible
from sites.models import Entity

from .models import Audit, Finding


class YearFilter(django_filters.NumberFilter):
    """A year within qualipref.lists.YEARS: anything else (-1, 10**22, 1.5) is ignored with a French error
    on the filter form, instead of overflowing the date arithmetic of the `__year` lookup."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YEARS.start)
        kwargs.setdefault("max_value", YEARS.stop - 1)
        kwargs.setdefault("error_messages", {"invalid": "Saisissez une année (par exemple 2015)."})
        super().__init__(*args, **kwargs)


def _entities(request):
    return visible(request.user, Entity.objects) if request else Entity.objects.none()


class AuditFilter(django_filters.FilterSet):
    entity = django_filters.ModelChoiceFilter(label="Entité", queryset=_entities)
    kind = django_filters.ChoiceFilter(label="Type d'audit", choices=Audit.Kind.choices)
    status = django_filters.ChoiceFilter(label="Statut", choices=Audit.Status.choices)
    year = YearFilter(label="Année", field_name="start_on", lookup_expr="year")

    class Meta:
        model = Audit
        fields = ["entity", "kind", "status", "year"]


class FindingFilter(django_filters.FilterSet):
    entity = django_filters.ModelChoiceFilter(label="Entité", queryset=_entities)
    audit = django_filters.NumberFilter(label="Audit n°", widget=forms.HiddenInput)
    type = django_filters.ChoiceFilter(label="Type de constat", field_name="finding_type__code", choices=())
    status = django_filters.ChoiceFilter(label="Statut", choices=Finding.Status.choices)
    module = django_filters.ChoiceFilter(label="Module", field_name="module__number", choices=())
    kind = django_filters.ChoiceFilter(
        label="Type d'audit", field_name="audit__kind", choices=Audit.Kind.choices
    )
    year = YearFilter(label="Année", field_name="observed_on", lookup_expr="year")
    general = django_filters.BooleanFilter(
        label="Constats généraux (département)",
        field_name="entity",
        lookup_expr="isnull",
        widget=forms.Select(choices=[("", "Tous"), ("true", "Oui"), ("false", "Non")]),
    )

    class Meta:
        model = Finding
        fields = ["entity", "audit", "type", "status", "module", "kind", "year", "general"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = {}
        for code, label in FindingType.objects.order_by("order").values_list("code", "label"):
            types.setdefault(code, label)
        self.filters["type"].extra["choices"] = list(types.items())
        numbers = {}
        for number, title in Module.objects.order_by("number").values_list("number", "title"):
            numbers.setdefault(number, f"Module {number} – {title}")
        self.filters["module"].extra["choices"] = list(numbers.items())
