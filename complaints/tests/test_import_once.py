"""An import happens once: the same file twice (one after the other, or at the same moment) creates its
rows once; a request that names its requester is protected by a database constraint."""

from __future__ import annotations

import datetime as dt
import threading
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from complaints import services
from complaints.imports import IMPORT_HEADERS
from complaints.models import Correspondence
from qualipref.models import ImportRecord

HEADERS = list(IMPORT_HEADERS)


def workbook_bytes(count: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    received = timezone.localdate() - dt.timedelta(days=30)
    for n in range(count):
        values = {
            "Site (code)": "arles",
            "Type": "Réclamation",
            "Canal": "Registre sur site",
            "Reçue le": received,
            "Objet": f"Attente {n}",
            "Nom du requérant": f"Usager {n}",
        }
        sheet.append([values.get(h, "") for h in HEADERS])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_the_same_file_twice_is_imported_once_and_the_second_time_says_so(
    client, org, referential, quality_manager
):
    content = workbook_bytes(5)
    client.force_login(quality_manager)
    url = reverse("complaints:correspondence_import")
    first = client.post(url, {"file": SimpleUploadedFile("registre.xlsx", content)})
    assert first.status_code == 302
    assert Correspondence.objects.count() == 5
    second = client.post(url, {"file": SimpleUploadedFile("copie.xlsx", content)})
    assert second.status_code == 400
    assert "Ce fichier a déjà été importé le" in second.content.decode()
    assert Correspondence.objects.count() == 5
    record = ImportRecord.objects.get()
    assert (record.kind, record.rows_created, record.created_by) == ("complaints", 5, quality_manager)


@pytest.mark.django_db
def test_a_request_naming_its_requester_is_unique_in_the_database(org, referential, quality_manager):
    fields = dict(received_on=timezone.localdate(), subject="Attente", requester_name="M. A")
    services.correspondence_create(site=org.arles, by=quality_manager, **fields)
    with pytest.raises(ValidationError) as refused:
        services.correspondence_create(site=org.arles, by=quality_manager, **fields)
    assert "déjà enregistrée" in " ".join(refused.value.messages)
    original = Correspondence.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Correspondence.objects.bulk_create(
            [Correspondence(**{**_copy(original), "reference": "REC-13-2099-9999"})]
        )
    # anonymous requests are not identified: two alike may be logged
    services.correspondence_create(site=org.arles, by=quality_manager, **{**fields, "requester_name": ""})
    services.correspondence_create(site=org.arles, by=quality_manager, **{**fields, "requester_name": ""})
    assert Correspondence.objects.count() == 3


def _copy(request):
    return {
        f.attname: getattr(request, f.attname)
        for f in Correspondence._meta.concrete_fields
        if not f.primary_key and f.name != "reference"
    }


@pytest.mark.django_db
def test_a_double_clicked_create_form_logs_one_request(client, org, referential, quality_manager):
    client.force_login(quality_manager)
    data = {
        "site": org.arles.pk,
        "kind": "complaint",
        "channel": "post",
        "received_on": timezone.localdate().isoformat(),
        "subject": "Attente au guichet",
        "requester_name": "Mme B",
    }
    url = reverse("complaints:correspondence_create")
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 200
    assert "déjà enregistrée" in again.content.decode()
    assert Correspondence.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_imports_of_one_file_leave_one_set_of_rows(org, referential, quality_manager):
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL's row locks")
    content = workbook_bytes(20)
    url = reverse("complaints:correspondence_import")
    start = threading.Barrier(2)
    statuses = []

    def post():
        from django.db import connections

        try:
            client = Client()
            client.force_login(quality_manager)
            start.wait()
            statuses.append(
                client.post(url, {"file": SimpleUploadedFile("registre.xlsx", content)}).status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 400]
    assert Correspondence.objects.count() == 20
    assert ImportRecord.objects.count() == 1
