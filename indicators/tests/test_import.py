"""Excel import: the template, all-or-nothing with row errors in French, upsert of existing values."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators.imports import IMPORT_HEADERS
from indicators.models import Measurement

pytestmark = pytest.mark.django_db


def workbook(rows, headers=None):
    book = Workbook()
    sheet = book.active
    sheet.append(headers or list(IMPORT_HEADERS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("mesures.xlsx", buffer.getvalue())


def test_the_template_has_the_expected_columns(client, pickup, quality_manager):
    client.force_login(quality_manager)
    response = client.get(reverse("indicators:import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == list(IMPORT_HEADERS)


def test_a_good_file_is_saved_and_a_second_import_updates(client, org, pickup, quality_manager):
    client.force_login(quality_manager)
    url = reverse("indicators:measurement_import")
    rows = [
        ["taux-decroche", "peytral", "2015-01", 66.3, ""],
        ["taux-decroche", "saint-sebastien", dt.datetime(2015, 1, 1), 61, "panne"],
        ["taux-decroche", "arles", "02/2015", "91,5", ""],
    ]
    response = client.post(url, {"file": workbook(rows)}, follow=True)
    assert "Import terminé : 3 mesures créées." in response.content.decode()
    assert Measurement.objects.get(site=org.arles).value == Decimal("91.5")
    rows[0][3] = 70
    response = client.post(url, {"file": workbook(rows)}, follow=True)
    assert "0 mesure créée, 1 mise à jour, 2 déjà présentes (inchangées)" in response.content.decode()
    assert Measurement.objects.count() == 3
    assert Measurement.objects.get(site=org.peytral).source == "import"


def test_one_bad_row_and_nothing_is_saved_with_each_error_by_row(client, org, pickup, peytral_referent):
    client.force_login(peytral_referent)
    rows = [
        ["taux-decroche", "peytral", "2015-01", 66.3, ""],
        ["taux-inconnu", "peytral", "2015-02", 60, ""],
        ["taux-decroche", "lune", "2015-02", 60, ""],
        ["taux-decroche", "arles", "2015-02", 60, ""],
        ["taux-decroche", "peytral", "juin", 60, ""],
        ["taux-decroche", "peytral", "2015-03", 160, ""],
    ]
    html = client.post(reverse("indicators:measurement_import"), {"file": workbook(rows)}).content.decode()
    assert "rien n'a été enregistré" in html
    for text in ("Indicateur inconnu : « taux-inconnu »", "Site inconnu : « lune »",
                 "Site inconnu : « arles »",  # outside the referent's scope: not even named
                 "Mois attendu", "supérieure au maximum"):  # fmt: skip
        assert text in html
    assert "<td>3</td>" in html and "<td>7</td>" in html
    assert not Measurement.objects.exists()


def test_a_file_without_the_columns_is_refused(client, pickup, quality_manager):
    client.force_login(quality_manager)
    html = client.post(
        reverse("indicators:measurement_import"), {"file": workbook([["x"]], headers=["Indicateur"])}
    ).content.decode()
    assert "Colonnes manquantes" in html
    html = client.post(
        reverse("indicators:measurement_import"), {"file": SimpleUploadedFile("a.xlsx", b"not a workbook")}
    ).content.decode()
    assert "pas un classeur Excel" in html
