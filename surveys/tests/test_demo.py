"""The demo data: the 2015 table of the report exactly, the seed's points, an open campaign now."""

from decimal import Decimal

import pytest
from django.utils import timezone

from referential.demo import load as load_referential
from sites.demo import load as load_sites
from surveys import demo, figures
from surveys.models import Campaign, Criterion, Result, SurveyUnit, UnitPoint

pytestmark = pytest.mark.django_db

TABLE_2015 = {
    "Sous-préfecture d'Arles": ["87", "97", "94", "72", "94", "99", "82"],
    "Sous-préfecture d'Istres": ["66", "81", "76", "64", "96", "97", "57"],
    "Sous-préfecture d'Aix-en-Provence": ["46", "78", "66", "64", "83", "83", "41"],
    "Saint-Sébastien – cartes grises et permis": ["76", "67", "49", "51.5", "91", "94", "41"],
    "Saint-Sébastien – accueil des étrangers": ["87", "91", "82", "86", "88", "80", "71"],
    "Peytral – accueil général et associations": ["71", "94", "95", "93", "99", "99", "87"],
}


@pytest.fixture
def loaded():
    load_sites()
    load_referential()
    demo.load()
    return Campaign.objects.get(year=2015)


def test_the_2015_campaign_holds_exactly_the_reports_table(loaded):
    matrix = figures.campaign_matrix(loaded)
    assert {row.unit.name: [c.rate for c in row.cells] for row in matrix.rows} == {
        name: [Decimal(r) for r in rates] for name, rates in TABLE_2015.items()
    }
    assert loaded.status == "published"
    assert not Campaign.objects.filter(year=2014).exists()


def test_the_units_are_the_reception_points_of_the_report(loaded):
    peytral = SurveyUnit.objects.get(campaign=loaded, code="accueil-general-associations")
    assert sorted(peytral.reception_points.values_list("code", flat=True)) == [
        "accueil-general",
        "associations",
    ]
    assert peytral.site.code == "peytral"


def test_strengths_and_vigilance_points_come_from_the_seed(loaded):
    aix = SurveyUnit.objects.get(campaign=loaded, code="aix-en-provence")
    assert list(aix.points.filter(kind="strength").values_list("text", flat=True)) == [
        "Courtoisie du personnel"
    ]
    assert list(aix.points.filter(kind="vigilance").values_list("text", flat=True)) == [
        "Faible disponibilité de l'accueil téléphonique",
        "Confort des espaces d'accueil",
        "Délais d'attente",
    ]
    peytral = SurveyUnit.objects.get(campaign=loaded, code="accueil-general-associations")
    assert not peytral.points.filter(kind="vigilance").exists()  # "RAS"
    assert (
        UnitPoint.objects.filter(unit__campaign=loaded).count() == 7 + 2 + 2 + 3 + 1 + 3 + 3 + 3 + 4 + 3 + 4
    )


def test_this_years_campaign_is_open_now_and_the_local_authorities_one_planned(loaded):
    today = timezone.localdate()
    current = Campaign.objects.get(year=today.year, population="users")
    assert current.status == "open" and current.starts_on <= today <= current.ends_on
    assert current.units.count() == 6 and not Result.objects.filter(unit__campaign=current).exists()
    local = Campaign.objects.get(population="local_authorities")
    assert local.status == "planned" and not Result.objects.filter(unit__campaign=local).exists()
    # This year the département works under Services Publics+: the Module 4 criteria (E4-1 to E4-4 of
    # Qualipref 2.0) follow the crosswalk to their counterparts.
    assert {c.engagement.code for c in local.criteria.all()} == {"SP4", "SP5", "SP6"}


def test_loading_twice_changes_nothing(loaded):
    counts = [m.objects.count() for m in (Campaign, Criterion, SurveyUnit, Result, UnitPoint)]
    demo.load()
    assert [m.objects.count() for m in (Campaign, Criterion, SurveyUnit, Result, UnitPoint)] == counts
