"""In a real browser, with the demo data: the committee's month fits on two screens of 1366×768, and axe-core
finds no violation on it (of any impact). With QUALIPREF_SCREENSHOTS set, screenshots at 1366×768 and
390×844 are written there."""

import os

import pytest

from tests.axe import AXE, PASSWORD, RUN_AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo]

SCREENSHOTS = os.environ.get("QUALIPREF_SCREENSHOTS")
WIDTH, HEIGHT = 1366, 768


def _open(browser, base, width, height, path="/reports/dashboard/"):
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto(f"{base}/accounts/login/?next={path}")
    page.get_by_label("Nom d’utilisateur").fill("copil")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}{path}")
    page.wait_for_load_state("networkidle")
    # Whatever loads as it comes into view is loaded before measuring.
    page.evaluate(
        """async () => {
          for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight) {
            window.scrollTo(0, y); await new Promise(r => setTimeout(r, 50));
          }
          window.scrollTo(0, 0);
        }"""
    )
    page.wait_for_load_state("networkidle")
    return page


def test_the_committees_month_fits_on_two_screens_without_an_axe_violation(browser_of_test, live_server):
    page = _open(browser_of_test, live_server.url, WIDTH, HEIGHT)
    height = page.evaluate("document.body.scrollHeight")
    print(f"dashboard scrollHeight at {WIDTH}x{HEIGHT}: {height}")  # noqa: T201 - the measure, in -s runs
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "dashboard-1366.png"), full_page=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, "dashboard-1366-first-screen.png"))
    assert height <= 2 * HEIGHT
    violations = page.evaluate(RUN_AXE)
    assert not violations, violations
    # The grid holds the demo's five sites and its indicators, the decision strip and the changes are there.
    grid = page.get_by_role("table", name="Indicateurs du mois par site")
    for site in ("Peytral", "Saint-Sébastien", "Aix-en-Provence", "Arles", "Istres"):
        assert grid.get_by_role("columnheader", name=site, exact=True).count() == 1
    assert page.get_by_role("region", name="À décider").is_visible()
    assert page.get_by_role("region", name="Ce qui a changé depuis le dernier comité").count() == 1

    # The detail behind a cell (the indicator's history at that site) has no violation either.
    page.get_by_role("table", name="Indicateurs du mois par site").locator("td.cg-cell a").first.click()
    page.wait_for_load_state("networkidle")
    assert "/dashboard/historique/" in page.url or "/complaints/" in page.url
    violations = page.evaluate(RUN_AXE)
    assert not violations, violations

    phone = _open(browser_of_test, live_server.url, 390, 844)
    if SCREENSHOTS:
        phone.screenshot(path=os.path.join(SCREENSHOTS, "dashboard-390.png"), full_page=True)
        phone.screenshot(path=os.path.join(SCREENSHOTS, "dashboard-390-first-screen.png"))
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    violations = phone.evaluate(RUN_AXE)
    assert not violations, violations
