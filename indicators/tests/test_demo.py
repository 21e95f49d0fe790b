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


def test_the_stocks_read_once_for_every_month_give_each_months_own_figure():
    """The per-month computations (training compliance, open non-conformities, actions done on time) read
    a whole window in the queries of one month, and give for each month what the single-date figures of
    their apps give (on the demo's 2015 and its last twelve months)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from actionplans.figures import action_figures
    from audits.figures import open_nonconformity_counts
    from indicators import computed, rules
    from steering.figures import training_compliance

    site_ids = sorted(Site.objects.filter(entity__department__code="13").values_list("pk", flat=True))
    today = timezone.localdate()

    def one_month(code, month):
        return computed.get(code).compute(site_ids, month, rules.month_end(month), "")

    def expected(code, month):
        on = min(rules.month_end(month), today)
        if code == "training_compliance":
            return {
                (r["site_id"], month): float(r["rate"])
                for r in training_compliance(site_ids, on)
                if r["rate"] is not None
            }
        if code == "open_nonconformities":
            per_site = open_nonconformity_counts(site_ids=site_ids, on=on)["sites"]
            return {(s, month): per_site.get(s, 0) for s in site_ids}
        rows = action_figures(start=month, end=rules.month_end(month), site_ids=site_ids)["by_site"]
        return {
            (r["key"], month): round(100 * r["done_on_time"] / r["done"], 1)
            for r in rows
            if r["key"] is not None and r["done"]
        }

    recent = rules.add_months(today.replace(day=1), -11)
    for code in ("training_compliance", "open_nonconformities", "actions_on_time_share"):
        with CaptureQueriesContext(connection) as single:
            one_month(code, recent)
        for start in (dt.date(2015, 1, 1), recent):
            end = rules.month_end(rules.add_months(start, 11))
            with CaptureQueriesContext(connection) as window:
                values = computed.get(code).compute(site_ids, start, end, "")
            assert len(window) == len(single), code
            want = {}
            for month in computed.months_between(start, end):
                if month <= today:
                    want |= expected(code, month)
            assert values == want, (code, start)
            assert values, (code, start)  # the demo has figures there
