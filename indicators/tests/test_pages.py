"""The indicator's page: a pinned number of queries whatever its measurements and targets."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from indicators.tests.factories import MeasurementFactory, TargetFactory, pickup_rate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(dt.datetime(2015, 7, 10, 10, 0, tzinfo=dt.UTC), tick=False)


def test_the_indicator_page_costs_a_pinned_number_of_queries(
    client, org, quality_manager, django_assert_max_num_queries
):
    """The page's grid takes the indicator the page has read (15 queries before: the grid read the
    département's indicators again to keep this one), whatever the number of measurements and targets."""
    pickup = pickup_rate(org.bdr)
    MeasurementFactory(indicator=pickup, site=org.peytral, period=dt.date(2015, 6, 1), value=Decimal("72"))
    client.force_login(quality_manager)
    url = reverse("indicators:indicator_detail", args=[pickup.pk])
    assert client.get(url).status_code == 200  # the content types' cache is warm from now on
    cache.clear()  # the twelve months computed again (qualipref.versions): one query more, the stamp
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    # kept: session, user, scope, the indicator, the stamp, the badges, the target form's entities and sites
    with django_assert_max_num_queries(8):
        client.get(url)
    for month in range(1, 7):
        for site in (org.peytral, org.arles, org.istres):
            period = dt.date(2015, month, 2)
            MeasurementFactory(indicator=pickup, site=site, period=period, value=Decimal("81"))
    for entity in (org.prefecture, org.arles_entity, org.istres_entity):
        TargetFactory(indicator=pickup, entity=entity, value=Decimal("80"))
    with django_assert_max_num_queries(len(few.captured_queries)):  # what was written: computed again
        response = client.get(url)
    assert "Arles" in response.content.decode()


def test_an_inactive_indicator_shows_its_page_without_a_grid_row(client, org, quality_manager):
    pickup = pickup_rate(org.bdr)
    MeasurementFactory(indicator=pickup, site=org.peytral, period=dt.date(2015, 6, 1), value=Decimal("72"))
    client.force_login(quality_manager)
    url = reverse("indicators:indicator_detail", args=[pickup.pk])
    active = client.get(url)
    pickup.active = False
    pickup.save()
    inactive = client.get(url)
    assert active.status_code == inactive.status_code == 200
    assert active.context["dashboard"].blocks and not inactive.context["dashboard"].blocks
