"""Registers that fit (issue 21, items 2 and 7): with the demo data, every register is read without
horizontal scrolling on a computer (1366×768) and becomes a list of cards on a phone (390×844); axe-core
finds no serious or critical violation on them; an agent logs a request and answers it on a phone.

The worker's one Chromium (tests/browser.py: launching it is the slow part); each test gets a fresh
context on a fresh copy of the demo database (the module is transactional, see tests/session.py).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.axe import AXE, PASSWORD, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo]

REGISTERS = [
    ("réclamations", "complaints:correspondence_list"),
    ("actions", "actionplans:action_list"),
    ("audits", "audits:audit_list"),
    ("constats", "audits:finding_list"),
    ("formations", "steering:training_list"),
    ("documents", "steering:document_list"),
]
COMPUTER = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
MIN_TARGET = 44  # px: WCAG 2.5.5's target size, for a thumb

# The page's width, and the widest box inside it that scrolls sideways on its own (a .table-responsive
# wrapper hides a table wider than the screen from the page's scrollWidth, not from the reader).
WIDTHS = """() => {
  const root = document.documentElement;
  let inner = null;
  for (const el of document.querySelectorAll('main *')) {
    const style = getComputedStyle(el);
    if (['auto', 'scroll'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
      inner = {box: el.className || el.tagName, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth};
      break;
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, inner: inner};
}"""

# On a phone each row of a register is a card: its cells stacked, each named by its column.
CARDS = """() => {
  const rows = [...document.querySelectorAll('table.qp-register tbody tr')];
  return rows.slice(0, 5).map(tr => {
    const cells = [...tr.children].filter(td => getComputedStyle(td).display !== 'none');
    return {
      display: getComputedStyle(tr).display,
      labels: cells.map(td => td.dataset.label || null),
      visible: cells.length,
      width: tr.getBoundingClientRect().width,
    };
  });
}"""

# Every visible control of the request form a thumb must hit.
TARGETS = """() => [...document.querySelectorAll(
    'main form input, main form select, main form textarea, main form button, main form a.btn')]
  .filter(el => el.type !== 'hidden' && el.offsetParent !== null && !el.closest('.visually-hidden'))
  .map(el => {
    const box = el.getBoundingClientRect();
    return {name: el.name || el.innerText.trim(), type: el.type, inputmode: el.inputMode, height: box.height};
  })"""


@pytest.fixture
def new_page(browser_of_test, live_server):
    """A page at a given viewport, in a context of its own (cookies, axe injected)."""

    def make(viewport, username):
        context = browser_of_test.new_context(locale="fr-FR", viewport=viewport, has_touch=viewport == PHONE)
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Nom d’utilisateur").fill(username)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return make


def measure(page, base, name):
    response = page.goto(f"{base}{reverse(name)}")
    assert response.status == 200, f"{name}: HTTP {response.status}"
    return page.evaluate(WIDTHS)


def overflow(widths):
    """A readable reason when the page scrolls sideways, or None."""
    if widths["scrollWidth"] > widths["clientWidth"]:
        return f"page {widths['scrollWidth']} px wide for {widths['clientWidth']} px"
    if widths["inner"]:
        inner = widths["inner"]
        return f"{inner['box']} scrolls: {inner['scrollWidth']} px wide for {inner['clientWidth']} px"
    return None


def test_every_register_fits_a_computer_and_a_phone_without_an_axe_violation(new_page, live_server):
    base = live_server.url
    failures, report = [], []
    computer = new_page(COMPUTER, "qualite")
    for label, name in REGISTERS:
        widths = measure(computer, base, name)
        report.append(f"{label} 1366: {widths}")
        if reason := overflow(widths):
            failures.append(f"{label} at 1366 px: {reason}")
        # Long texts are cut by CSS, never lost: the whole text is in the cell's title (and on the detail).
        for cell in computer.locator("table.qp-register .qp-clip").all()[:10]:
            title, text = cell.get_attribute("title"), cell.inner_text().strip()
            if not title or not title.startswith(text.rstrip("…").strip()[:20]):
                failures.append(f"{label}: a cut text has no title with the whole text ({text!r}, {title!r})")

    phone = new_page(PHONE, "qualite")
    for label, name in REGISTERS:
        widths = measure(phone, base, name)
        report.append(f"{label} 390: {widths}")
        if reason := overflow(widths):
            failures.append(f"{label} at 390 px: {reason}")
        cards = phone.evaluate(CARDS)
        if not cards:
            failures.append(f"{label} at 390 px: no row in a table.qp-register")
        for card in cards:
            if card["display"] not in ("block", "flex") or None in card["labels"] or card["visible"] > 6:
                failures.append(f"{label} at 390 px: a row is not a card of a few labelled fields: {card}")
                break
        # axe on the phone's layout (the computer's is checked by test_accessibility_pages.py).
        failures += check(phone, f"{label} (390 px)")
    print("\n".join(report))
    assert not failures, "\n".join(failures)


def test_an_agent_logs_a_request_and_answers_it_on_a_phone(new_page, live_server):
    from complaints.models import Correspondence, Status

    base = live_server.url
    page = new_page(PHONE, "agent.istres")
    failures = []
    page.goto(f"{base}{reverse('complaints:correspondence_list')}")
    assert page.evaluate(WIDTHS)["scrollWidth"] <= PHONE["width"]
    page.get_by_role("link", name="Nouvelle demande").tap()
    page.wait_for_url(f"{base}{reverse('complaints:correspondence_create')}")

    # The right keyboard for each field, and targets a thumb can hit.
    fields = {t["name"]: t for t in page.evaluate(TARGETS)}
    assert fields["received_on"]["type"] == "date"
    assert fields["requester_email"]["type"] == "email"
    assert fields["requester_phone"]["type"] == "tel"
    small = [f for f in fields.values() if f["height"] < MIN_TARGET]
    assert not small, f"targets under {MIN_TARGET} px: {small}"
    assert page.evaluate(WIDTHS)["scrollWidth"] <= PHONE["width"]
    failures += check(page, "nouvelle demande (390 px)")

    page.get_by_label("Objet").fill("Dossier de titre de séjour égaré")
    page.get_by_label("Description").fill("Le requérant dit avoir déposé son dossier il y a trois semaines.")
    page.get_by_label("Nom du requérant").fill("Jeanne Martin")
    page.get_by_label("Courriel du requérant").fill("jeanne.martin@exemple.fr")
    page.get_by_label("Téléphone du requérant").fill("04 42 00 00 00")
    page.get_by_role("button", name="Enregistrer").tap()
    page.wait_for_url(re.compile(r"/complaints/\d+/$"))
    created = Correspondence.objects.get(subject="Dossier de titre de séjour égaré")
    assert created.site.code == "istres" and created.created_by.username == "agent.istres"
    assert created.requester_contact == "jeanne.martin@exemple.fr · 04 42 00 00 00"

    page.get_by_role("link", name="Répondre").tap()
    page.wait_for_url("**/repondre/", wait_until="load")
    assert page.evaluate(WIDTHS)["scrollWidth"] <= PHONE["width"]
    small = [f for f in page.evaluate(TARGETS) if f["height"] < MIN_TARGET]
    assert not small, f"targets under {MIN_TARGET} px: {small}"
    failures += check(page, "répondre (390 px)")
    answer = "Votre dossier a été retrouvé ; il est en cours d'instruction."
    page.locator("#id_answer").fill(answer)
    page.get_by_role("button", name="Enregistrer la réponse").tap()
    expect(page.get_by_text(f"Réponse à {created.reference} enregistrée.")).to_be_visible()
    created.refresh_from_db()
    assert created.status == Status.ANSWERED
    assert not failures, "\n".join(failures)
