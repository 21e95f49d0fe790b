import io

import pytest

from complaints import demo
from complaints.figures import yearly_complaints_by_site
from complaints.models import Correspondence, Kind
from sites.models import Department

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_the_2015_register_matches_the_annual_report():
    report = yearly_complaints_by_site(department=Department.objects.get(code="13"), year=2015)
    by_site = {r["site_name"]: r["received"] for r in report["rows"]}
    assert by_site["Istres"] == 6 and by_site["Arles"] == 13 and by_site["Aix-en-Provence"] == 4
    assert by_site["Peytral"] + by_site["Saint-Sébastien"] == 21
    assert report["total"]["received"] == 44
    assert report["total"]["on_time_share"] == 100.0
    assert report["total"]["max_answer_days"] <= 15


def test_open_requests_show_badges_and_running_it_twice_adds_nothing():
    count = Correspondence.objects.count()
    overdue = Correspondence.objects.filter(
        status__in=["received", "acknowledged", "in_progress"], kind=Kind.COMPLAINT
    )
    assert overdue.filter(assigned_to__username="agent.istres").exists()
    demo.load(io.StringIO())
    assert Correspondence.objects.count() == count
