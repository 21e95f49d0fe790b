"""In a real browser: a user answers on a phone, then the Arles referent sees the rate change."""

import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referential.demo import load as load_referential
from sites.demo import load as load_sites
from surveys import demo
from surveys.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("QUALIPREF_SCREENSHOTS")


def _arles_telephone_cell(page, campaign_url):
    page.goto(campaign_url)
    row = page.get_by_role("row", name="Sous-préfecture d'Arles")
    return row.get_by_role("cell").nth(0).inner_text().strip()


def test_a_phone_answer_changes_the_rate_the_referent_sees(page, live_server):
    load_sites()
    load_referential()
    demo.load()
    campaign = Campaign.objects.get(year=timezone.localdate().year, population="users")
    campaign_url = f"{live_server.url}{campaign.get_absolute_url()}"

    # The user scans the poster's QR code at Arles: a phone-sized screen, no login.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/public/arles/avis/")
    assert page.get_by_role("heading", name="Votre avis sur l'accueil").is_visible()
    page.get_by_role("button", name="Envoyer mon avis").click()
    assert (
        page.get_by_role("alert")
        .inner_text()
        .startswith("Votre réponse n'a pas été enregistrée : 7 questions")
    )
    answers = [
        "Très satisfait(e)",
        "Satisfait(e)",
        "Non concerné(e)",
        "Peu satisfait(e)",
        "Très satisfait(e)",
        "Très satisfait(e)",
        "Pas du tout satisfait(e)",
    ]
    for index, label in enumerate(answers):
        page.get_by_role("group").nth(index).get_by_label(label, exact=True).check()
    page.get_by_label("Votre commentaire (facultatif)").fill("Accueil rapide et souriant.")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the questionnaire scrolls sideways on a phone"
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "survey_phone.png"), full_page=True)
    page.get_by_role("button", name="Envoyer mon avis").click()
    expect(page.get_by_role("heading", name="Merci pour votre avis")).to_be_visible()

    # The Arles referent logs in on a desktop and sees the new rates of the Arles unit.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("referent.arles")
    page.get_by_label("Mot de passe").fill("qualipref2015")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    assert _arles_telephone_cell(page, campaign_url).startswith("100\u00a0%")
    row = page.get_by_role("row", name="Sous-préfecture d'Arles")
    cells = [c.strip().split("\n")[0] for c in row.get_by_role("cell").all_inner_texts()]
    assert cells[:7] == ["100\u00a0%", "100\u00a0%", "—", "0\u00a0%", "100\u00a0%", "100\u00a0%", "0\u00a0%"]
    assert page.get_by_role("row", name="Sous-préfecture d'Istres").count() == 0  # not the referent's site

    # A second visitor is less happy: the phone reception rate drops to 50 %.
    context = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    phone = context.new_page()
    phone.goto(f"{live_server.url}/public/arles/avis/")
    for index in range(7):
        phone.get_by_role("group").nth(index).get_by_label("Pas du tout satisfait(e)", exact=True).check()
    phone.get_by_role("button", name="Envoyer mon avis").click()
    expect(phone.get_by_role("heading", name="Merci pour votre avis")).to_be_visible()
    context.close()
    assert _arles_telephone_cell(page, campaign_url).startswith("50\u00a0%")
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "survey_referent.png"), full_page=True)
