# ruff: noqa: F811 - test functions take the `demo` fixture imported from tests.test_bad_input
"""Hostile input at the edges (issue 18): every list filter and export, every spreadsheet import and the
API get hostile values; none answers 500, none writes part of a refused input, no exported cell holds a
formula, and no upload is parsed before its limits are checked.

The demo data is loaded once for the module (tests/test_bad_input.py's `demo` fixture, rolled back at the
end). The values come from tests/hostile.py. A new list page or import is attacked without change here:
list pages are every URL without arguments whose name reads a list, an export or a board, and their
filters are read from the page's GET forms.
"""

from __future__ import annotations

import io
import re
import zipfile
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from qualipref.tests.test_uploads import declared, zip_bomb
from tests import hostile as h
from tests.test_bad_input import _template, _url_patterns, demo  # noqa: F401 - `demo` is a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

# ---- the values ------------------------------------------------------------------------------------------

# One request per value and page: every filter of the page gets the value at once.
QUERY_VALUES = [
    "-1",
    "0",
    "99999999999999999999999",
    "9223372036854775808",
    "1.5",
    "1e400",
    "NaN",
    "0001-01-01",
    "99999-12-31",
    "2015-13",
    "-0001-01",
    "١٢",
    h.XSS,
    "é" * 3000,
    "'; DROP TABLE sites_site; --",
]
# Refused by the middleware, whatever the page: a French 400.
QUERY_REFUSED = ["%00", "avant%00apr%C3%A8s", "%ff%fe", "%C3%28"]
ALWAYS_TRIED = ("page", "sort", "year", "site", "status", "q", "month", "period", "entity", "within")
LIST_WORDS = (
    "list",
    "export",
    "board",
    "index",
    "calendar",
    "readiness",
    "loop",
    "my_actions",
    "organisation",
    "home",
)
EXTRA_LISTS = [("steering:register_entries", {"slug": "communiques"})]

# (import, the demo row it imports into, its template, whether the template takes the row too)
IMPORTS = [
    ("complaints:correspondence_import", None, "complaints:import_template", False),
    ("indicators:measurement_import", None, "indicators:import_template", False),
    ("steering:training_import", None, "steering:training_import_template", False),
    ("steering:press_import", None, "steering:press_import_template", False),
    ("audits:findings_import", "renewal", "audits:findings_import_template", False),
    ("actionplans:plan_import", "plan", "actionplans:import_template", False),
    ("surveys:campaign_import", "campaign", "surveys:campaign_import_template", True),
]
FORMULAS = ['=HYPERLINK("http://evil.example";"cliquez")', "=1+1", "=cmd|' /C calc'!A0", "@SUM(1+1)"]


def list_pages():
    pages = [
        (name, {})
        for name, pattern in _url_patterns()
        if not pattern.pattern.converters
        and any(word in name.partition(":")[2] or word == name for word in LIST_WORDS)
        and not name.startswith(("indicators_api:", "publication:"))
        and not name.endswith("_moved")  # an old address, a redirect to the list checked under its new name
        and name != "accounts:department_list"  # the platform administrator's page (no filter; quality: 403)
    ]
    return sorted(pages) + EXTRA_LISTS


def get_filter_names(html: str) -> set[str]:
    parser = h._FormParser()
    parser.feed(html)
    return {
        item["name"]
        for form in parser.forms
        if form["method"] == "get"
        for item in form["items"]
        if item.get("name") and item.get("type") not in ("submit", "button")
    }


@pytest.fixture
def qualite_client(client, demo):
    client.force_login(demo.qualite)
    return client


def _kwargs(demo, attribute):
    return {"pk": getattr(demo, attribute).pk} if attribute else {}


# ---- list filters and exports -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs"), list_pages(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_list_filter_ignores_hostile_values_without_a_500(qualite_client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    first = qualite_client.get(url)
    if first.status_code == 302:  # e.g. the referential index shows the referential in force
        url = first["Location"]
        first = qualite_client.get(url)
    assert first.status_code == 200, f"GET {url}: {first.status_code}"
    names = set(ALWAYS_TRIED)
    if "html" in first.get("Content-Type", ""):
        names |= get_filter_names(first.content.decode())
    before = h.table_checksums()
    for value in QUERY_VALUES:
        response = qualite_client.get(url, dict.fromkeys(names, value))
        assert response.status_code == 200, f"GET {url} ?…={value[:20]!r}: {response.status_code}"
        h.assert_safe_html(response, f"GET {url}")
    for raw in QUERY_REFUSED:
        query = "&".join(f"{n}={raw}" for n in sorted(names))
        response = qualite_client.get(f"{url}?{query}")
        assert response.status_code == 400, f"GET {url}?…={raw}: {response.status_code}"
        assert "caractère nul ou un texte mal encodé" in response.content.decode()
    assert h.table_checksums() == before, f"GET {url} changed the database"


