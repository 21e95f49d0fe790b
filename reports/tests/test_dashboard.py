"""The committee's dashboard: each indicator's latest value against its target, trends, side figures,
filters, read-only for the committee, and a constant number of queries whatever the data."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, Measurement
from indicators.tests.factories import IndicatorFactory, TargetFactory, computed_indicator
from referential.loader import DEFAULT_FILE, load_referential
from tests.factories import EntityFactory, SiteFactory

pytestmark = pytest.mark.django_db

URL = "/reports/dashboard/"


@pytest.fixture
def board_data(org, pickup):
    load_referential(DEFAULT_FILE)
    TargetFactory(indicator=pickup, entity=org.prefecture, year=2015, value=80)
    TargetFactory(indicator=pickup, entity=org.arles_entity, year=2015, value=85)
    TargetFactory(indicator=pickup, entity=org.arles_entity, year=2016, value=90)
    Measurement.objects.create(
        indicator=pickup, site=org.peytral, period=dt.date(2015, 5, 1), value=Decimal("64")
    )
    Measurement.objects.create(
        indicator=pickup, site=org.peytral, period=dt.date(2015, 6, 1), value=Decimal("66.3")
    )
    Measurement.objects.create(
        indicator=pickup, site=org.arles, period=dt.date(2015, 5, 1), value=Decimal("91")
    )
    wait = IndicatorFactory(department=org.bdr, code="attente", name="Temps d'attente au guichet",
                            unit="minutes",
                            direction="lower", max_value=600, order=2)  # fmt: skip
    TargetFactory(indicator=wait, entity=org.prefecture, site=org.saint_sebastien, year=2015, value=45)
    TargetFactory(indicator=wait, entity=org.prefecture, year=2015, value=30)
    Measurement.objects.create(indicator=wait, site=org.saint_sebastien, period=dt.date(2015, 6, 1), value=40)
    Measurement.objects.create(indicator=wait, site=org.peytral, period=dt.date(2015, 6, 1), value=40)
    computed_indicator(org.bdr, "complaints_on_time_share", order=3)
    computed_indicator(org.bdr, "satisfaction", code="satisfaction-telephone", param="telephone", order=4,
                       name="Satisfaction : accueil téléphonique")  # fmt: skip
    computed_indicator(org.bdr, "training_compliance", order=5)
    computed_indicator(org.bdr, "open_nonconformities", order=6)
    computed_indicator(org.bdr, "actions_on_time_share", order=7)
    computed_indicator(org.bdr, "crisis_exercises", order=8)
    return {"wait": wait}


def cell_texts(html):
    import re

    return [
        re.sub(r"[ \t\n]+", " ", t).strip()
        for t in re.findall(r'<td class="text-center cell">(.*?)</td>', html, re.S)
    ]


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_each_site_shows_its_latest_value_against_its_target_with_the_gap(
    client, org, committee_member, board_data
):
    client.force_login(committee_member)
    html = client.get(URL, {"month": "2015-06"}).content.decode()
    assert "Situation de juin 2015" in html
    cells = cell_texts(html.split(f'id="entity-{org.prefecture.pk}"')[1])
    # Préfecture block, first row: pick-up rate at Peytral, then Saint-Sébastien.
    assert (
        "66,3\u00a0%" in cells[0]
        and "Hors cible (−13,7\u00a0pt)" in cells[0]
        and "cible 80\u00a0%" in cells[0]
    )
    assert ">—<" in cells[1] and "cible 80\u00a0%" in cells[1]
    # Waiting time (lower is better): Saint-Sébastien has its own target (45), Peytral the entity's (30).
    assert "Cible atteinte (−5\u00a0min)" in cells[3] and "Hors cible (+10\u00a0min)" in cells[2]
    # Arles' latest value is May's, shown as such, against the 2015 target (85), not 2016's (90).
    arles = html.split(f'id="entity-{org.arles_entity.pk}"')[1]
    assert "91\u00a0%" in arles and "(mai 15)" in arles and "Cible atteinte (+6\u00a0pt)" in arles
    assert "Bouches-du-Rhône : indicateurs départementaux" in html and "Exercices de crise réalisés" in html
    for panel in ("Actions en retard", "Réclamations et demandes en retard", "Non-conformités ouvertes",
                  "Agents d&#x27;accueil formés (moins de 4 ans)"):  # fmt: skip
        assert panel in html
    assert "Prochaines échéances" in html


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_the_entity_filter_keeps_one_entity(client, org, committee_member, board_data):
    client.force_login(committee_member)
    html = client.get(URL, {"month": "2015-06", "entity": org.arles_entity.pk}).content.decode()
    assert f'id="entity-{org.arles_entity.pk}"' in html and f'id="entity-{org.prefecture.pk}"' not in html
    html = client.get(URL, {"month": "pas-un-mois", "entity": "x"}).content.decode()
    assert "Mois attendu" in html and f'id="entity-{org.prefecture.pk}"' in html


def test_the_committee_member_reads_but_sees_no_write_button(client, org, committee_member, board_data):
    client.force_login(committee_member)
    html = client.get(URL).content.decode()
    assert "Préparer le dossier PDF du mois" in html
    for write in ("Saisir une mesure", "Nouvel indicateur", "Fixer une cible", "Importer"):
        assert write not in html
    html = client.get(reverse("indicators:indicator_list")).content.decode()
    assert "Saisir une mesure" not in html and "Nouvel indicateur" not in html
    assert client.post(reverse("indicators:measurement_create"), {}).status_code == 403


def test_an_outsider_sees_nothing_of_the_bouches_du_rhone(client, org, outsider, board_data):
    client.force_login(outsider)
    html = client.get(URL).content.decode()
    assert "Peytral" not in html and "Taux de décroché" not in html
    pickup = Indicator.objects.get(code="taux-decroche")
    assert client.get(reverse("dashboard:trend", args=[pickup.pk, org.prefecture.pk])).status_code == 404


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_the_trend_is_an_svg_of_twelve_months_with_the_target(client, org, committee_member, board_data):
    client.force_login(committee_member)
    pickup = Indicator.objects.get(code="taux-decroche")
    html = client.get(
        reverse("dashboard:trend", args=[pickup.pk, org.prefecture.pk]), {"month": "2015-06"}
    ).content.decode()
    assert "<svg" in html and "<script" not in html
    assert "juil. 14" in html and "juin 15" in html and "Cible" in html and "Peytral" in html
    exercises = Indicator.objects.get(computed_code="crisis_exercises")
    html = client.get(
        reverse("dashboard:department_trend", args=[exercises.pk]), {"month": "2015-06"}
    ).content.decode()
    assert "<svg" in html and "Bouches-du-Rhône" in html


def grow(org):
    """More of everything: an entity with two more sites, more indicators, more months, more records."""
    from complaints.tests.factories import make_correspondence

    entity = EntityFactory(department=org.bdr, code="sp-nouvelle", name="Sous-préfecture nouvelle", order=5)
    sites = [SiteFactory(entity=entity, code=f"nouveau-{i}", name=f"Nouveau {i}") for i in range(2)]
    for n in range(4):
        indicator = IndicatorFactory(department=org.bdr, code=f"mesure-{n}", name=f"Mesure {n}", order=20 + n)
        TargetFactory(indicator=indicator, entity=entity, year=2014, value=50)
        for site in [*sites, org.peytral, org.arles]:
            for month in range(1, 13):
                Measurement.objects.create(
                    indicator=indicator, site=site, period=dt.date(2014, month, 1), value=40 + month
                )
                Measurement.objects.create(
                    indicator=indicator, site=site, period=dt.date(2015, month, 1), value=50 + month
                )
    computed_indicator(org.bdr, "satisfaction", code="satisfaction-courtoisie", param="courtoisie", order=30)
    computed_indicator(org.bdr, "complaints_on_time_share", code="reclamations-bis", order=31)
    for site in sites:
        make_correspondence(site, received_on=dt.date(2015, 6, 1), answered_on=dt.date(2015, 6, 3))
        make_correspondence(site, received_on=dt.date(2015, 6, 20))


@time_machine.travel(dt.datetime(2015, 7, 10, 10, 0), tick=False)
def test_the_dashboard_runs_a_constant_number_of_queries(
    client, org, committee_member, board_data, django_assert_max_num_queries
):
    client.force_login(committee_member)
    with CaptureQueriesContext(connection) as small:
        client.get(URL, {"month": "2015-06"})
    with CaptureQueriesContext(connection) as trend_small:
        client.get(
            reverse(
                "dashboard:trend", args=[Indicator.objects.get(code="taux-decroche").pk, org.prefecture.pk]
            )
        )
    grow(org)
    with django_assert_max_num_queries(len(small)):
        response = client.get(URL, {"month": "2015-06"})
    assert "Nouveau 1" in response.content.decode() and "Mesure 3" in response.content.decode()
    with django_assert_max_num_queries(len(trend_small)):
        client.get(
            reverse("dashboard:trend", args=[Indicator.objects.get(code="mesure-3").pk, org.prefecture.pk])
        )
    assert len(small) <= 45  # the pinned budget: a few queries per source, none per row
