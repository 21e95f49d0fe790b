"""The team from a spreadsheet: all or nothing, errors by row and column in French, a template to fill."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts.imports import HEADERS
from accounts.models import Invitation
from sites.models import Membership, Role

pytestmark = pytest.mark.django_db


def workbook(rows, headers=tuple(HEADERS), title="Équipe"):
    book = Workbook()
    book.properties.title = title  # two files with the same rows differ by their title, not by the clock
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("equipe.xlsx", buffer.getvalue())


def post(client, rows, **kwargs):
    return client.post(reverse("accounts:team_import", args=["13"]), {"file": workbook(rows, **kwargs)})


def test_the_template_has_an_example_from_the_department_and_the_accepted_values(
    client, org, quality_manager
):
    client.force_login(quality_manager)
    response = client.get(reverse("accounts:team_template", args=["13"]))
    book = load_workbook(io.BytesIO(response.content))
    team, accepted = book.worksheets
    rows = list(team.iter_rows(values_only=True))
    assert list(rows[0]) == list(HEADERS)
    sites_13 = {"peytral", "saint-sebastien", "aix-en-provence", "arles", "istres"}
    assert rows[2][3] in sites_13
    values = list(accepted.iter_rows(values_only=True))
    assert ("Rôle", "Référent(e) qualité", "site_referent") in values
    assert ("Site", "Arles", "arles") in values and not [v for v in values if v[2] == "avignon"]


def test_a_valid_file_invites_everyone(
    client, org, quality_manager, arles_referent, mailoutbox, send_on_commit
):
    client.force_login(quality_manager)
    rows = [
        ("agent.arles@exemple.gouv.fr", "Agent d'accueil", "", "arles"),
        ("copil@exemple.gouv.fr", "membre du comite de pilotage", "", ""),
        ("auditrice@exemple.gouv.fr", "auditor", "sp-istres", ""),
        (arles_referent.email, "Agent d'accueil", "sp-arles", "arles"),  # a member: the role at once
    ]
    upload = workbook(rows)
    url = reverse("accounts:team_import", args=["13"])
    response = send_on_commit(client.post, url, {"file": upload})
    assert response.status_code == 302
    invitations = {i.email: (i.role, i.entity_id, i.site_id) for i in Invitation.objects.all()}
    assert invitations == {
        "agent.arles@exemple.gouv.fr": (Role.AGENT, org.arles_entity.pk, org.arles.pk),
        "copil@exemple.gouv.fr": (Role.COMMITTEE, None, None),
        "auditrice@exemple.gouv.fr": (Role.AUDITOR, org.istres_entity.pk, None),
    }
    assert Membership.objects.filter(user=arles_referent, role=Role.AGENT, site=org.arles).exists()
    assert len(mailoutbox) == 4
    # the same file again: refused, nothing sent twice
    upload.seek(0)
    again = send_on_commit(client.post, url, {"file": upload})
    assert again.status_code == 200 and "déjà été importé" in again.content.decode()
    # the same rows in another file: each row is refused (already invited, already a member)
    again = send_on_commit(post, client, rows, title="Équipe (bis)")
    errors = {e.row: e.message for e in again.context["result"].errors}
    assert "déjà en attente" in errors[2] and "déjà ce rôle sur ce périmètre" in errors[5]
    assert Invitation.objects.count() == 3 and len(mailoutbox) == 4


def test_one_bad_row_invites_nobody_and_each_error_names_its_row(
    client, org, quality_manager, outsider, mailoutbox
):
    client.force_login(quality_manager)
    rows = [
        ("ok@exemple.gouv.fr", "Agent d'accueil", "", "arles"),
        ("chef@exemple.gouv.fr", "Chef", "", ""),
        ("loin@exemple.gouv.fr", "Agent d'accueil", "", "avignon"),
        ("ok@exemple.gouv.fr", "Agent d'accueil", "", "istres"),
        (outsider.email, "Agent d'accueil", "", "arles"),
        ("pas-une-adresse", "Agent d'accueil", "", "arles"),
        ("qm@exemple.gouv.fr", "Chargé(e) de mission qualité", "", "arles"),
    ]
    response = post(client, rows)
    assert response.status_code == 200
    errors = [(e.row, e.column, e.message) for e in response.context["result"].errors]
    by_row = {row: (column, message) for row, column, message in errors}
    assert (
        by_row[3][0] == "Rôle"
        and "Rôle inconnu : « Chef »" in by_row[3][1]
        and "Agent d'accueil" in by_row[3][1]
    )
    assert by_row[4][0] == "Site" and "Site « avignon » inconnu dans ce département" in by_row[4][1]
    assert "arles" in by_row[4][1] and "avignon" not in by_row[4][1].split("Codes acceptés")[1]
    assert "figure déjà plus haut dans le fichier (ligne 2)" in by_row[5][1]
    assert by_row[6][0] == "Adresse électronique" and "ne relève pas de ce département" in by_row[6][1]
    assert "Vaucluse" not in by_row[6][1]
    assert "adresse de courriel valide" in by_row[7][1]
    assert "s'exerce sur tout le département" in by_row[8][1]
    assert 2 not in by_row
    assert not Invitation.objects.exists() and not mailoutbox
    assert "personne n'a été invité" in response.content.decode().replace("&#x27;", "'")


def test_a_file_without_the_columns_is_refused(client, org, quality_manager):
    client.force_login(quality_manager)
    response = post(client, [("a@exemple.gouv.fr",)], headers=("Courriel",))
    assert "Colonnes manquantes" in response.content.decode().replace("&#x27;", "'")
    response = client.post(
        reverse("accounts:team_import", args=["13"]),
        {"file": SimpleUploadedFile("x.xlsx", b"pas un classeur")},
    )
    assert "n'est pas un classeur Excel" in response.content.decode().replace("&#x27;", "'")
    assert not Invitation.objects.exists()
