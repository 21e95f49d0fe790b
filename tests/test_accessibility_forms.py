"""Accessibility in a real browser: axe-core finds no serious or critical violation on the other create,
edit and import forms, a form sent empty, the opened menu and the « page introuvable » page."""

import pytest
from django.urls import reverse

from tests.axe import AXE, axe_failures, check, login, more_forms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo]


def test_axe_finds_no_serious_or_critical_violation_on_the_forms_and_states(page, live_server):
    base = live_server.url
    page.context.add_init_script(path=str(AXE))
    login(page, base)
    failures = axe_failures(page, base, more_forms())
    # The main menu, opened.
    page.goto(f"{base}/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("button").first.click()
    page.locator(".dropdown-menu.show").first.wait_for()
    failures += check(page, "menu principal ouvert")
    # The "page not found" page.
    assert page.goto(f"{base}/audits/999999/").status == 404
    failures += check(page, "page introuvable")
    # A form sent empty shows its errors.
    page.goto(f"{base}{reverse('complaints:correspondence_create')}")
    page.locator("main").get_by_role("button", name="Enregistrer").click()
    page.locator(".invalid-feedback").first.wait_for()
    failures += check(page, "nouvelle réclamation en erreur")
    assert not failures, "axe-core violations (serious or critical):\n" + "\n".join(failures)
