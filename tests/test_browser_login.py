"""The login journey in a real browser: `qualite` reaches the home page and sees the five sites."""

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo]

SCREENSHOTS = os.environ.get("QUALIPREF_SCREENSHOTS")


def test_the_quality_manager_logs_in_and_sees_the_five_sites(page, live_server):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Nom d’utilisateur").fill("qualite")
    page.get_by_label("Mot de passe").fill("qualipref2015")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Bonjour Claire").is_visible()
    table = page.get_by_role("table")
    for site in ("Peytral", "Saint-Sébastien", "Aix-en-Provence", "Arles", "Istres"):
        assert table.get_by_role("link", name=site, exact=True).is_visible()
    assert page.get_by_text("4 entités labellisées et 5 sites").is_visible()
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "home.png"), full_page=True)


def test_a_wrong_password_is_refused_with_a_french_message(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("qualite")
    page.get_by_label("Mot de passe").fill("mauvais")
    page.get_by_role("button", name="Se connecter").click()
    assert (
        page.get_by_role("alert")
        .inner_text()
        .startswith("Saisissez un nom d’utilisateur et un mot de passe valides")
    )
