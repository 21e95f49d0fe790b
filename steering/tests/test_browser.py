"""In a real browser: the quality manager records a COPIL decision on a meeting page.

Turning it into an action is the action-plans app's "Créer une action" (partial included on the
meeting and decision pages); its journey is tested there once Action.origin_decision exists."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from steering.models import Decision
from tests.factories import persona

from .factories import CommitteeFactory, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_quality_manager_records_a_copil_decision(page, live_server, org):
    manager = persona("qualite", "quality_manager", org.bdr, first_name="Claire", last_name="Martin")
    copil = CommitteeFactory(department=org.bdr, name="Comité de pilotage qualité")
    meeting = MeetingFactory(committee=copil, held_on=dt.date(2015, 7, 7), title="COPIL de juillet 2015")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("qualite")
    page.get_by_label("Mot de passe").fill("qualipref2015")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/steering/")
    page.get_by_role("link", name="Comité de pilotage qualité").click()
    page.get_by_role("link", name="COPIL de juillet 2015").click()
    page.get_by_role("textbox", name="Décision").fill(
        "Former avant septembre tous les agents d'accueil non formés depuis 4 ans"
    )
    page.get_by_label("Porteur").select_option(label=str(manager))
    page.get_by_label("Échéance").fill("2015-09-01")
    page.get_by_role("button", name="Enregistrer la décision").click()
    assert page.get_by_role("alert").inner_text().startswith("Décision enregistrée")
    decision = Decision.objects.get()
    assert (decision.meeting_id, decision.owner_id, decision.due_on) == (
        meeting.pk,
        manager.pk,
        dt.date(2015, 9, 1),
    )
    assert page.get_by_role("link", name="Former avant septembre").is_visible()
    page.get_by_role("link", name="Former avant septembre").click()
    expect(page.get_by_role("heading", name="Décision du 7 juillet 2015")).to_be_visible()
