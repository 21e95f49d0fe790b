from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from complaints.figures import yearly_complaints_by_site
from publication import collect, demo
from publication.models import Snapshot, SnapshotFigure
from sites.models import Department
from surveys import figures as surveys

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_the_demo_publishes_each_site_of_the_bouches_du_rhone_from_the_2015_data():
    snapshots = Snapshot.objects.filter(status="published", period_start__year=2015).select_related("site")
    assert sorted(s.site.code for s in snapshots) == sorted(
        ["peytral", "saint-sebastien", "aix-en-provence", "arles", "istres"]
    )
    complaints = {
        r["site_id"]: r
        for r in yearly_complaints_by_site(department=Department.objects.get(code="13"), year=2015)["rows"]
    }
    for snapshot in snapshots:
        figures = {(f.indicator_code, f.scope_label): f.value for f in snapshot.figures.all()}
        on_time = complaints[snapshot.site_id]["on_time_share"]
        assert figures[(collect.CODE_ON_TIME, "")] == Decimal(str(on_time)).quantize(Decimal("0.1"))
        for rate in surveys.rates(site_ids=[snapshot.site_id], year=2015):
            assert figures[(f"satisfaction-{rate.criterion_code}", rate.unit_name)] == rate.rate

    # Engagement 6 of Services Publics+: each site also publishes its last twelve months.
    recent = Snapshot.objects.filter(
        status="published", period_end__gte=timezone.localdate() - relativedelta(months=2)
    )
    assert sorted(s.site.code for s in recent) == sorted(
        ["peytral", "saint-sebastien", "aix-en-provence", "arles", "istres"]
    )
    counts = Snapshot.objects.count(), SnapshotFigure.objects.count()
    demo.load()  # a second run (tests/test_load_demo.py runs the whole load twice)
    assert (Snapshot.objects.count(), SnapshotFigure.objects.count()) == counts
