import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from actionplans.imports import HEADERS
from actionplans.models import Action

from .factories import ActionFactory, ActionPlanFactory

pytestmark = pytest.mark.django_db


def workbook(rows, headers=None):
    wb = Workbook()
    sheet = wb.active
    sheet.append(headers or list(HEADERS))
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("plan.xlsx", buffer.getvalue())


def row(title="Affichage lumineux doublé", owner="referent.arles", due=dt.date(2026, 6, 30), sites="arles"):
    return [
        title,
        "",
        sites,
        "Prise en compte des évaluations",
        1,
        owner,
        dt.date(2026, 2, 1),
        due,
        "Enquête",
    ]


@pytest.fixture
def plan(org, referential):
    return ActionPlanFactory(entity=org.arles_entity, year=2026)


def test_export_keeps_every_field_with_french_headers(client, org, quality_manager, plan):
    ActionFactory(plan=plan, owner=quality_manager, sites=[org.arles], title="Boîte aux lettres associations")
    client.force_login(quality_manager)
    for url in (reverse("actionplans:plan_export", args=[plan.pk]), reverse("actionplans:action_export")):
        response = client.get(url)
        sheet = load_workbook(BytesIO(response.content)).active
        headers = [c.value for c in sheet[1]]
        assert {"Intitulé", "Sites", "Pilote", "Échéance", "Statut", "Type d'origine", "Réalisée le"} <= set(
            headers
        )
        values = [c.value for c in sheet[2]]
        assert values[headers.index("Intitulé")] == "Boîte aux lettres associations"
        assert values[headers.index("Sites")] == "Arles"
        assert values[headers.index("Échéance")] == dt.datetime(2026, 6, 30)


def test_import_creates_the_rows_and_a_reimport_changes_nothing(client, org, arles_referent, plan):
    client.force_login(arles_referent)
    url = reverse("actionplans:plan_import", args=[plan.pk])
    response = client.post(url, {"file": workbook([row(), row(title="Formation au guide d'accueil")])})
    assert response.status_code == 302
    assert Action.objects.filter(plan=plan).count() == 2
    action = Action.objects.get(title="Affichage lumineux doublé")
    assert (
        action.owner == arles_referent
        and list(action.sites.all()) == [org.arles]
        and action.module.number == 1
    )
    client.post(url, {"file": workbook([row()])})
    assert Action.objects.filter(plan=plan).count() == 2


def test_an_unknown_owner_imports_nothing_and_says_which_row(client, arles_referent, plan):
    client.force_login(arles_referent)
    url = reverse("actionplans:plan_import", args=[plan.pk])
    response = client.post(url, {"file": workbook([row(), row(title="Autre", owner="inconnu.x")])})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Pilote inconnu : « inconnu.x »" in page
    errors = response.context["result"].errors
    assert [(e.row, e.column) for e in errors] == [(3, "Identifiant du pilote")]
    assert not Action.objects.exists()


def test_a_site_of_another_entity_and_a_bad_date_are_reported(client, arles_referent, plan):
    client.force_login(arles_referent)
    url = reverse("actionplans:plan_import", args=[plan.pk])
    response = client.post(
        url, {"file": workbook([row(sites="istres"), row(title="B", due=dt.date(2026, 1, 1))])}
    )
    messages = [(e.row, e.message) for e in response.context["result"].errors]
    assert (2, "Site inconnu dans l'entité du plan : « istres ». Sites acceptés : « arles ».") in messages
    assert any(r == 3 and "échéance" in m for r, m in messages)
    assert not Action.objects.exists()


def test_a_file_with_a_missing_column_is_refused(client, arles_referent, plan):
    client.force_login(arles_referent)
    response = client.post(
        reverse("actionplans:plan_import", args=[plan.pk]), {"file": workbook([["x"]], headers=["Intitulé"])}
    )
    assert "Colonnes manquantes" in response.content.decode()


def test_the_template_is_downloadable(client, arles_referent):
    client.force_login(arles_referent)
    response = client.get(reverse("actionplans:import_template"))
    assert [c.value for c in load_workbook(BytesIO(response.content)).active[1]] == list(HEADERS)
