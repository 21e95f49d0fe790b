"""Figures other apps read: the matrix, rates, lowest/highest, change from the previous campaign."""

from decimal import Decimal

import pytest

from surveys import figures
from surveys.models import Campaign

from .factories import campaign_with_units

pytestmark = pytest.mark.django_db

ARLES_2015 = [87, 97, 94, 72, 94, 99, 82]
ISTRES_2015 = [66, 81, 76, 64, 96, 97, 57]


@pytest.fixture
def two_years(org):
    c2015, units2015, _ = campaign_with_units(
        org, year=2015, status=Campaign.Status.PUBLISHED, rates=[ARLES_2015, ISTRES_2015]
    )
    c2016, units2016, _ = campaign_with_units(
        org,
        year=2016,
        status=Campaign.Status.PUBLISHED,
        rates=[[90, 97, 90, 72, 94, 99, 82], [66, 81, 76, 64, 96, 97, "51.5"]],
    )
    return c2015, c2016


def test_the_matrix_has_units_by_criteria_with_points(two_years, org):
    c2015, _ = two_years
    unit = c2015.units.get(site=org.arles)
    unit.points.create(kind="strength", text="Courtoisie", order=1)
    unit.points.create(kind="vigilance", text="Affichage", order=1)
    matrix = figures.campaign_matrix(c2015)
    assert [row.unit.name for row in matrix.rows] == ["Unité Arles", "Unité Istres"]
    assert [cell.rate for cell in matrix.rows[0].cells] == [Decimal(r) for r in ARLES_2015]
    assert [p.text for p in matrix.rows[0].strengths] == ["Courtoisie"]
    assert [p.text for p in matrix.rows[0].vigilance] == ["Affichage"]
    assert [(u.name, c.rate) for u, c in matrix.lowest] == [("Unité Istres", Decimal(57))]
    assert {(u.name, c.criterion.code) for u, c in matrix.highest} == {("Unité Arles", "courtoisie")}


def test_the_matrix_keeps_the_units_of_the_given_sites(two_years, org):
    matrix = figures.campaign_matrix(two_years[0], site_ids=[org.istres.pk])
    assert [row.unit.name for row in matrix.rows] == ["Unité Istres"]


def test_rates_per_campaign_year_and_sites(two_years, org):
    c2015, c2016 = two_years
    rows = figures.rates(site_ids=[org.arles.pk], campaign=c2015)
    assert [r.rate for r in rows] == [Decimal(r) for r in ARLES_2015]
    assert rows[0].criterion_label == "Accueil téléphonique" and rows[0].year == 2015
    assert len(figures.rates(site_ids=None, year=2016)) == 14
    assert figures.rates(site_ids=[org.peytral.pk], year=2016) == []


def test_lowest_and_highest(two_years, org):
    low, high = figures.lowest_and_highest(site_ids=[org.istres.pk, org.arles.pk], year=2016)
    assert [(r.unit_name, r.criterion_code, r.rate) for r in low] == [
        ("Unité Istres", "attente", Decimal("51.5"))
    ]
    assert {r.rate for r in high} == {Decimal(99)}


def test_change_from_the_previous_campaign(two_years, org):
    c2015, c2016 = two_years
    previous, changes = figures.changes_from_previous(c2016, site_ids=[org.arles.pk, org.istres.pk])
    assert previous == c2015
    by_key = {(c.unit_code, c.criterion_code): c for c in changes}
    assert by_key[("arles", "telephone")].difference == Decimal(3)
    assert by_key[("istres", "attente")].difference == Decimal("-5.5")
    assert by_key[("arles", "pmr")].difference == Decimal(0)
    first, none = figures.changes_from_previous(c2015)
    assert first is None and all(c.previous is None for c in none)


def test_the_comparison_matrix_carries_the_previous_rate(two_years):
    matrix = figures.campaign_matrix(two_years[1], with_previous=True)
    cell = matrix.rows[1].cells[6]
    assert (cell.rate, cell.previous, cell.difference, cell.arrow) == (
        Decimal("51.5"),
        Decimal(57),
        Decimal("-5.5"),
        "▼",
    )


def test_the_latest_published_campaign_of_a_site_and_the_one_before(two_years, org):
    c2015, c2016 = two_years
    published = figures.latest_published_for_site(org.istres)
    assert published.campaign == c2016 and published.previous_campaign == c2015
    assert [row.unit.name for row in published.matrix.rows] == ["Unité Istres"]
    assert published.matrix.rows[0].cells[6].previous == Decimal(57)
    assert figures.latest_published_for_site(org.peytral) is None
    c2016.status = Campaign.Status.CLOSED
    c2016.save()
    assert figures.latest_published_for_site(org.istres).campaign == c2015
