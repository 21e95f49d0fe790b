import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from referential.models import LabelScope
from sites.models import Department, Entity, ReceptionPoint, Site, User

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def table_counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if not m._meta.label.startswith(("sessions.", "admin.", "contenttypes.", "auth.Permission"))
        and "Historical" not in m.__name__
    }


def test_it_builds_the_bouches_du_rhone_of_the_2015_report():
    bdr = Department.objects.get(code="13")
    assert Entity.objects.filter(department=bdr).count() == 4
    assert Site.objects.filter(entity__department=bdr).count() == 5
    assert ReceptionPoint.objects.filter(site__code="istres").count() == 3
    modules = {
        e.code: sorted(
            LabelScope.objects.filter(
                entity=e, status="labelled", module__referential__code="qualipref"
            ).values_list("module__number", flat=True)
        )
        for e in Entity.objects.filter(department=bdr)
    }
    assert modules == {"prefecture-13": [1, 4, 7], "sp-aix": [1, 4], "sp-arles": [1, 4], "sp-istres": [1, 4]}
    # Today the four entities work under Services Publics+ (moved two and a half years ago).
    current = LabelScope.objects.filter(entity__department=bdr).current(timezone.localdate())
    assert set(current.values_list("module__referential__code", "status")) == {
        ("services-publics-plus", "labelled")
    }
    assert current.count() == 4
    assert Department.objects.filter(code="84").exists()
    assert {
        "admin",
        "qualite",
        "referent.arles",
        "agent.istres",
        "copil",
        "auditeur",
        "referent.vaucluse",
    } <= set(User.objects.values_list("username", flat=True))


def test_demo_users_can_log_in(client):
    assert client.login(username="qualite", password="qualipref2015")


def test_the_admin_lists_every_model(client):
    client.login(username="admin", password="qualipref2015")
    html = client.get("/admin/").content.decode()
    for label in (
        "Sites",
        "Entités labellisées",
        "Référentiels",
        "Périmètres de labellisation",
        "Affectations",
    ):
        assert label in html


def test_the_demo_api_token_is_random_and_printed_once():
    from indicators import demo as indicators_demo
    from indicators.models import ApiClient
    from indicators.services import api_client_authenticate

    # The session's demo database already holds the token, printed when it was built: revoke it first.
    ApiClient.objects.filter(name=indicators_demo.DEMO_API_CLIENT).delete()
    token = indicators_demo.load()["jeton API de démo"]
    assert token.startswith("qp_") and token != "qp_demo-plateforme-telephonique-13"
    assert api_client_authenticate("qp_demo-plateforme-telephonique-13") is None
    client = api_client_authenticate(token)
    assert client is not None and client.name == "Plateforme téléphonique (démo)"
    again = indicators_demo.load()["jeton API de démo"]
    assert token not in again and "non réaffiché" in again
    assert ApiClient.objects.filter(name="Plateforme téléphonique (démo)").count() == 1


def test_the_demo_refuses_production_unless_forced_and_a_second_run_changes_nothing(settings, capsys):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    before = table_counts()
    with pytest.raises(CommandError, match="DJANGO_DEBUG=false.*--force"):
        call_command("load_demo")
    assert table_counts() == before
    # Forced, on the session's demo database (built by load_demo): its second run changes no row and
    # lists the accounts again. (One run checks both: load_demo is the suite's slowest command.)
    call_command("load_demo", "--force")
    assert table_counts() == before
    output = capsys.readouterr().out
    assert "qualipref2015" in output
    assert "referent.arles" in output


def test_the_demo_prefecture_is_set_up_so_its_quality_manager_sees_no_first_run_checklist():
    from reports.setup import checklist

    assert checklist(User.objects.get(username="qualite")) is None


def test_loaded_again_another_day_the_demo_is_kept_as_it_is_with_a_notice(capsys):
    """Its recent life is dated from the day it was built: a second one beside it would double the recent
    audits, campaigns and plans. It is kept (with what users typed) and the notice says how to rebuild."""
    import datetime as dt

    import time_machine

    from sites.demo import built_on

    built = built_on()
    assert built is not None
    before = table_counts()
    with time_machine.travel(dt.datetime.combine(built + dt.timedelta(days=40), dt.time(10)), tick=False):
        call_command("load_demo")
    assert table_counts() == before
    output = capsys.readouterr().out
    assert f"La démo a été chargée le {built:%d/%m/%Y} : elle est gardée telle quelle" in output
    assert "make demo-reset" in output and "referent.arles" in output


OPEN = ["received", "acknowledged", "in_progress", "waiting"]


def test_reset_three_years_on_at_new_years_night_rebuilds_a_demo_current_there(client):
    """`--reset` empties the database and builds the demo again at its own date, and the demo is current
    whatever day it is built: here three years after the session's first build, half an hour into
    1 January (still 31 December in UTC), when the current year has only begun. The label, the next audit,
    the requests and the published results follow `timezone.localdate()`, 2015 stays as the seed has it,
    and last year's annual report is complete (the session's own demo checks it at the session's date:
    reports/tests/test_annual_demo.py). One build checks both: load_demo is the suite's slowest command."""
    import datetime as dt
    import zoneinfo

    import time_machine
    from dateutil.relativedelta import relativedelta
    from django.urls import reverse

    from audits.models import Audit
    from audits.selectors import readiness_overview
    from complaints.models import Correspondence
    from publication.models import Snapshot
    from referential.demo import spplus_calendar
    from referential.selectors import current_referential, label_overview
    from reports.models import ReportRun
    from sites.demo import built_on
    from tests.annual_sections import assert_every_section_has_figures

    ahead = built_on() + relativedelta(years=3)
    new_years_night = dt.datetime(ahead.year, 1, 1, 0, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    with time_machine.travel(new_years_night, tick=False):
        today = timezone.localdate()
        assert today == dt.date(ahead.year, 1, 1)
        call_command("load_demo", "--reset", stdout=io.StringIO())
        calendar = spplus_calendar()
        assert built_on() == today

        # Emptied first: the label scopes and certification audits are the new calendar's only.
        scopes = LabelScope.objects.filter(
            entity__department__code="13", module__referential__code="services-publics-plus"
        )
        assert set(scopes.values_list("started_on", flat=True)) == {calendar["moved_on"]}
        certification = Audit.objects.filter(
            entity__department__code="13", kind=Audit.Kind.EXTERNAL, referential__code="services-publics-plus"
        )
        assert set(certification.values_list("entity__code", "end_on")) == {
            (code, end) for code, (_start, end) in calendar["audits"].items()
        }

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

        # Though this year is half an hour old, last year's report has figures in every section.
        assert_every_section_has_figures(Department.objects.get(code="13"), today.year - 1)
