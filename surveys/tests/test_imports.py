"""Excel import of results: good and bad files, both layouts, all-or-nothing, French row errors."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from qualipref.excel import ImportFileError
from surveys.imports import import_results
from surveys.models import Result

from .factories import campaign_with_units

pytestmark = pytest.mark.django_db


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("resultats.xlsx", buffer.getvalue())


@pytest.fixture
def campaign(org):
    return campaign_with_units(org, units=[org.arles, org.istres])


def run(campaign, rows, site_ids=None, by=None):
    c, units, _criteria = campaign
    ids = site_ids if site_ids is not None else {u.site_id for u in units}
    return import_results(campaign=c, upload=xlsx(rows), writable_site_ids=ids, by=by)


def test_one_row_per_unit_and_criterion_is_imported(campaign):
    result = run(
        campaign,
        [
            ["Unité", "Critère", "Taux (%)", "Satisfaits", "Concernés"],
            ["Unité Arles", "Accueil téléphonique", 87, None, None],
            ["unité  arles", "horaires", "51,5", None, None],
            ["Unité Istres", "Délai d’attente", 57, 57, 100],
        ],
    )
    assert result.ok, result.errors
    assert result.created == 3
    arles = campaign[1][0]
    assert Result.objects.get(unit=arles, criterion__code="horaires").rate == Decimal("51.5")
    istres_wait = Result.objects.get(unit=campaign[1][1], criterion__code="attente")
    assert (istres_wait.rate, istres_wait.satisfied, istres_wait.concerned, istres_wait.source) == (
        Decimal(57),
        57,
        100,
        "import",
    )


def test_importing_the_same_rows_twice_changes_nothing(campaign):
    rows = [["Unité", "Critère", "Taux (%)"], ["Unité Arles", "Accueil téléphonique", 87]]
    run(campaign, rows)
    # another file (an extra, empty column) holding the same rate
    again = run(campaign, [[*rows[0], "Satisfaits"], [*rows[1], None]])
    assert (again.created, again.unchanged) == (0, 1)


def test_the_same_file_twice_is_refused_the_second_time(campaign):
    c, units, _criteria = campaign
    upload = xlsx([["Unité", "Critère", "Taux (%)"], ["Unité Arles", "Accueil téléphonique", 87]])
    import_results(campaign=c, upload=upload, writable_site_ids={u.site_id for u in units}, by=None)
    with pytest.raises(ImportFileError, match="déjà été importé"):
        import_results(campaign=c, upload=upload, writable_site_ids={u.site_id for u in units}, by=None)


def test_a_matrix_is_imported(campaign):
    labels = [c.label for c in campaign[2]]
    result = run(
        campaign,
        [
            ["Unité", *labels],
            ["Unité Arles", 87, 97, 94, 72, 94, 99, 82],
            ["Unité Istres", 66, 81, 76, 64, 96, 97, None],
        ],
    )
    assert result.ok, result.errors
    assert result.created == 13
    assert Result.objects.get(unit=campaign[1][1], criterion__code="telephone").rate == Decimal(66)


def test_a_bad_file_saves_nothing_and_says_why_row_by_row(campaign):
    result = run(
        campaign,
        [
            ["Unité", "Critère", "Taux (%)"],
            ["Unité Arles", "Accueil téléphonique", 87],
            ["Unité Arles", "Accueil courtois", 101],
            ["Marseille Nord", "Accueil courtois", 80],
            ["Unité Istres", "Propreté", 80],
            ["Unité Istres", "Accueil courtois", "beaucoup"],
            ["Unité Istres", "Accueil courtois", ""],
            ["Unité Arles", "telephone", 80],
        ],
    )
    assert not result.ok
    assert not Result.objects.exists()
    errors = {(e.row, e.column): e.message for e in result.errors}
    assert errors[(3, "Taux (%)")] == "Un taux est compris entre 0 et 100 %."
    assert errors[(4, "Unité")].startswith("Unité inconnue dans cette campagne : « Marseille Nord »")
    assert errors[(5, "Critère")].startswith(
        "Critère inconnu dans cette campagne : « Propreté ». Critères acceptés : « Accueil téléphonique »"
    )
    assert errors[(6, "Taux (%)")] == "Saisissez un nombre (par exemple 51,5)."
    assert errors[(7, "Taux (%)")] == "Indiquez le taux (entre 0 et 100)."
    assert errors[(8, "")] == "Cette ligne reprend la ligne 2 du fichier : elle n'est importée qu'une fois."


def test_a_matrix_with_an_unknown_criterion_column_saves_nothing(campaign):
    result = run(campaign, [["Unité", "Accueil téléphonique", "Propreté"], ["Unité Arles", 87, 90]])
    assert [(e.row, e.column) for e in result.errors] == [(1, "Propreté")]
    assert result.errors[0].message.startswith("Critère inconnu dans cette campagne : « Propreté ».")
    assert not Result.objects.exists()


def test_a_negative_rate_in_a_matrix_names_the_criterion_column(campaign):
    result = run(campaign, [["Unité", "Accueil téléphonique"], ["Unité Arles", -3]])
    assert [(e.row, e.column) for e in result.errors] == [(2, "Accueil téléphonique")]


def test_units_outside_the_users_sites_are_refused(campaign, org):
    result = run(
        campaign,
        [["Unité", "Critère", "Taux (%)"], ["Unité Istres", "Accueil courtois", 80]],
        site_ids={org.arles.pk},
    )
    assert (
        "Vous ne pouvez pas modifier les résultats de l'unité « Unité Istres »." in result.errors[0].message
    )
    assert not Result.objects.exists()


def test_a_file_that_is_not_a_workbook_or_lacks_columns_is_refused(campaign):
    c, units, _ = campaign
    with pytest.raises(ImportFileError, match="pas un classeur Excel"):
        import_results(
            campaign=c, upload=SimpleUploadedFile("x.xlsx", b"not excel"), writable_site_ids={1}, by=None
        )
    with pytest.raises(ImportFileError, match="Colonnes attendues"):
        run(campaign, [["Site", "Taux"], ["Arles", 80]])


def test_the_import_page_shows_row_errors_and_the_templates_download(client, quality_manager, campaign):
    client.force_login(quality_manager)
    c = campaign[0]
    upload = xlsx([["Unité", "Critère", "Taux (%)"], ["Unité Arles", "Accueil courtois", 120]])
    response = client.post(reverse("surveys:campaign_import", args=[c.pk]), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400 and "rien n'a été enregistré" in html
    assert "Un taux est compris entre 0 et 100 %." in html
    good = xlsx([["Unité", "Critère", "Taux (%)"], ["Unité Arles", "Accueil courtois", 99]])
    response = client.post(reverse("surveys:campaign_import", args=[c.pk]), {"file": good}, follow=True)
    assert "Import terminé : 1 taux enregistré." in response.content.decode()
    template = client.get(reverse("surveys:campaign_import_template", args=[c.pk]) + "?format=matrix")
    sheet = load_workbook(BytesIO(template.content)).active
    assert [cell.value for cell in sheet[1]][:2] == ["Unité", "Accueil téléphonique"]
    assert sheet["A2"].value == "Unité Arles"
