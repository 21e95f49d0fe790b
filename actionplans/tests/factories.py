import datetime as dt

import factory

from actionplans.models import Action, ActionPlan
from tests.factories import EntityFactory, UserFactory


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan
        django_get_or_create = ["entity", "year"]

    entity = factory.SubFactory(EntityFactory)
    year = 2026


class ActionFactory(factory.django.DjangoModelFactory):
    """An action kept in its plan's entity."""

    class Meta:
        model = Action
        skip_postgeneration_save = True

    plan = factory.SubFactory(ActionPlanFactory)
    entity = factory.LazyAttribute(lambda a: a.plan.entity)
    title = factory.Sequence(lambda n: f"Améliorer la signalétique n° {n}")
    owner = factory.SubFactory(UserFactory)
    start_on = dt.date(2026, 1, 5)
    due_on = dt.date(2026, 6, 30)

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if create and extracted:
            self.sites.set(extracted)
