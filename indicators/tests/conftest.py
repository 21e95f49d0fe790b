import pytest

from indicators.tests.factories import pickup_rate


@pytest.fixture
def pickup(org):
    return pickup_rate(org.bdr)
