"""Campaigns, their status, units and points, results and online responses."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from referential.loader import DEFAULT_FILE, load_referential
from surveys import services
from surveys.models import Answer, Campaign, Response, Result, UnitPoint

from .factories import CampaignFactory, UnitFactory, campaign_with_units

pytestmark = pytest.mark.django_db


def test_a_new_campaign_gets_the_seven_criteria_linked_to_the_engagements(org, quality_manager):
    load_referential(DEFAULT_FILE)
    campaign = services.campaign_create(
        department=org.bdr, by=quality_manager, name="Enquête 2016", year=2016, population="users"
    )
    criteria = list(campaign.criteria.order_by("order"))
    assert [c.label for c in criteria] == [
        "Accueil téléphonique",
        "Accueil des personnes à mobilité réduite (PMR)",
        "Conditions d'accueil",
        "Horaires d'accueil",
        "Orientation et signalétique",
        "Accueil courtois",
        "Délai d'attente",
    ]
    assert criteria[0].engagement.code == "E5"
    assert criteria[-1].engagement is None
    assert campaign.history.first().history_user == quality_manager


def test_a_local_authorities_campaign_gets_the_module_4_criteria(org, quality_manager):
    load_referential(DEFAULT_FILE)
    campaign = services.campaign_create(
        department=org.bdr,
        by=quality_manager,
        name="Collectivités",
        year=2016,
        population="local_authorities",
    )
    assert {c.engagement.code for c in campaign.criteria.all()} == {"E4-1", "E4-2", "E4-3", "E4-4"}


def test_a_new_campaign_takes_over_the_units_and_targets_of_the_previous_one(org, quality_manager):
    previous, units, criteria = campaign_with_units(org, year=2015)
    criteria[0].target_rate = Decimal(80)
    criteria[0].save()
    units[0].reception_points.set(org.arles.reception_points.all())
    campaign = services.campaign_create(
        department=org.bdr, by=quality_manager, name="2016", year=2016, population="users"
    )
    assert sorted(campaign.units.values_list("code", flat=True)) == sorted(u.code for u in units)
    assert campaign.criteria.get(code=criteria[0].code).target_rate == Decimal(80)
    assert campaign.units.get(code=units[0].code).reception_points.count() == 1
    assert not Result.objects.filter(unit__campaign=campaign).exists()


def test_two_campaigns_of_the_same_population_and_year_are_refused(org):
    CampaignFactory(department=org.bdr, year=2015)
    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignFactory(department=org.bdr, year=2015)


def test_status_changes_follow_the_workflow_and_record_who(org, quality_manager):
    campaign = CampaignFactory(department=org.bdr, status=Campaign.Status.PLANNED)
    campaign = services.campaign_transition(campaign=campaign, status="open", by=quality_manager)
    assert campaign.status == "open"
    assert campaign.status_changed_by == quality_manager
    with pytest.raises(
        ValidationError, match="Passage impossible du statut « Ouverte » au statut « Publiée »"
    ):
        services.campaign_transition(campaign=campaign, status="published", by=quality_manager)


def test_a_rate_outside_0_100_is_refused_by_the_database(org):
    campaign, units, criteria = campaign_with_units(org)
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.create(unit=units[0], criterion=criteria[0], rate=Decimal("100.5"))


def test_results_are_saved_and_a_blank_deletes_a_typed_rate(org, quality_manager):
    campaign, units, criteria = campaign_with_units(org)
    services.results_save(
        campaign=campaign,
        values={(units[0], criteria[0]): Decimal("51.5"), (units[0], criteria[1]): Decimal(90)},
        by=quality_manager,
    )
    assert Result.objects.get(unit=units[0], criterion=criteria[0]).rate == Decimal("51.5")
    services.results_save(campaign=campaign, values={(units[0], criteria[1]): None}, by=quality_manager)
    assert not Result.objects.filter(unit=units[0], criterion=criteria[1]).exists()


def test_a_published_campaign_refuses_new_results(org, quality_manager):
    campaign, units, criteria = campaign_with_units(org, status=Campaign.Status.PUBLISHED)
    with pytest.raises(ValidationError, match="publiée"):
        services.results_save(
            campaign=campaign, values={(units[0], criteria[0]): Decimal(50)}, by=quality_manager
        )
    assert not Result.objects.exists()


def test_points_keep_their_rows_when_the_list_is_edited(org, quality_manager):
    campaign, units, _criteria = campaign_with_units(org)
    unit = units[0]
    services.unit_points_set(unit=unit, kind="vigilance", texts=["Horaires", "Attente"], by=quality_manager)
    horaires = unit.points.get(text="Horaires")
    services.unit_points_set(
        unit=unit, kind="vigilance", texts=["Attente", "Horaires", "Chaises"], by=quality_manager
    )
    assert list(unit.points.filter(kind="vigilance").values_list("text", flat=True)) == [
        "Attente",
        "Horaires",
        "Chaises",
    ]
    assert unit.points.get(text="Horaires").pk == horaires.pk
    services.unit_points_set(unit=unit, kind="vigilance", texts=["Chaises"], by=quality_manager)
    assert list(UnitPoint.objects.filter(unit=unit).values_list("text", flat=True)) == ["Chaises"]


def _answers(criteria, values):
    return {c.pk: v for c, v in zip(criteria, values, strict=True)}


def test_responses_recompute_the_rates_of_the_unit(org):
    campaign, units, criteria = campaign_with_units(org, status=Campaign.Status.OPEN)
    unit = units[0]
    services.response_submit(unit=unit, token="a", answers=_answers(criteria, [4, 4, 0, 1, 3, 4, 2]))
    services.response_submit(unit=unit, token="b", answers=_answers(criteria, [3, 2, 0, 1, 3, 4, 2]))
    services.response_submit(unit=unit, token="c", answers=_answers(criteria, [1, 4, 0, 1, 3, 4, 3]))
    results = {r.criterion.code: r for r in Result.objects.filter(unit=unit).select_related("criterion")}
    assert results["telephone"].rate == Decimal("66.7")
    assert (results["telephone"].satisfied, results["telephone"].concerned) == (2, 3)
    assert "conditions" not in results  # nobody concerned
    assert results["horaires"].rate == Decimal("0.0")
    assert results["courtoisie"].rate == Decimal("100.0")
    assert results["attente"].rate == Decimal("33.3")
    assert {r.source for r in results.values()} == {"responses"}
    assert not Result.objects.filter(unit=units[1]).exists()


def test_a_closed_campaign_records_nothing(org):
    campaign, units, criteria = campaign_with_units(org, status=Campaign.Status.CLOSED)
    with pytest.raises(ValidationError) as error:
        services.response_submit(unit=units[0], token="a", answers=_answers(criteria, [4] * 7))
    assert error.value.code == "closed"
    assert "close" in error.value.messages[0]
    assert not Response.objects.exists()


def test_a_missing_answer_records_nothing(org):
    campaign, units, criteria = campaign_with_units(org, status=Campaign.Status.OPEN)
    with pytest.raises(ValidationError, match="Réponse manquante : Délai d'attente"):
        services.response_submit(unit=units[0], token="a", answers=_answers(criteria[:6], [4] * 6))
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_the_same_visit_cannot_answer_twice(org):
    campaign, units, criteria = campaign_with_units(org, status=Campaign.Status.OPEN)
    services.response_submit(unit=units[0], token="visit", answers=_answers(criteria, [4] * 7))
    with pytest.raises(ValidationError) as error:
        services.response_submit(unit=units[0], token="visit", answers=_answers(criteria, [1] * 7))
    assert error.value.code == "duplicate"
    assert Response.objects.count() == 1
    assert Result.objects.get(unit=units[0], criterion=criteria[0]).rate == Decimal(100)


def test_a_unit_must_be_on_a_site_of_the_campaigns_departement(org):
    campaign = CampaignFactory(department=org.bdr)
    unit = UnitFactory.build(campaign=campaign, site=org.avignon)
    with pytest.raises(ValidationError, match="département de la campagne"):
        services.unit_save(unit=unit, by=None)


def test_an_open_campaign_past_its_period_is_pointed_out_once_to_the_quality_manager(org, quality_manager):
    import datetime as dt

    from qualipref.notifications.models import Notice
    from qualipref.notifications.services import notices_collect

    CampaignFactory(
        department=org.bdr,
        status=Campaign.Status.OPEN,
        starts_on=dt.date(2016, 5, 2),
        ends_on=dt.date(2016, 6, 30),
    )
    assert notices_collect(today=dt.date(2016, 6, 30), only="surveys") == 0
    notices_collect(today=dt.date(2016, 7, 1), only="surveys")
    notices_collect(today=dt.date(2016, 7, 2), only="surveys")
    notice = Notice.objects.get()
    assert notice.recipient == quality_manager
    assert notice.title == "Campagne à clore : Enquête de satisfaction des usagers 2015"
