"""A person files a complaint through the public form; the Istres agent logs in and answers it."""

import re

import pytest
from playwright.sync_api import expect

from complaints.models import Correspondence, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.demo]


def test_a_complaint_filed_online_is_answered_by_the_istres_agent(page, live_server):
    page.goto(f"{live_server.url}/public/istres/reclamation/")
    page.get_by_label("Objet").fill("Guichet fermé sans affichage")
    page.get_by_label("Votre message").fill(
        "Le guichet des étrangers était fermé mardi matin sans explication."
    )
    page.get_by_label("Vos nom et prénom").fill("Jeanne Martin")
    page.get_by_label("Votre adresse électronique ou postale").fill("jeanne.martin@exemple.fr")
    page.get_by_role("button", name="Envoyer").click()
    page.wait_for_url("**/reclamation/merci/")
    reference = page.locator(".reference").inner_text()
    correspondence = Correspondence.objects.get(reference=reference)
    assert correspondence.channel == "web_form" and correspondence.site.code == "istres"

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("agent.istres")
    page.get_by_label("Mot de passe").fill("qualipref2015")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/complaints/?q={reference}")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Répondre").click()
    # The model-answer script is deferred: wait for the page's load event before picking a model,
    # or the change event can fire before the script listens to it.
    page.wait_for_url("**/repondre/", wait_until="load")
    page.get_by_label("Insérer un modèle de réponse").select_option(label="Attente · Attente au guichet")
    # The model answer is inserted by a script: wait for it (Playwright's assertion retries).
    expect(page.locator("#id_answer")).to_have_value(re.compile("Nous avons bien reçu votre réclamation"))
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.get_by_text(f"Réponse à {reference} enregistrée.")).to_be_visible()
    assert page.get_by_text("Répondue dans le délai", exact=True).is_visible()
    correspondence.refresh_from_db()
    assert correspondence.status == Status.ANSWERED and correspondence.answered_on_time is True
