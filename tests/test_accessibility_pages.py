"""Accessibility in a real browser: axe-core finds no serious or critical violation on the staff's main
pages — home, every list, one detail page of each main object, the dashboard, the main forms."""

import pytest

from tests.axe import AXE, axe_failures, internal_pages, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo]


def test_axe_finds_no_serious_or_critical_violation_on_the_main_pages(page, live_server):
    base = live_server.url
    page.context.add_init_script(path=str(AXE))
    login(page, base)
    failures = axe_failures(page, base, internal_pages())
    assert not failures, "axe-core violations (serious or critical):\n" + "\n".join(failures)
