"""The Content-Security-Policy in Chromium: our scripts (Bootstrap, htmx) work, an inline script does not."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bootstrap_and_htmx_work_under_the_policy_and_inline_scripts_are_blocked(page, live_server):
    from referential.loader import DEFAULT_FILE, load_referential

    load_referential(DEFAULT_FILE)
    org = f.build_organisation()
    f.persona("qualite", "quality_manager", org.bdr)
    console, errors = [], []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_label("Nom d’utilisateur").fill("qualite")
    page.get_by_label("Mot de passe").fill("qualipref2015")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")

    response = page.goto(f"{live_server.url}{reverse('sites:entity_detail', args=[org.istres_entity.pk])}")
    directives = [d.split() for d in response.headers["content-security-policy"].split(";")]
    assert ["script-src", "'self'"] in directives  # whatever the order of the directives
    # htmx replaced the placeholder link by the readiness panel (hx-trigger="load")
    page.locator(".readiness-panel").first.wait_for()
    assert page.evaluate(
        "() => htmx.config.includeIndicatorStyles === false && htmx.config.allowEval === false"
    )
    assert page.evaluate("() => document.querySelectorAll('style').length") == 0
    # Bootstrap's dropdown opens the user menu
    page.locator("a.dropdown-toggle:has(.bi-person-circle)").click()
    expect(page.get_by_text("Vos affectations")).to_be_visible()
    assert not [m for m in console if "Content Security Policy" in m], console
    assert errors == []

    # an injected inline script does not run, and Chromium reports the policy
    ran = page.evaluate(
        """() => new Promise(resolve => {
            document.addEventListener('securitypolicyviolation',
                e => resolve(['blocked', e.violatedDirective]));
            const s = document.createElement('script');
            s.textContent = 'window.__inline = 1';
            document.head.appendChild(s);
            setTimeout(() => resolve(['ran?', String(window.__inline)]), 2000);
        })"""
    )
    assert ran[0] == "blocked" and ran[1].startswith("script-src")
    assert page.evaluate("() => window.__inline") is None
