"""Definitions and targets: validation in French, database invariants, who may change them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from indicators import services
from indicators.models import Indicator, Target
from indicators.tests.factories import IndicatorFactory, TargetFactory

pytestmark = pytest.mark.django_db


def test_a_computed_indicator_needs_a_known_computation(org, quality_manager):
    indicator = Indicator(department=org.bdr, code="x", name="X", formula=Indicator.Formula.COMPUTED)
    with pytest.raises(ValidationError) as error:
        services.indicator_save(indicator=indicator, by=quality_manager)
    assert "Choisissez le calcul" in str(error.value)
    indicator.computed_code = "nothing_like_it"
    with pytest.raises(ValidationError, match="Calcul inconnu"):
        services.indicator_save(indicator=indicator, by=quality_manager)
    indicator.computed_code = "satisfaction"
    with pytest.raises(ValidationError, match="besoin d'un paramètre"):
        services.indicator_save(indicator=indicator, by=quality_manager)
    indicator.computed_param = "telephone"
    assert services.indicator_save(indicator=indicator, by=quality_manager).pk


def test_the_valid_range_is_checked_in_french_and_by_the_database(org, quality_manager):
    indicator = Indicator(department=org.bdr, code="x", name="X", min_value=10, max_value=5)
    with pytest.raises(ValidationError, match="supérieure ou égale à la valeur minimale"):
        services.indicator_save(indicator=indicator, by=quality_manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(department=org.bdr, code="y", name="Y", min_value=10, max_value=5)


def test_a_measured_indicator_cannot_carry_a_computation_in_the_database(org):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(
            department=org.bdr, code="z", name="Z", computed_code="complaints_on_time_share"
        )


def test_only_the_departments_quality_manager_defines_indicators(org, arles_referent, committee_member):
    for user in (arles_referent, committee_member):
        with pytest.raises(PermissionDenied):
            services.indicator_save(indicator=Indicator(department=org.bdr, code="a", name="A"), by=user)


def test_a_target_can_change_from_one_year_to_the_next(org, pickup, quality_manager):
    services.target_save(
        target=Target(indicator=pickup, entity=org.prefecture, year=2015, value=80), by=quality_manager
    )
    services.target_save(
        target=Target(indicator=pickup, entity=org.prefecture, year=2016, value=85), by=quality_manager
    )
    with pytest.raises(ValidationError):  # one target per scope and year
        services.target_save(
            target=Target(indicator=pickup, entity=org.prefecture, year=2016, value=90), by=quality_manager
        )
    assert list(pickup.targets.order_by("year").values_list("value", flat=True)) == [
        Decimal("80"),
        Decimal("85"),
    ]


def test_a_target_stays_in_its_entity_and_range(org, pickup, quality_manager):
    with pytest.raises(ValidationError) as error:
        services.target_save(
            target=Target(indicator=pickup, entity=org.prefecture, site=org.arles, year=2015, value=80),
            by=quality_manager,
        )
    assert "n'appartient pas à l'entité" in str(error.value)
    with pytest.raises(ValidationError, match="supérieure au maximum"):
        services.target_save(
            target=Target(indicator=pickup, entity=org.prefecture, year=2015, value=120), by=quality_manager
        )


def test_the_arles_referent_sets_arles_targets_but_not_the_prefectures(org, pickup, arles_referent):
    services.target_save(
        target=Target(indicator=pickup, entity=org.arles_entity, year=2015, value=85), by=arles_referent
    )
    with pytest.raises(PermissionDenied):
        services.target_save(
            target=Target(indicator=pickup, entity=org.prefecture, year=2015, value=85), by=arles_referent
        )


def test_the_definition_pages(client, org, pickup, quality_manager, committee_member, outsider):
    TargetFactory(indicator=pickup, entity=org.prefecture, year=2015, value=80)
    client.force_login(quality_manager)
    html = client.get(reverse("indicators:indicator_list")).content.decode()
    assert "Taux de décroché" in html and "Nouvel indicateur" in html
    response = client.post(
        reverse("indicators:indicator_create"),
        {"code": "attente", "name": "Temps d'attente", "unit": "minutes", "direction": "lower",
         "frequency": "monthly", "aggregation": "mean", "formula": "measured", "order": 2, "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Indicator.objects.get(code="attente").direction == "lower"
    response = client.post(
        reverse("indicators:target_create", args=[pickup.pk]),
        {"entity": org.aix_entity.pk, "year": 2016, "value": "85"},
    )
    assert response.status_code == 302 and pickup.targets.filter(entity=org.aix_entity, year=2016).exists()
    detail = client.get(pickup.get_absolute_url()).content.decode()
    assert "Fixer une cible" in detail and "<svg" in detail

    client.force_login(committee_member)
    html = client.get(pickup.get_absolute_url()).content.decode()
    assert "Fixer une cible" not in html and "Modifier" not in html and "Saisir une mesure" not in html
    assert client.get(reverse("indicators:indicator_create")).status_code == 403
    assert (
        client.post(
            reverse("indicators:target_create", args=[pickup.pk]),
            {"entity": org.aix_entity.pk, "year": 2017, "value": "85"},
        ).status_code
        == 403
    )
    assert not pickup.targets.filter(year=2017).exists()

    client.force_login(outsider)
    assert client.get(pickup.get_absolute_url()).status_code == 404


def test_the_list_runs_a_constant_number_of_queries(
    client, org, quality_manager, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    IndicatorFactory.create_batch(3, department=org.bdr)
    with django_assert_max_num_queries(8) as first:
        client.get(reverse("indicators:indicator_list"))
    IndicatorFactory.create_batch(10, department=org.bdr)
    with django_assert_max_num_queries(len(first)):
        client.get(reverse("indicators:indicator_list"))
