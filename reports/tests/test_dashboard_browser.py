"""In a real browser: the committee member opens the dashboard and downloads the month's pack."""

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo]

SCREENSHOTS = os.environ.get("QUALIPREF_SCREENSHOTS")


def test_the_committee_member_opens_the_dashboard_and_downloads_the_months_pack(page, live_server, tmp_path):
    page.goto(f"{live_server.url}/accounts/login/?next=/reports/dashboard/")
    page.get_by_label("Nom d’utilisateur").fill("copil")
    page.get_by_label("Mot de passe").fill("qualipref2015")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/reports/dashboard/")
    assert page.get_by_role("heading", name="Tableau de bord du comité de pilotage").is_visible()

    # June 2015: the préfecture's sites miss their pick-up-rate target.
    page.get_by_label("Mois", exact=True).fill("2015-06")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**month=2015-06**")
    grid = page.get_by_role("table", name="Indicateurs du mois par site")
    row = grid.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Taux de décroché"))
    peytral = row.get_by_role("cell").nth(2)  # after the sparkline and the target
    assert "Hors cible" in peytral.get_by_role("link").get_attribute("title")
    assert peytral.locator(".cg-sym").inner_text() in ("✗", "!")
    assert row.locator("svg.sparkline").count() == 1
    # A cell opens the indicator's history at that site.
    peytral.get_by_role("link").click()
    page.wait_for_url("**/dashboard/historique/**")
    assert page.get_by_role("heading", name="Taux de décroché · Peytral").is_visible()
    page.go_back()
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "dashboard.png"), full_page=True)

    page.set_default_timeout(90000)  # tests run the task eagerly, inside the request
    page.get_by_role("button", name="Préparer le dossier PDF du mois").click()
    link = page.get_by_role("link", name="Télécharger dossier-copil-13-2015-06.pdf")
    link.wait_for(timeout=60000)
    with page.expect_download() as download_info:
        link.click()
    path = tmp_path / "pack.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    assert "Terminé" in page.content()
