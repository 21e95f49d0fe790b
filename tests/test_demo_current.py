"""The demo is current whatever day it is loaded: the label, the next audit, the requests and the published
results follow `timezone.localdate()` (here three years ahead), while 2015 stays as the seed has it."""

import datetime as dt
import io

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audits.selectors import readiness_overview
from complaints.models import Correspondence
from publication.models import Snapshot
from referential.models import LabelScope
from referential.selectors import current_referential, label_overview
from reports.models import ReportRun
from sites.models import User

pytestmark = pytest.mark.django_db

OPEN = ["received", "acknowledged", "in_progress", "waiting"]


def test_loaded_three_years_ahead_the_demo_is_current_there(client):
    ahead = timezone.localdate() + relativedelta(years=3)
    with time_machine.travel(dt.datetime.combine(ahead, dt.time(9)), tick=False):
        today = timezone.localdate()
        call_command("load_demo", stdout=io.StringIO())
        qualite = User.objects.get(username="qualite")
        assert current_referential().code == "services-publics-plus"

        # Under Services Publics+ for two and a half years; the next audit is a surveillance audit to come.
        entities = [e for e in label_overview(qualite) if e.department.code == "13"]
        assert len(entities) == 4
        for entity in entities:
            assert [s.module.referential.code for s in entity.label_scopes] == ["services-publics-plus"]
            assert entity.next_audit.kind == "surveillance"
            assert today < entity.next_audit.date <= today + relativedelta(months=4)
        assert LabelScope.objects.filter(
            ended_on__isnull=False, module__referential__code="qualipref"
        ).count()

        # Readiness speaks of no audit date passed, and nothing is thousands of days late.
        for row in readiness_overview(qualite):
            assert all("dépassée" not in reason.text for _, reason in row.reasons)
        oldest_open = Correspondence.objects.filter(status__in=OPEN).order_by("received_on").first()
        assert oldest_open is not None and (today - oldest_open.received_on).days <= 30
        answered = Correspondence.objects.filter(
            received_on__gte=today - relativedelta(years=1), answered_on__isnull=False
        )
        assert answered.count() >= 40

        # Results published this month for the last twelve months, 2015 kept.
        recent = Snapshot.objects.filter(status="published", period_end__gte=today - relativedelta(months=2))
        assert recent.count() == 5
        assert Snapshot.objects.filter(period_start=dt.date(2015, 1, 1)).count() == 5

        client.force_login(qualite)
        page = client.get("/").content.decode()
        assert "dépassée depuis" not in page
        assert "Services Publics+" in page

        # Last year's annual report (Services Publics+), finished in both formats, for the quality manager.
        runs = ReportRun.objects.filter(department__code="13", kind="annual", params__year=today.year - 1)
        assert sorted(runs.values_list("output_format", "status")) == [("pdf", "done"), ("xlsx", "done")]
        pdf = runs.get(output_format="pdf")
        response = client.get(reverse("reports:run_download", args=[pdf.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")
