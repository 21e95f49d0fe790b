"""Indicator factories: definitions in the organisation's département, targets on its entities."""

import datetime as dt
from decimal import Decimal

import factory

from indicators.models import Indicator, Measurement, Target


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ["department", "code"]

    code = factory.Sequence(lambda n: f"indicateur-{n}")
    name = factory.Sequence(lambda n: f"Indicateur {n}")
    unit = Indicator.Unit.PERCENT
    direction = Indicator.Direction.HIGHER
    min_value = Decimal("0")
    max_value = Decimal("100")


def pickup_rate(department, **fields):
    return IndicatorFactory(
        department=department, code="taux-decroche", name="Taux de décroché", order=1, **fields
    )


def computed_indicator(department, computation, *, code=None, param="", **fields):
    from indicators import computed

    c = computed.get(computation)
    return IndicatorFactory(
        department=department,
        code=code or computation.replace("_", "-"),
        name=fields.pop("name", c.label),
        unit=c.unit,
        direction=c.direction,
        formula=Indicator.Formula.COMPUTED,
        computed_code=computation,
        computed_param=param,
        min_value=None,
        max_value=None,
        **fields,
    )


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    year = 2015
    value = Decimal("80")


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    period = dt.date(2015, 6, 1)
    value = Decimal("70")
