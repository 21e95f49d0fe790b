"""Survey factories that keep a unit on a site of its campaign's département."""

from decimal import Decimal

import factory

from surveys.models import Campaign, Criterion, Result, SurveyUnit
from tests.factories import DepartmentFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    department = factory.SubFactory(DepartmentFactory)
    name = factory.LazyAttribute(lambda c: f"Enquête de satisfaction des usagers {c.year}")
    year = 2015
    population = Campaign.Population.USERS
    status = Campaign.Status.CLOSED


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    campaign = factory.SubFactory(CampaignFactory)
    code = factory.Sequence(lambda n: f"critere-{n}")
    label = factory.Sequence(lambda n: f"Critère {n}")
    order = factory.Sequence(int)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyUnit

    campaign = factory.SubFactory(CampaignFactory)
    site = None  # pass a site of the campaign's département
    code = factory.Sequence(lambda n: f"unite-{n}")
    name = factory.Sequence(lambda n: f"Unité {n}")


class ResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Result

    unit = factory.SubFactory(UnitFactory)
    criterion = factory.LazyAttribute(lambda r: CriterionFactory(campaign=r.unit.campaign))
    rate = Decimal("75.0")


SEVEN = ["telephone", "pmr", "conditions", "horaires", "signaletique", "courtoisie", "attente"]


def campaign_with_units(org, *, year=2015, status=Campaign.Status.CLOSED, units=None, rates=None):
    """A users' campaign of the Bouches-du-Rhône with the seven criteria and one unit per given site;
    `rates[i]` (7 values) fills unit i."""
    from surveys.services import criteria_create_defaults

    campaign = CampaignFactory(department=org.bdr, year=year, status=status)
    criteria_create_defaults(campaign=campaign, by=None)
    criteria = list(campaign.criteria.order_by("order"))
    sites = units if units is not None else [org.arles, org.istres]
    made = []
    for i, site in enumerate(sites):
        code = site.code if site not in sites[:i] else f"{site.code}-{i}"
        unit = UnitFactory(campaign=campaign, site=site, code=code, name=f"Unité {site.name}", order=i)
        made.append(unit)
        if rates is not None:
            for criterion, rate in zip(criteria, rates[i], strict=True):
                Result.objects.create(unit=unit, criterion=criterion, rate=Decimal(str(rate)))
    return campaign, made, criteria
