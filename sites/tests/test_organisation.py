"""The organisation set up in the app's own pages: forms for entities, sites and reception points, and the
organisation spreadsheet (all-or-nothing, matched by code, idempotent), seen by named personas."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from sites.imports import HEADERS
from sites.models import Entity, ReceptionPoint, Site

pytestmark = pytest.mark.django_db


def xlsx(rows, headers=tuple(HEADERS)) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("organisation.xlsx", buffer.getvalue())


def row(entity="prefecture-30", entity_name="Préfecture du Gard", kind="Préfecture", site="nimes",
        site_name="Nîmes", point="", point_name="", city="Nîmes", postal="30000"):  # fmt: skip
    return [entity, entity_name, kind, site, site_name, "10 avenue Feuchères", postal, city, "", "",
            "8 h 30 – 16 h", point, point_name]  # fmt: skip


ORGANISATION = [
    row(point="accueil-general", point_name="Accueil général"),
    row(point="titres", point_name="Titres et permis"),
    row(entity="sp-ales", entity_name="Sous-préfecture d'Alès", kind="sous-préfecture", site="ales",
        site_name="Alès", city="Alès", postal="30100"),
    row(entity="sp-vigan", entity_name="Sous-préfecture du Vigan", kind="Sous-préfecture", site="le-vigan",
        site_name="Le Vigan", city="Le Vigan", postal=30120),
]  # fmt: skip


@pytest.fixture
def gard(db):
    from tests.factories import DepartmentFactory, persona

    department = DepartmentFactory(code="30", name="Gard")
    manager = persona("qualite.gard", "quality_manager", department)
    return department, manager


def _import(client, rows, department=None):
    data = {"file": xlsx(rows)}
    if department is not None:
        data["department"] = department.pk
    return client.post(reverse("sites:organisation_import"), data)


def _snapshot():
    return (
        sorted(Entity.objects.values_list("code", "name", "kind", "department_id")),
        sorted(Site.objects.values_list("code", "name", "entity__code", "city", "postal_code")),
        sorted(ReceptionPoint.objects.values_list("site__code", "code", "name")),
    )


def test_a_new_departement_imports_its_whole_organisation_and_a_second_import_changes_nothing(client, gard):
    department, manager = gard
    client.force_login(manager)
    response = _import(client, ORGANISATION)
    assert response.status_code == 302, response.content.decode()
    entities = Entity.objects.filter(department=department)
    assert sorted(entities.values_list("code", flat=True)) == ["prefecture-30", "sp-ales", "sp-vigan"]
    assert entities.get(code="sp-ales").kind == Entity.Kind.SUBPREFECTURE
    assert Site.objects.get(code="le-vigan").postal_code == "30120"
    assert sorted(ReceptionPoint.objects.filter(site__code="nimes").values_list("code", flat=True)) == [
        "accueil-general",
        "titres",
    ]
    before, history = _snapshot(), Site.history.count()
    response = _import(client, ORGANISATION)
    assert response.status_code == 302, response.content.decode()
    assert _snapshot() == before and Site.history.count() == history
    page = client.get(reverse("sites:organisation")).content.decode()
    assert "aucun changement" in page
    # the site codes every import needs are shown on the organisation page
    for code in ("nimes", "ales", "le-vigan"):
        assert f'<code class="site-code text-body">{code}</code>' in page


def test_a_changed_name_updates_the_row_with_that_code(client, gard):
    department, manager = gard
    client.force_login(manager)
    _import(client, ORGANISATION)
    renamed = [r[:] for r in ORGANISATION]
    renamed[2][4] = "Alès (centre)"
    assert _import(client, renamed).status_code == 302
    assert Site.objects.get(code="ales").name == "Alès (centre)"
    assert Site.objects.filter(entity__department=department).count() == 3


@pytest.mark.parametrize(
    "rows, column, words",
    [
        (  # the same site code under two entities
            [row(), row(entity="sp-ales", entity_name="Sous-préfecture d'Alès", kind="Sous-préfecture")],
            "Site (code)",
            "Code de site en double : « nimes » figure déjà ligne 2",
        ),
        ([row(entity="", entity_name="", kind="")], "Entité (code)", "Le site « nimes » n'a pas d'entité"),
        ([row(kind="Mairie")], "Entité (type)", "Type d'entité inconnu : « Mairie ». Valeurs acceptées"),
        ([row(site="arles")], "Site (code)", "Le code de site « arles » est déjà utilisé"),
    ],
)
def test_bad_rows_are_reported_in_french_and_nothing_changes(client, gard, org, rows, column, words):
    department, manager = gard
    client.force_login(manager)
    before = _snapshot()
    response = _import(client, [ORGANISATION[0], *rows])
    assert response.status_code == 400
    html = response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert "rien n'a été enregistré" in html
    assert words in html and f"<td>{column}</td>" in html
    assert _snapshot() == before


def test_the_template_is_downloadable_and_reads_back(client, gard):
    department, manager = gard
    client.force_login(manager)
    response = client.get(reverse("sites:organisation_template"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(HEADERS)
    assert rows[1][0] == "prefecture-30"
    # the template, as downloaded, imports
    assert _import(client, [list(r) for r in rows[1:]]).status_code == 302
    assert Site.objects.filter(entity__department=department, code="prefecture-30").exists()


# ---- forms ---------------------------------------------------------------------------------------------


def test_the_quality_manager_creates_an_entity_a_site_and_a_reception_point(client, gard):
    department, manager = gard
    client.force_login(manager)
    response = client.post(
        reverse("sites:entity_create"),
        {"department": department.pk, "code": "prefecture-30", "name": "Préfecture du Gard",
         "kind": "prefecture", "order": 1},
    )  # fmt: skip
    assert response.status_code == 302
    entity = Entity.objects.get(department=department, code="prefecture-30")
    response = client.post(
        reverse("sites:site_create"),
        {"entity": entity.pk, "code": "nimes", "name": "Nîmes", "city": "Nîmes", "order": 0,
         "opening_hours": "Du lundi au vendredi"},
    )  # fmt: skip
    assert response.status_code == 302
    site = Site.objects.get(code="nimes")
    assert site.opening_hours == "Du lundi au vendredi"
    response = client.post(
        reverse("sites:reception_point_create", args=["nimes"]),
        {"code": "titres", "name": "Titres", "order": 0},
    )
    assert response.status_code == 302
    point = site.reception_points.get()
    response = client.post(
        reverse("sites:site_edit", args=["nimes"]),
        {"entity": entity.pk, "code": "autre", "name": "Nîmes (Feuchères)", "city": "Nîmes", "order": 0},
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.code, site.name) == ("nimes", "Nîmes (Feuchères)")  # the code does not change
    response = client.post(
        reverse("sites:reception_point_edit", args=[point.pk]),
        {"code": "titres", "name": "Titres", "order": 2},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.order == 2
    page = client.get(reverse("sites:site_detail", args=["nimes"])).content.decode()
    assert '<code class="site-code text-body">nimes</code>' in page


def test_a_duplicate_site_code_and_a_site_without_entity_are_refused_in_french(client, org, quality_manager):
    client.force_login(quality_manager)
    before = _snapshot()
    response = client.post(
        reverse("sites:site_create"),
        {"entity": org.arles_entity.pk, "code": "arles", "name": "Arles 2", "order": 0},
    )
    assert response.status_code == 400
    assert "Le code de site « arles » est déjà utilisé" in response.content.decode()
    response = client.post(reverse("sites:site_create"), {"code": "nouveau", "name": "Nouveau", "order": 0})
    assert response.status_code == 400
    assert "Choisissez l&#x27;entité à laquelle le site appartient." in response.content.decode()
    response = client.post(
        reverse("sites:site_create"),
        {"entity": org.vaucluse_entity.pk, "code": "nouveau", "name": "Nouveau", "order": 0},
    )
    assert response.status_code == 400  # an entity of another département is not a choice
    response = client.post(
        reverse("sites:entity_create"),
        {
            "department": org.bdr.pk,
            "code": "sp-arles",
            "name": "Doublon",
            "kind": "subprefecture",
            "order": 1,
        },
    )
    assert response.status_code == 400
    assert "Le code d&#x27;entité « sp-arles » est déjà utilisé" in response.content.decode()
    assert _snapshot() == before


def test_a_referent_reads_the_organisation_but_does_not_edit_it(client, org, arles_referent):
    client.force_login(arles_referent)
    before = _snapshot()
    assert client.get(reverse("sites:organisation")).status_code == 200
    assert "Ajouter un site" not in client.get(reverse("sites:site_detail", args=["arles"])).content.decode()
    for url in (
        reverse("sites:site_edit", args=["arles"]),
        reverse("sites:entity_edit", args=[org.arles_entity.pk]),
        reverse("sites:reception_point_create", args=["arles"]),
        reverse("sites:entity_create"),
        reverse("sites:site_create"),
        reverse("sites:organisation_import"),
        reverse("sites:organisation_template"),
    ):
        assert client.get(url).status_code == 403, url
        posted = client.post(url, {"name": "Piraté", "code": "pirate", "order": 0}).status_code
        # the template is read only: a POST is refused for its method before anyone's rights are asked
        assert posted == (405 if url == reverse("sites:organisation_template") else 403), url
    assert _snapshot() == before


def test_an_outsider_gets_404_on_the_pages_of_another_departement(client, org, outsider):
    client.force_login(outsider)
    point = org.arles.reception_points.get()
    for url in (
        reverse("sites:site_edit", args=["arles"]),
        reverse("sites:entity_edit", args=[org.arles_entity.pk]),
        reverse("sites:reception_point_create", args=["arles"]),
        reverse("sites:reception_point_edit", args=[point.pk]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "Piraté"}).status_code == 404, url


def test_the_gard_manager_cannot_import_into_another_departement(client, gard, org):
    department, manager = gard
    client.force_login(manager)
    before = _snapshot()
    response = _import(client, [row(entity="prefecture-13", site="autre")], department=org.bdr)
    assert response.status_code == 400  # the département is not a choice
    assert _snapshot() == before
