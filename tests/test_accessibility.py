"""Accessibility in a real browser: axe-core finds no serious or critical violation on the public pages,
and the keyboard alone reaches the main actions. The staff's pages are checked in
test_accessibility_pages.py and test_accessibility_forms.py (separate modules so that the suite's
workers share them)."""

import pytest
from django.urls import reverse

from tests.axe import AXE, PASSWORD, axe_failures, check, public_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo]


def test_axe_finds_no_serious_or_critical_violation_on_the_public_pages(page, live_server):
    base = live_server.url
    page.context.add_init_script(path=str(AXE))

    failures = axe_failures(page, base, public_pages())
    # The public complaint form with its error messages, then the acknowledgement.
    page.goto(f"{base}{reverse('complaints_public:request_form', args=['istres'])}")
    page.get_by_role("button", name="Envoyer").click()
    page.get_by_text("Votre demande n'a pas été enregistrée").wait_for()
    failures += check(page, "formulaire de réclamation en erreur")
    page.get_by_label("Objet").fill("Attente trop longue")
    page.get_by_label("Votre message").fill("Une heure d'attente au guichet des titres.")
    page.get_by_label("Vos nom et prénom").fill("Jeanne Martin")
    page.get_by_label("Votre adresse électronique ou postale").fill("jeanne.martin@exemple.fr")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url("**/reclamation/merci/")
    failures += check(page, "accusé de réception d'une réclamation")
    failures += axe_failures(
        page, base, [("merci du questionnaire", reverse("surveys_public:thanks", args=["istres"]))]
    )
    assert not failures, "axe-core violations (serious or critical):\n" + "\n".join(failures)


FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim(),
    inMain: !!el.closest('main'), inNav: !!el.closest('nav'),
    visible: box.width > 1 && box.height > 1,
    // A date field tabbed into focuses its inner day/month/year segment, which Chromium highlights
    // itself (the host then does not match :focus, so no CSS ring applies): that highlight is the ring.
    ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none'
      || (['date', 'month', 'time', 'datetime-local'].includes(el.type) && !el.matches(':focus')),
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def tab_to(page, wanted, limit=80):
    """Press Tab until the focused element satisfies `wanted`; each element on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        el = focused(page)
        assert el is None or (el["visible"] and el["ring"]), f"focus is not visible on {el}"
        if el and wanted(el):
            return el
    raise AssertionError(f"{limit} presses of Tab never reached the element looked for")


def test_the_keyboard_alone_reaches_the_main_actions_and_files_a_complaint(page, live_server):
    from complaints.models import Correspondence

    base = live_server.url
    # Logging in: the skip link first, then the two fields and the button, without the mouse.
    page.goto(f"{base}/accounts/login/")
    tab_to(page, lambda el: el["name"] == "username")
    page.keyboard.type("agent.istres")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")

    # The skip link comes first, shows itself, and takes the focus to the content.
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Aller au contenu" and first["visible"] and first["ring"], first
    page.keyboard.press("Enter")
    assert page.url.endswith("#contenu")
    assert page.evaluate("document.activeElement.id") == "contenu"
    page.keyboard.press("Tab")
    assert focused(page)["inMain"], "after the skip link, Tab goes on inside the main content"

    # The main navigation: open "Évaluation" with Enter, go to the complaints with Tab and Enter.
    page.goto(f"{base}/")
    menu = tab_to(page, lambda el: el["inNav"] and el["text"] == "Évaluation")
    page.keyboard.press("Enter")
    assert page.get_by_role("link", name="Réclamations et demandes").is_visible()
    tab_to(page, lambda el: el["text"].startswith("Réclamations et demandes"), limit=10)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}{reverse('complaints:correspondence_list')}")
    assert menu["tag"] == "a"

    # "Nouvelle demande", then the form filled and sent from the keyboard.
    tab_to(page, lambda el: el["inMain"] and el["text"] == "Nouvelle demande")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}{reverse('complaints:correspondence_create')}")
    tab_to(page, lambda el: el["name"] == "subject")
    page.keyboard.type("Guichet fermé sans affichage")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "description"
    page.keyboard.type("Guichet des étrangers fermé mardi matin sans explication.")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "requester_name"
    page.keyboard.type("Jeanne Martin")
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Enregistrer", limit=10)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/nouvelle/" not in url)
    created = Correspondence.objects.get(subject="Guichet fermé sans affichage")
    assert created.requester_name == "Jeanne Martin" and created.site.code == "istres"
    assert page.get_by_role("heading", name=created.reference).count() or created.reference in page.content()


def test_a_member_of_the_public_files_a_complaint_with_the_keyboard_alone(page, live_server):
    from complaints.models import Correspondence

    page.goto(f"{live_server.url}{reverse('complaints_public:request_form', args=['istres'])}")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Aller au contenu"
    page.keyboard.press("Enter")
    tab_to(page, lambda el: el["name"] == "subject")
    page.keyboard.type("Horaires affichés inexacts")
    page.keyboard.press("Tab")
    page.keyboard.type("Le panneau indique une ouverture à 8 h 30, le guichet ouvre à 9 h.")
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Envoyer", limit=10)
    page.keyboard.press("Enter")
    # The form posts to its own address, which keeps the #contenu of the skip link.
    page.wait_for_url(lambda url: "/reclamation/merci/" in url)
    request = Correspondence.objects.get(subject="Horaires affichés inexacts")
    assert request.site.code == "istres" and request.channel == "web_form"
    assert page.locator(".reference").inner_text() == request.reference
