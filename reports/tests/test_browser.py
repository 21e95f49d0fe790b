"""In a real browser: the quality manager generates the 2015 report of the demo and downloads it."""

import os

import pytest
from playwright.sync_api import expect

from .conftest import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo]

SCREENSHOTS = os.environ.get("QUALIPREF_SCREENSHOTS")


def test_the_quality_manager_generates_the_2015_report_and_downloads_it(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/?next=/reports/")
    page.get_by_label("Nom d’utilisateur").fill("qualite")
    page.get_by_label("Mot de passe").fill("qualipref2015")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/reports/")
    page.get_by_role("button", name="Rapports").click()
    expect(page.get_by_role("link", name="Bilan annuel")).to_be_visible()
    page.get_by_label("Département").select_option(label="Bouches-du-Rhône (13)")
    page.get_by_label("Année").select_option("2015")
    page.get_by_label("PDF", exact=True).check()
    # Without a broker the task runs inside the request: the page comes back once the file is built.
    page.set_default_timeout(180_000)
    page.set_default_navigation_timeout(180_000)
    page.get_by_role("button", name="Générer le bilan").click()
    page.wait_for_url(f"{live_server.url}/reports/*")
    assert page.get_by_role("alert").filter(has_text="La génération du bilan 2015 est lancée").is_visible()
    link = page.get_by_role("link", name="Télécharger bilan-qualite-13-2015.pdf")
    link.wait_for()  # with a worker, the htmx polling shows it once the run is done
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "reports-index.png"), full_page=True)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "bilan-qualite-13-2015.pdf"
    text = pdf_text(open(download.path(), "rb").read())  # noqa: SIM115
    assert "Bilan annuel de la démarche qualité" in text
    assert "Sur ces 44 réclamations" in " ".join(text.split())
