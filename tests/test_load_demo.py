import pytest
from django.apps import apps
from django.core.management import call_command

from referential.models import LabelScope
from sites.models import Department, Entity, ReceptionPoint, Site, User

pytestmark = pytest.mark.django_db


def table_counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if not m._meta.label.startswith(("sessions.", "admin.", "contenttypes.", "auth.Permission"))
        and "Historical" not in m.__name__
    }


def test_it_builds_the_bouches_du_rhone_of_the_2015_report(capsys):
    call_command("load_demo")
    bdr = Department.objects.get(code="13")
    assert Entity.objects.filter(department=bdr).count() == 4
    assert Site.objects.filter(entity__department=bdr).count() == 5
    assert ReceptionPoint.objects.filter(site__code="istres").count() == 3
    modules = {
        e.code: sorted(
            LabelScope.objects.filter(entity=e, status="labelled").values_list("module__number", flat=True)
        )
        for e in Entity.objects.filter(department=bdr)
    }
    assert modules == {"prefecture-13": [1, 4, 7], "sp-aix": [1, 4], "sp-arles": [1, 4], "sp-istres": [1, 4]}
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
    output = capsys.readouterr().out
    assert "qualipref2015" in output
    assert "referent.arles" in output


def test_running_it_twice_leaves_the_same_rows():
    call_command("load_demo")
    first = table_counts()
    call_command("load_demo")
    assert table_counts() == first


def test_demo_users_can_log_in(client):
    call_command("load_demo")
    assert client.login(username="qualite", password="qualipref2015")


def test_the_demo_api_token_is_random_and_printed_once(capsys):
    from indicators.models import ApiClient
    from indicators.services import api_client_authenticate

    call_command("load_demo")
    first = capsys.readouterr().out
    assert "qp_demo-plateforme-telephonique-13" not in first
    assert api_client_authenticate("qp_demo-plateforme-telephonique-13") is None
    token = next(word for word in first.split() if word.startswith("qp_"))
    client = api_client_authenticate(token)
    assert client is not None and client.name == "Plateforme téléphonique (démo)"
    call_command("load_demo")
    second = capsys.readouterr().out
    assert token not in second and "non réaffiché" in second
    assert ApiClient.objects.filter(name="Plateforme téléphonique (démo)").count() == 1


def test_the_demo_refuses_a_production_server_unless_forced(settings, capsys):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="DJANGO_DEBUG=false.*--force"):
        call_command("load_demo")
    assert not User.objects.exists()
    call_command("load_demo", "--force")
    assert User.objects.filter(username="qualite").exists()