@pytest.mark.parametrize("name", ["audits:audit_list", "audits:finding_list"])
@pytest.mark.parametrize("year", ["-1", "99999999999999999999999", "0", "1.5", "abc"])
def test_the_audit_lists_ignore_an_impossible_year_with_a_french_message(qualite_client, name, year):
    response = qualite_client.get(reverse(name), {"year": year})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Saisissez une année" in page or "supérieure ou égale" in page or "inférieure ou égale" in page


@pytest.mark.parametrize(
    "path", ["/public/calendrier/%00.ics", "/public/calendrier/a%00b.ics", "/audits/%00/"]
)
def test_a_nul_byte_in_the_path_is_a_french_400(client, demo, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_put_delete_patch_are_refused_on_pages(qualite_client, demo, method):
    before = h.table_checksums()
    for url in (
        demo.complaint.get_absolute_url(),
        reverse("complaints:correspondence_list"),
        reverse("steering:feed_settings"),
        "/api/indicators/measurements/",
    ):
        response = getattr(qualite_client, method)(url)
        assert response.status_code == 405, f"{method.upper()} {url}: {response.status_code}"
        assert method.upper() not in response["Allow"]
    assert h.table_checksums() == before


# ---- imports ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "target", "template", "template_takes_row"), IMPORTS)
def test_every_import_refuses_oversized_files_before_parsing(
    qualite_client, demo, name, target, template, template_takes_row
):
    url = reverse(name, kwargs=_kwargs(demo, target))
    for content in (zip_bomb(60 * 1024 * 1024), declared("A1:B100001"), declared("A1:XFD5")):
        with mock.patch("openpyxl.load_workbook") as parser:
            outcome = h.post_and_judge(
                qualite_client, url, {"file": SimpleUploadedFile("bombe.xlsx", content)}
            )
        parser.assert_not_called()
        assert not outcome.changed
        assert outcome.status in (200, 400)


def _workbook(headers, rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"  # text typed as '=1+1: a string starting with "=", not a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "target", "template", "template_takes_row"), IMPORTS)
def test_every_import_refuses_wrong_types_without_a_partial_write(
    qualite_client, demo, name, target, template, template_takes_row
):
    kwargs = _kwargs(demo, target)
    headers, example = _template(qualite_client, template, kwargs if template_takes_row else {})
    url = reverse(name, kwargs=kwargs)
    # the template's example row, then rows of hostile cells of every type: all or nothing
    hostile_rows = [[value] * len(headers) for value in h.CELL_HOSTILE if value not in ("",)]
    for rows in (
        [example, *hostile_rows],
        [example, [h.dt.datetime(1, 1, 1)] * len(headers)],
        [[f"{formula}"] * len(headers) for formula in FORMULAS],
    ):
        content = _workbook(headers, rows)
        outcome = h.post_and_judge(qualite_client, url, {"file": SimpleUploadedFile("import.xlsx", content)})
        assert not outcome.changed, f"{name}: a file with invalid rows wrote something"


def _sheets_xml(content: bytes) -> list[bytes]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    return [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]


def test_formula_text_imported_is_exported_as_text_never_as_a_formula(qualite_client, demo):
    headers, example = _template(qualite_client, "complaints:import_template", {})
    received = (timezone.localdate().replace(day=1)).strftime("%d/%m/%Y")
    rows = []
    for n, formula in enumerate(FORMULAS):
        row = dict(zip(headers, example, strict=False))
        row.update(
            {
                "Référence": "",
                "Reçue le": received,
                "Objet": formula,
                "Nom du requérant": f"{formula} {n}",
                "Répondue le": "",
                "Réponse": "",
                "Clôturée le": "",
                "Accusé de réception le": "",
            }
        )
        rows.append([row.get(header, "") for header in headers])
    with h.rolled_back():
        response = qualite_client.post(
            reverse("complaints:correspondence_import"),
            {"file": SimpleUploadedFile("formules.xlsx", _workbook(headers, rows))},
        )
        result = response.context["result"] if response.status_code == 200 else None
        assert response.status_code == 302, result and result.errors
        export = qualite_client.get(reverse("complaints:correspondence_export"))
        sheets = _sheets_xml(export.content)
        assert any(FORMULAS[1].encode() in xml for xml in sheets)  # the text is there…
        assert not any(re.search(rb"<(\w+:)?f[ >]", xml) for xml in sheets)  # …never as a formula


@pytest.mark.parametrize(
    "name", [n for n, p in _url_patterns() if not p.pattern.converters and n.endswith("export")]
)
def test_no_export_holds_a_formula(qualite_client, name):
    response = qualite_client.get(reverse(name))
    assert response.status_code == 200
    for xml in _sheets_xml(response.content):
        assert not re.search(rb"<(\w+:)?f[ >]", xml), f"{name}: a formula in an exported cell"


# ---- the API ---------------------------------------------------------------------------------------------


@pytest.fixture
def api_token(demo):
    from indicators import services

    _, token = services.api_client_create(
        department=demo.indicator.department,
        name="Plateforme hostile",
        sites=list(demo.indicator.department.entities.first().sites.all()),
        by=demo.qualite,
    )
    return token


@pytest.mark.parametrize(
    ("period", "value", "field"),
    [
        ("0001-01", 50, "period"),
        ("1999-12", 50, "period"),
        ("9999-12", 50, "period"),
        ("2015-06", 1, "value"),  # above the indicator's maximum
        ("2015-06", -1, "value"),  # below its minimum
        ("2015-06\x00", 50, "period"),
    ],
)
def test_the_api_refuses_implausible_periods_and_values(client, demo, api_token, period, value, field):
    import json

    from indicators.models import Indicator

    indicator = Indicator.objects.filter(
        department__code="13", formula="measured", min_value__isnull=False, max_value__isnull=False
    ).first()
    assert indicator is not None, "the demo has no measured indicator with a declared range"
    if field == "value":
        value = indicator.max_value + 1 if value > 0 else indicator.min_value - 1
    before = h.table_checksums()
    before.pop("indicators_apiclient")
    site = demo.indicator.department.entities.first().sites.first()
    response = client.post(
        "/api/indicators/measurements/",
        json.dumps({"indicator": indicator.code, "site": site.code, "period": period, "value": float(value)}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token}",
    )
    assert response.status_code == 400, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    after = h.table_checksums()
    after.pop("indicators_apiclient")
    assert after == before


@pytest.mark.parametrize(("name", "target", "template", "template_takes_row"), IMPORTS)
def test_every_import_of_one_file_happens_once(
    qualite_client, demo, name, target, template, template_takes_row
):
    """The template the import page offers (issue 20: its example comes from the user's own scope and
    year), imported as downloaded: it imports; a second time, it is refused in French and writes nothing."""
    from openpyxl import load_workbook

    kwargs = _kwargs(demo, target)
    url = reverse(name, kwargs=kwargs)
    page = qualite_client.get(url).content.decode()
    offered = (
        re.search(r'Téléchargez le <a href="([^"]+)">modèle Excel</a>', page).group(1).replace("&amp;", "&")
    )
    assert offered.startswith(reverse(template, kwargs=kwargs if template_takes_row else {}))
    template_response = qualite_client.get(offered)
    assert template_response.status_code == 200, offered
    book = load_workbook(io.BytesIO(template_response.content))
    examples = [row for row in book.worksheets[0].iter_rows(min_row=2, values_only=True) if any(row)]
    assert examples, f"{offered}: the template has no example row"
    content = template_response.content
    with h.rolled_back():
        first = qualite_client.post(url, {"file": SimpleUploadedFile("exemple.xlsx", content)})
        # Issue 20: every template's example row comes from the user's own scope and year and imports.
        assert first.status_code == 302, f"{name}: the template's example does not import: " + " | ".join(
            re.findall(r"<td>([^<]{0,300})</td>", first.content.decode().partition("import-errors-title")[2])[
                :12
            ]
        )
        before = h.table_checksums()
        second = qualite_client.post(url, {"file": SimpleUploadedFile("copie.xlsx", content)})
        assert second.status_code in (200, 400)
        assert "Ce fichier a déjà été importé" in second.content.decode()
        assert h.table_checksums() == before
