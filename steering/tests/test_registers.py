"""Module registers: entries, Excel export of each, the press-release import, access, query counts."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from steering.models import PressRelease, SocialMediaCount
from steering.views.registers import REGISTERS

from .factories import ExerciseFactory, PressReleaseFactory

pytestmark = pytest.mark.django_db

D = dt.date


def test_the_quality_manager_records_a_press_release_and_an_exercise(client, quality_manager, org):
    client.force_login(quality_manager)
    response = client.post(
        reverse("steering:register_create", args=["communiques"]),
        {
            "department": org.bdr.pk,
            "issued_on": "2015-08-10",
            "event": "Feu de forêt",
            "channel": "Twitter",
            "text": "…",
        },
    )
    assert response.status_code == 302
    client.post(
        reverse("steering:register_create", args=["exercices"]),
        {"department": org.bdr.pk, "held_on": "2015-03-26", "scenario": "SEVESO", "cip_activated": "on"},
    )
    html = client.get(reverse("steering:register_entries", args=["exercices"])).content.decode()
    assert "SEVESO" in html and "oui" in html
    assert PressRelease.objects.get().department == org.bdr


def test_a_social_media_month_is_stored_on_the_first_day(client, quality_manager, org):
    client.force_login(quality_manager)
    client.post(
        reverse("steering:register_create", args=["reseaux-sociaux"]),
        {"department": org.bdr.pk, "network": "twitter", "month": "2015-08", "posts": 95},
    )
    assert SocialMediaCount.objects.get().month == D(2015, 8, 1)


@pytest.mark.parametrize("slug", list(REGISTERS))
def test_every_register_exports_to_excel(client, quality_manager, org, slug):
    PressReleaseFactory(department=org.bdr)
    ExerciseFactory(department=org.bdr, cip_activated=True)
    client.force_login(quality_manager)
    response = client.get(reverse("steering:register_entries", args=[slug]) + "?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == [c.header for c in REGISTERS[slug].columns]


def test_the_referent_reads_but_cannot_write_departement_registers(client, arles_referent, outsider, org):
    entry = PressReleaseFactory(department=org.bdr)
    client.force_login(arles_referent)
    assert client.get(reverse("steering:register_detail", args=["communiques", entry.pk])).status_code == 200
    assert client.get(reverse("steering:register_create", args=["communiques"])).status_code == 403
    assert client.post(reverse("steering:register_delete", args=["communiques", entry.pk])).status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("steering:register_detail", args=["communiques", entry.pk])).status_code == 404
    assert (
        "Événement"
        not in client.get(reverse("steering:register_entries", args=["communiques"])).content.decode()
    )


def _named(data):
    buffer = BytesIO(data)
    buffer.name = "communiques.xlsx"
    return buffer


def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["Date", "Événement", "Canal", "Texte"])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "communiques.xlsx"
    return buffer


def test_the_press_release_import_is_all_or_nothing(client, quality_manager, org):
    client.force_login(quality_manager)
    response = client.post(
        reverse("steering:press_import"),
        {
            "file": _xlsx(
                [[D(2015, 8, 10), "Feu de forêt", "Twitter", "x"], ["pas une date", "Canicule", "Site", ""]]
            )
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Saisissez une date valide" in html and "<td>3</td>" in html
    assert not PressRelease.objects.exists()
    rows = [[D(2015, 8, 10), "Feu de forêt", "Twitter", "x"], ["30/06/2015", "Canicule", "Communiqué", "y"]]
    data = _xlsx(rows).getvalue()  # one file sent twice (re-saved a second later, it would be another file)
    assert client.post(reverse("steering:press_import"), {"file": _named(data)}).status_code == 302
    again = client.post(reverse("steering:press_import"), {"file": _named(data)})  # the same file
    assert again.status_code == 400 and "Ce fichier a déjà été importé" in again.content.decode()
    assert PressRelease.objects.count() == 2
    template = load_workbook(BytesIO(client.get(reverse("steering:press_import_template")).content)).active
    assert [c.value for c in template[1]] == ["Date", "Événement", "Canal", "Texte"]


def test_the_register_pages_run_a_constant_number_of_queries(
    client, quality_manager, org, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    urls = [reverse("steering:register_list")] + [
        reverse("steering:register_entries", args=[s]) for s in REGISTERS
    ]
    PressReleaseFactory(department=org.bdr)
    ExerciseFactory(department=org.bdr)
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(12) as ctx:
            client.get(url)
        counts[url] = len(ctx.captured_queries)
    for i in range(10):
        PressReleaseFactory(department=org.bdr, issued_on=D(2015, 1, 1) + dt.timedelta(days=i))
        ExerciseFactory(department=org.bdr, held_on=D(2015, 1, 1) + dt.timedelta(days=i))
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            client.get(url)
