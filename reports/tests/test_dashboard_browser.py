"""In a real browser: the committee member opens the dashboard and downloads the month's pack."""

import os

import pytest

from tests.browser import page  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo]

SCREENSHOTS = os.environ.get("QUALIPREF_SCREENSHOTS")


def test_the_committee_member_opens_the_dashboard_and_downloads_the_months_pack(page, live_server, tmp_path):  # noqa: F811
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
    prefecture = page.get_by_role("region", name="Préfecture des Bouches-du-Rhône")
    assert prefecture.get_by_text("Hors cible").first.is_visible()
    # The trend charts load as they come into view.
    prefecture.locator(".trend").first.scroll_into_view_if_needed()
    prefecture.locator(".trend").first.locator("svg").first.wait_for()
    assert "Cible" in prefecture.locator(".trend").first.inner_html()
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
