import django_filters
from django import forms

from qualipref.filters import CodeOrPkFilter, YearFilter
from referential.models import FindingType, Module
from sites.access import visible
from sites.models import Entity

from .models import Audit, Finding


def _entities(request):
    return visible(request.user, Entity.objects) if request else Entity.objects.none()


class AuditFilter(django_filters.FilterSet):
    entity = CodeOrPkFilter(label="Entité", queryset=_entities)
    kind = django_filters.ChoiceFilter(label="Type d'audit", choices=Audit.Kind.choices)
    status = django_filters.ChoiceFilter(label="Statut", choices=Audit.Status.choices)
    year = YearFilter(label="Année", field_name="start_on", lookup_expr="year")

    class Meta:
        model = Audit
        fields = ["entity", "kind", "status", "year"]


class FindingFilter(django_filters.FilterSet):
    entity = CodeOrPkFilter(label="Entité", queryset=_entities)
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
