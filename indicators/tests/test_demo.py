"""The demo: definitions with targets, 2015 where the préfecture misses its pick-up-rate target, the
last 12 months so the dashboard is alive, and a second run that changes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from indicators import demo
from indicators.figures import indicator_table
from indicators.models import Indicator, Measurement, Target
from sites.models import Department, Site

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_the_demo_tells_the_2015_story_and_stays_alive():
    bdr = Department.objects.get(code="13")
    codes = set(Indicator.objects.filter(department=bdr).values_list("code", flat=True))
    assert {
        "taux-decroche",
        "appels-recus",
        "appels-agent",
        "attente-guichet",
        "reclamations-dans-le-delai",
    } <= codes
    rows = indicator_table(
        department=bdr, site_ids=Site.objects.values_list("pk", flat=True),
        start=dt.date(2015, 1, 1), end=dt.date(2015, 12, 31), codes=["taux-decroche"],
    )  # fmt: skip
    by_site: dict[str, list] = {}
    names = dict(Site.objects.values_list("pk", "code"))
    for row in rows:
        by_site.setdefault(names[row["site_id"]], []).append(row["on_target"])
    assert len(by_site["peytral"]) == 12 and not any(by_site["peytral"])
    assert not any(by_site["saint-sebastien"])
    assert all(by_site["arles"]) and all(by_site["aix-en-provence"])
    this_month = timezone.localdate().replace(day=1)
    assert Measurement.objects.filter(period=this_month, indicator__code="taux-decroche").count() == 5
    assert Target.objects.filter(indicator__code="taux-decroche", entity__code="prefecture-13").count() == 2

    counts = (Indicator.objects.count(), Target.objects.count(), Measurement.objects.count(),
              Measurement.history.count())  # fmt: skip
    assert demo.load()["mesures créées"] == 0
    assert (Indicator.objects.count(), Target.objects.count(), Measurement.objects.count(),
            Measurement.history.count()) == counts  # fmt: skip
