"""An integer no database column holds (past 64 bits), from a URL or a form, finds no row on either
database — on SQLite too, where sqlite3 raised OverflowError (a 500) before qualipref.sqlite."""

import pytest
from django.urls import reverse

from sites.models import Site

pytestmark = pytest.mark.django_db

HUGE = 2**63  # one past the largest 64-bit integer


@pytest.mark.parametrize("value", [HUGE, -(2**63) - 1, 10**30])
def test_a_query_with_an_integer_past_64_bits_finds_nothing(value):
    assert not Site.objects.filter(pk=value).exists()
    assert not Site.objects.filter(pk__in=[value, value + 1]).exists()


def test_a_list_filter_with_such_an_integer_is_ignored_not_a_500(client, org, quality_manager):
    client.force_login(quality_manager)
    response = client.get(reverse("steering:training_list"), {"site": str(HUGE)})
    assert response.status_code == 200
