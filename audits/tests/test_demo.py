"""The demo data reproduces the 2015 report's audits, counted from the database."""

import pytest

from audits import figures
from audits.models import Audit, Finding, GapSheet
from sites.models import Department

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


@pytest.fixture
def demo(demo):
    """The session's demo data (built by load_demo), from the Bouches-du-Rhône's side."""
    return Department.objects.get(code="13")


def test_june_2015_internal_audits_raised_17_nonconformities_with_gap_sheets(demo):
    internal = Finding.objects.filter(audit__kind=Audit.Kind.INTERNAL, audit__start_on__year=2015)
    assert Audit.objects.filter(kind=Audit.Kind.INTERNAL, start_on__year=2015, start_on__month=6).count() == 4
    assert internal.filter(finding_type__code__endswith="nonconformity").count() == 17
    assert GapSheet.objects.filter(finding__in=internal).count() == 17


def test_september_2015_afnor_audits_have_the_reports_counts(demo):
    counts = figures.finding_counts(department=demo, year=2015, kinds=[Audit.Kind.EXTERNAL])
    assert {e.code: c for e, c in counts.items()} == {
        "prefecture-13": {"strength": 20, "improvement_lead": 6, "sensitive_point": 3},
        "sp-aix": {"strength": 15, "improvement_lead": 4, "sensitive_point": 2, "minor_nonconformity": 1},
        "sp-arles": {"strength": 20, "improvement_lead": 3, "sensitive_point": 2},
        "sp-istres": {"strength": 17, "improvement_lead": 2, "sensitive_point": 4},
    }
    assert (
        Finding.objects.filter(audit__external_body="AFNOR Certification", title="Point fort n° 7").count()
        == 4
    )


def test_general_findings_and_planned_renewals(demo):
    groups = figures.general_findings(department=demo, year=2015)
    assert [(g.finding_type.code, len(g.findings)) for g in groups] == [
        ("strength", 3),
        ("improvement_lead", 1),
        ("sensitive_point", 2),
    ]
    titles = [f.title for g in groups for f in g.findings]
    assert "Les outils de pilotage sont performants." in titles
    assert "Le taux de décroché à la Préfecture doit s'améliorer et atteindre l'objectif." in titles
    renewals = Audit.objects.filter(kind=Audit.Kind.RENEWAL, start_on__year=2017, status=Audit.Status.PLANNED)
    assert renewals.count() == 4


def test_quarterly_self_assessments_include_one_due_this_quarter(demo):
    from django.utils import timezone

    today = timezone.localdate()
    current = Audit.objects.filter(
        kind=Audit.Kind.SELF_ASSESSMENT, start_on__lte=today, end_on__gte=today, status=Audit.Status.PLANNED
    )
    assert current.count() == 4
    done = Audit.objects.filter(kind=Audit.Kind.SELF_ASSESSMENT, status=Audit.Status.REPORT_ISSUED)
    assert done.exists()


def test_loading_twice_changes_nothing(demo):
    from audits import demo as audits_demo

    before = (Audit.objects.count(), Finding.objects.count(), GapSheet.objects.count())
    audits_demo.load()
    assert (Audit.objects.count(), Finding.objects.count(), GapSheet.objects.count()) == before


def test_the_load_demo_command_includes_the_audits(demo):
    # The session's demo database is what load_demo built.
    assert Audit.objects.filter(entity__department=demo).exists()
