import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from complaints.imports import IMPORT_HEADERS
from complaints.models import Correspondence, Status

from .factories import make_correspondence

pytestmark = pytest.mark.django_db
D = dt.date
HEADERS = list(IMPORT_HEADERS)


def workbook(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(h, "") for h in HEADERS])
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("registre.xlsx", buffer.getvalue())


def row(**values):
    base = {
        "Site (code)": "arles",
        "Type": "Réclamation",
        "Canal": "Registre sur site",
        "Reçue le": D(2014, 3, 1),
        "Objet": "Attente",
        "Nom du requérant": "M. A",
        "Répondue le": D(2014, 3, 10),
        "Réponse": "Vu.",
    }
    return base | values


def test_export_has_every_field_french_headers_and_dates_as_dates(client, org, referential, quality_manager):
    correspondence = make_correspondence(
        org.arles, received_on=D(2015, 3, 1), answered_on=D(2015, 3, 5), requester_name="Jo"
    )
    client.force_login(quality_manager)
    response = client.get(reverse("complaints:correspondence_export"), {"site": org.arles.pk})
    sheet = load_workbook(BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert {"Référence", "Reçue le", "Échéance", "Répondue le", "Nom du requérant", "Dans le délai"} <= set(
        headers
    )
    values = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert values["Référence"] == correspondence.reference
    assert values["Reçue le"] == dt.datetime(2015, 3, 1)
    assert sheet.cell(2, headers.index("Reçue le") + 1).number_format == "DD/MM/YYYY"
    assert values["Dans le délai"] == "oui"
    assert sheet.max_row == 2


def test_import_creates_then_a_reimport_does_not_duplicate(client, org, referential, quality_manager):
    client.force_login(quality_manager)
    upload = [
        row(),
        row(**{"Objet": "Signalétique", "Site (code)": "istres", "Répondue le": "", "Réponse": ""}),
        row(**{"Référence": "REC-13-2014-0099", "Objet": "Téléphone", "Clôturée le": D(2014, 3, 11)}),
    ]
    response = client.post(reverse("complaints:correspondence_import"), {"file": workbook(upload)})
    assert response.status_code == 302
    assert Correspondence.objects.count() == 3
    closed = Correspondence.objects.get(reference="REC-13-2014-0099")
    assert (closed.status, closed.answered_on_time, closed.answer_days) == (Status.CLOSED, True, 9)
    assert Correspondence.objects.get(subject="Signalétique").status == Status.RECEIVED
    client.post(reverse("complaints:correspondence_import"), {"file": workbook(upload)})
    assert Correspondence.objects.count() == 3


def test_export_then_import_round_trip(client, org, referential, quality_manager):
    make_correspondence(org.arles, received_on=D(2015, 3, 1), answered_on=D(2015, 3, 5), requester_name="Jo")
    client.force_login(quality_manager)
    exported = client.get(reverse("complaints:correspondence_export")).content
    response = client.post(
        reverse("complaints:correspondence_import"), {"file": SimpleUploadedFile("export.xlsx", exported)}
    )
    assert response.status_code == 302
    assert Correspondence.objects.count() == 1


def test_a_bad_file_lists_errors_by_row_and_column_and_saves_nothing(
    client, org, referential, quality_manager
):
    client.force_login(quality_manager)
    upload = [
        row(),
        row(**{"Site (code)": "avignon", "Objet": "B"}),
        row(**{"Objet": "C", "Répondue le": D(2014, 2, 1)}),
        row(**{"Objet": "D", "Type": "Pétition"}),
    ]
    response = client.post(reverse("complaints:correspondence_import"), {"file": workbook(upload)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "rien n'a été enregistré" in page
    errors = [(e.row, e.column) for e in response.context["result"].errors]
    assert errors == [(3, "Site (code)"), (4, "Répondue le"), (5, "Type")]
    assert "Site « avignon » inconnu ou hors de votre périmètre." in page
    assert Correspondence.objects.count() == 0


def test_a_file_that_is_not_excel_is_refused(client, org, referential, quality_manager):
    client.force_login(quality_manager)
    response = client.post(
        reverse("complaints:correspondence_import"), {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")}
    )
    assert "n&#x27;est pas un classeur Excel" in response.content.decode()


def test_the_template_has_the_expected_headers(client, org, quality_manager):
    client.force_login(quality_manager)
    sheet = load_workbook(BytesIO(client.get(reverse("complaints:import_template")).content)).active
    assert [c.value for c in sheet[1]] == HEADERS
