"""The same bounds on every entry point: plausible dates, text lengths (issue 18)."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from complaints.imports import IMPORT_HEADERS
from complaints.models import DESCRIPTION_MAX_LENGTH, Correspondence
from complaints.tests.factories import public_form, staff_form

pytestmark = pytest.mark.django_db


def staff_post(client, org, **values):
    return client.post(reverse("complaints:correspondence_create"), staff_form(org.arles, **values))


@pytest.mark.parametrize("received_on", ["0001-01-01", "1999-12-31"])
def test_the_staff_form_refuses_an_implausible_receipt_date(
    client, org, referential, quality_manager, received_on
):
    client.force_login(quality_manager)
    response = staff_post(client, org, received_on=received_on)
    assert response.status_code == 200
    assert "Date invraisemblable : saisissez une date comprise entre 2000 et" in response.content.decode()
    assert not Correspondence.objects.exists()


def test_the_staff_form_bounds_the_description_like_the_public_form(
    client, org, referential, quality_manager
):
    client.force_login(quality_manager)
    response = staff_post(client, org, description="é" * (DESCRIPTION_MAX_LENGTH + 1))
    assert response.status_code == 200
    assert not Correspondence.objects.exists()
    assert staff_post(client, org, description="é" * DESCRIPTION_MAX_LENGTH).status_code == 302


def test_the_import_refuses_an_implausible_date_on_its_row(client, org, referential, quality_manager):
    book = Workbook()
    sheet = book.active
    headers = list(IMPORT_HEADERS)
    sheet.append(headers)
    values = {
        "Site (code)": "arles",
        "Type": "Réclamation",
        "Canal": "Registre sur site",
        "Reçue le": dt.date(1, 1, 1),
        "Objet": "Attente",
    }
    sheet.append([values.get(h, "") for h in headers])
    sheet.append([{**values, "Reçue le": "31/12/1999"}.get(h, "") for h in headers])
    sheet.append([{**values, "Description": "x" * (DESCRIPTION_MAX_LENGTH + 1)}.get(h, "") for h in headers])
    buffer = BytesIO()
    book.save(buffer)
    client.force_login(quality_manager)
    response = client.post(
        reverse("complaints:correspondence_import"),
        {"file": SimpleUploadedFile("registre.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 400
    errors = {(e.row, e.column) for e in response.context["result"].errors}
    assert {(2, "Reçue le"), (3, "Reçue le"), (4, "Description")} <= errors
    assert not Correspondence.objects.exists()


def test_the_public_form_sent_twice_logs_one_request(client, org, referential):
    url = reverse("complaints_public:request_form", args=[org.istres.code])
    data = public_form()
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 200
    assert "déjà enregistrée" in again.content.decode()
    assert Correspondence.objects.count() == 1


def test_the_public_form_refuses_a_nul_byte_with_a_400(client, org, referential):
    url = reverse("complaints_public:request_form", args=[org.istres.code])
    response = client.post(url, {"kind": "complaint", "subject": "Att\x00ente", "description": "x"})
    assert response.status_code == 400
    assert not Correspondence.objects.exists()
