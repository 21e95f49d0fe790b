"""Playwright on Debian's Chromium (never a downloaded browser)."""

import os
import shutil

import pytest

# Debian's headless build of Chromium (package chromium-headless-shell, from the same sources as chromium):
# the browser without its windowing layer, as Playwright itself runs headless tests. Measured on this suite's
# two axe tests: 22.3 CPU-s against 29.4 with the full browser in headless mode. CHROMIUM_PATH picks another.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def chromium():
    """One Chromium per test process, launched for its first browser test and closed at its end; each test
    opens a context of its own (cookies, storage, viewport), as a new browser would give it.

    While Playwright's sync API runs, the asyncio loop it drives is marked running in this thread: Django
    would refuse database calls from it without DJANGO_ALLOW_ASYNC_UNSAFE, and a second `sync_playwright()`
    would refuse to start, so every browser test takes this one."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install Debian's chromium-headless-shell package "
            "(make sysdeps), or name another Chromium with CHROMIUM_PATH (e.g. /usr/bin/chromium)."
        )
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_of_test(chromium, live_server):
    """The process's Chromium for one test: the test's database may be a fresh copy (a transactional demo
    test), so connections opened before it are closed and none reads a previous test's database; at the
    end every context the test opened is closed, and its connections too."""
    from django.db import connections

    connections.close_all()
    yield chromium
    for context in chromium.contexts:
        context.close()
    connections.close_all()


@pytest.fixture
def page(browser_of_test):
    """A page of 1280×900 in a context of its own (French locale)."""
    context = browser_of_test.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    return page
