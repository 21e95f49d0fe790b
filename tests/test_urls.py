"""One style of address (docs/ARCHITECTURE.md, « Addresses »): a file has the extension of its format,
every register's export is `…/export.xlsx` beside its list, every import's template `…/import/modele.xlsx`
beside its import page; a renamed address answers a permanent redirect that keeps the filters."""

import pytest
from django.urls import reverse

from tests.test_access_matrix import url_patterns

ROUTES = {name: route for route, name, namespace in url_patterns() if name and namespace != "admin"}


def test_every_export_is_an_xlsx_file_beside_its_list():
    exports = {name: route for name, route in ROUTES.items() if name.endswith("_export")}
    assert len(exports) >= 9
    wrong = {name: route for name, route in exports.items() if not route.endswith("export.xlsx")}
    assert not wrong


def test_every_import_template_is_modele_xlsx_beside_its_import():
    templates = {name: route for name, route in ROUTES.items() if name.endswith("import_template")}
    assert len(templates) >= 6
    wrong = {name: route for name, route in templates.items() if not route.endswith("import/modele.xlsx")}
    assert not wrong


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/complaints/export/", "complaints:correspondence_export"),
        ("/indicators/mesures/export/", "indicators:measurement_export"),
    ],
)
def test_the_old_export_addresses_redirect_for_good_with_their_filters(client, quality_manager, old, new):
    client.force_login(quality_manager)
    response = client.get(old, {"site": "3", "q": "accueil"})
    assert response.status_code == 301
    assert response["Location"] == reverse(new) + "?site=3&q=accueil"
    assert client.post(old).status_code == 405
