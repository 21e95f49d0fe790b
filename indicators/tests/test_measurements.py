"""Measurements by form: one row per indicator, site and period; an update keeps the old value in history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from indicators import services
from indicators.models import Indicator, Measurement
from indicators.tests.factories import computed_indicator

pytestmark = pytest.mark.django_db


def record(indicator, site, value, by, period=dt.date(2015, 6, 1)):
    return services.measurement_record(
        indicator=indicator, site=site, period=period, value=value, source="form", by=by
    )


def test_a_second_value_for_the_same_month_updates_the_first_and_history_keeps_it(
    org, pickup, peytral_referent
):
    first, outcome = record(
        pickup, org.peytral, Decimal("66.3"), peytral_referent, period=dt.date(2015, 6, 17)
    )
    assert outcome == "created" and first.period == dt.date(2015, 6, 1)
    second, outcome = record(pickup, org.peytral, Decimal("68.1"), peytral_referent)
    assert outcome == "updated" and second.pk == first.pk
    assert Measurement.objects.count() == 1
    assert [h.value for h in second.history.order_by("history_date")] == [Decimal("66.3"), Decimal("68.1")]
    assert record(pickup, org.peytral, Decimal("68.1"), peytral_referent)[1] == "unchanged"


def test_a_daily_indicator_keeps_its_days(org, peytral_referent):
    calls = Indicator.objects.create(
        department=org.bdr,
        code="appels",
        name="Appels reçus",
        unit="count",
        frequency="daily",
        aggregation="sum",
    )
    record(calls, org.peytral, 120, peytral_referent, period=dt.date(2015, 6, 1))
    record(calls, org.peytral, 80, peytral_referent, period=dt.date(2015, 6, 2))
    assert sorted(Measurement.objects.values_list("period", flat=True)) == [
        dt.date(2015, 6, 1),
        dt.date(2015, 6, 2),
    ]


@pytest.mark.parametrize(
    "value, period, message",
    [
        (Decimal("101"), dt.date(2015, 6, 1), "supérieure au maximum"),
        (Decimal("-1"), dt.date(2015, 6, 1), "inférieure au minimum"),
        (Decimal("70"), dt.date(2099, 1, 1), "pas encore écoulée"),
    ],
)
def test_bad_values_are_refused_in_french_and_nothing_is_saved(
    org, pickup, peytral_referent, value, period, message
):
    with pytest.raises(ValidationError, match=message):
        record(pickup, org.peytral, value, peytral_referent, period=period)
    assert not Measurement.objects.exists()


def test_a_computed_indicator_is_never_entered(org, quality_manager):
    on_time = computed_indicator(org.bdr, "complaints_on_time_share")
    with pytest.raises(ValidationError, match="ne se saisit pas"):
        record(on_time, org.peytral, 90, quality_manager)


def test_a_site_of_another_department_is_refused(org, pickup, outsider):
    with pytest.raises(ValidationError, match="n'appartient pas au département"):
        record(pickup, org.avignon, 70, outsider)


def test_only_who_writes_on_the_site_records(org, pickup, peytral_referent, committee_member):
    with pytest.raises(PermissionDenied):
        record(pickup, org.arles, 70, peytral_referent)
    with pytest.raises(PermissionDenied):
        record(pickup, org.peytral, 70, committee_member)


def test_the_form_records_then_updates(client, org, pickup, peytral_referent):
    client.force_login(peytral_referent)
    url = reverse("indicators:measurement_create")
    data = {"indicator": pickup.pk, "site": org.peytral.pk, "period": "2015-06", "value": "66,3"}
    response = client.post(url, data)
    assert response.status_code == 302
    response = client.post(url, {**data, "value": "67"}, follow=True)
    assert "mise à jour" in response.content.decode()
    assert Measurement.objects.get().value == Decimal("67")
    html = client.post(url, {**data, "value": "140"}).content.decode()
    assert "supérieure au maximum" in html and Measurement.objects.get().value == Decimal("67")
    html = client.post(url, {**data, "site": org.arles.pk}).content.decode()
    assert "Sélectionnez un choix valide" in html


def test_the_committee_member_cannot_open_the_form(client, committee_member):
    client.force_login(committee_member)
    assert client.get(reverse("indicators:measurement_create")).status_code == 403


def test_the_list_filters_exports_and_keeps_its_query_count(
    client, org, pickup, quality_manager, django_assert_max_num_queries
):
    for month in range(1, 4):
        Measurement.objects.create(
            indicator=pickup, site=org.peytral, period=dt.date(2015, month, 1), value=70
        )
    client.force_login(quality_manager)
    with django_assert_max_num_queries(12) as first:
        html = client.get(reverse("indicators:measurement_list"), {"site": org.peytral.pk}).content.decode()
    assert html.count("Peytral</td>") == 3
    for month in range(4, 13):
        Measurement.objects.create(indicator=pickup, site=org.arles, period=dt.date(2015, month, 1), value=90)
    with django_assert_max_num_queries(len(first)):
        client.get(reverse("indicators:measurement_list"))
    response = client.get(reverse("indicators:measurement_export"), {"site": org.arles.pk})
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 10 and sheet["C2"].value == "arles"
