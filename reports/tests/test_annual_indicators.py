"""Part IV of the annual report on the test organisation: indicators with data drawn as small multiples
with their target line, those without data listed, never drawn."""

import datetime as dt
import re

import pytest

from indicators.models import Measurement
from indicators.tests.factories import IndicatorFactory, TargetFactory
from reports.annual import annual_report_context
from reports.annual.build import annual_report_file
from reports.annual.pdf import annual_report_html

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def indicators(org, pickup):
    TargetFactory(indicator=pickup, entity=org.prefecture, year=2015, value=80)
    TargetFactory(indicator=pickup, entity=org.arles_entity, year=2015, value=80)
    for month, value in ((3, 64), (4, 70), (5, 82)):
        Measurement.objects.create(
            indicator=pickup, site=org.peytral, period=dt.date(2015, month, 1), value=value
        )
        Measurement.objects.create(indicator=pickup, site=org.arles, period=dt.date(2015, month, 1), value=90)
    IndicatorFactory(department=org.bdr, code="accueil-mystere", name="Appels mystère", order=5)
    flat = IndicatorFactory(department=org.bdr, code="bornes", name="Bornes en panne", unit="count", order=6)
    for month in (1, 2, 3):
        Measurement.objects.create(indicator=flat, site=org.istres, period=dt.date(2015, month, 1), value=0)
    return pickup


def test_only_indicators_with_data_are_drawn_with_their_target_the_others_listed(org, indicators):
    context = annual_report_context(department=org.bdr, year=2015)
    assert [i["name"] for i in context["indicators_without_data"]] == ["Appels mystère"]
    html = annual_report_html(context)
    part = html.split('id="section-indicators"')[1].split('id="section-outlook"')[0]
    assert part.count('class="multiple"') == 1 and "Graphique : Taux de décroché par site et par mois" in part
    assert "Cible\u00a0: 80\u00a0%" in part  # the target, shared, drawn as the red dashed line "Cible"
    assert "Appels mystère" in part and "Graphique : Appels mystère" not in part
    assert "Graphique : Bornes en panne" not in part
    text = _squash(pdf_text(annual_report_file(department=org.bdr, year=2015).content))
    assert "Appels mystère : sans données sur l'année." in text
    assert "Bornes en panne : 0 chaque mois mesuré, sur chaque site." in text
    assert "3 indicateurs suivis en 2015 : 2 avec des valeurs, 1 sans données sur l'année" in text
    # The year's table: the value per site and the months on target.
    assert re.search(r"Taux de décroché.*1\u00a0/\u00a03 à la cible", part.replace("\n", " "))
    assert "3\u00a0/\u00a03 à la cible" in part


def test_the_chart_draws_the_target_line(org, indicators):
    import base64

    html = annual_report_html(annual_report_context(department=org.bdr, year=2015))
    image = re.search(
        r'alt="Graphique : Taux de décroché[^"]*" src="data:image/svg\+xml;base64,([^"]+)"', html
    )
    svg = base64.b64decode(image.group(1)).decode()
    assert "Cible" in svg and "6,4" in svg  # the dashed target series
