import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from qualipref.filters import CodeOrPkFilter, YearFilter
from referential.models import Module
from sites.access import ids, visible
from sites.models import Entity, Site

from .forms import current_modules, department_users
from .models import Action


class ActionFilter(django_filters.FilterSet):
    entity = CodeOrPkFilter(label="Entité", queryset=Entity.objects.none())
    site = CodeOrPkFilter(label="Site", queryset=Site.objects.none(), method="filter_site")
    module = django_filters.ModelChoiceFilter(label="Module", queryset=Module.objects.none())
    origin_kind = django_filters.ChoiceFilter(label="Origine", choices=Action.OriginKind.choices)
    status = django_filters.ChoiceFilter(label="Statut", choices=Action.Status.choices)
    owner = django_filters.ModelChoiceFilter(label="Pilote", queryset=Site.objects.none())
    overdue = django_filters.BooleanFilter(
        label="En retard seulement", method="filter_overdue", widget=forms.CheckboxInput
    )
    year = YearFilter(label="Année du plan", field_name="plan__year")
    q = django_filters.CharFilter(label="Recherche", method="filter_q")

    class Meta:
        model = Action
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["entity"].queryset = visible(user, Entity.objects)
        self.filters["site"].queryset = visible(user, Site.objects)
        departments = ids(user, "department")
        # the modules in force, and those of past cycles the listed actions still point to
        used = self.queryset.exclude(module=None).values("module_id") if self.queryset is not None else ()
        self.filters["module"].queryset = current_modules(departments, keep=used)
        self.filters["owner"].queryset = department_users(user)

    def filter_site(self, queryset, name, value):
        # An action without sites is for every site of its entity.
        return queryset.filter(Q(sites=value) | Q(sites__isnull=True, entity_id=value.entity_id)).distinct()

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(timezone.localdate()) if value else queryset

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))
