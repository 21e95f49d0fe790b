"""Accessibility of the public pages in Chromium: axe-core (vendored) finds no serious or critical issue."""

from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"


def _violations(page):
    # axe comes in through add_init_script (see the test): an inline <script> would be refused by the CSP.
    assert page.evaluate("typeof axe") == "object", "axe-core was not injected"
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert result["passes"], "axe-core did not run its checks"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_public_pages_pass_axe_and_work_on_a_phone(page, live_server, arles_published):
    page.context.add_init_script(path=str(AXE))
    for path in (
        "/public/",
        "/public/arles/",
        "/public/donnees/",
        "/public/departements/13/",
        "/public/inconnu/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.locator("main").count() == 1 and page.locator("h1").count() == 1
        assert _violations(page) == [], path
    # On a phone, the site page has no horizontal scroll and shows its results.
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/public/arles/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.get_by_role("heading", name="Nos résultats").is_visible()
    assert page.get_by_role("table").first.is_visible()
    assert _violations(page) == []
