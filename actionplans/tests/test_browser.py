"""In a real browser: from an audit finding, create the action pre-filled, then mark it done."""

import datetime as dt
import os

import pytest
from django.urls import reverse

from actionplans.models import Action

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("QUALIPREF_SCREENSHOTS")


def test_the_quality_manager_creates_an_action_from_a_finding_and_marks_it_done(
    page,
    live_server,
    quality_manager,
    make_finding,
):
    finding = make_finding(code="minor_nonconformity", title="Horaires d'ouverture non affichés à l'entrée")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("qualite")
    page.get_by_label("Mot de passe").fill("qualipref2015")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(live_server.url + reverse("audits:finding_detail", args=[finding.pk]))
    page.get_by_role("link", name="Créer une action").click()
    assert (
        page.get_by_label("Intitulé").input_value().endswith("Horaires d'ouverture non affichés à l'entrée")
    )
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    page.get_by_label("Échéance").fill(due)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url("**/actions/*/")
    assert page.get_by_text("Action créée.").is_visible()

    page.get_by_role("button", name="Marquer réalisée").click()
    page.wait_for_url("**/actions/*/")
    assert page.get_by_text("Action : réalisée.").is_visible()
    action = Action.objects.get()
    assert action.status == "done" and action.origin_finding_id == finding.pk
    assert action.completed_on is not None
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "action_done.png"), full_page=True)

    page.goto(live_server.url + reverse("audits:finding_detail", args=[finding.pk]))
    assert page.get_by_role("link", name=action.title).is_visible()
