"""In a browser, without /admin/: the platform administrator creates a département and invites its quality
manager, who opens the account from the e-mailed link and invites a committee member; axe-core finds no
serious or critical violation on the pages on the way."""

import re

import pytest
from django.conf import settings
from django.core import mail

from sites.models import Department, Membership, Role
from tests import factories as f
from tests.test_accessibility import AXE, check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_department_is_set_up_from_the_apps_own_screens(page, live_server):
    settings.PUBLIC_URL = live_server.url
    mail.outbox = []
    f.UserFactory(username="plateforme", is_staff=True, is_superuser=True)
    base = live_server.url
    page.context.add_init_script(path=str(AXE))
    failures = []

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill("plateforme")
    page.get_by_label("Mot de passe").fill("qualipref2015")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/accounts/departements/")
    failures += check(page, "départements")
    page.get_by_role("link", name="Créer un département").first.click()
    page.get_by_role("button", name="Créer et envoyer l'invitation").click()
    page.locator(".invalid-feedback").first.wait_for()
    failures += check(page, "nouveau département en erreur")
    page.get_by_label("Code").fill("976")
    page.locator("#id_name").fill("Mayotte")
    page.get_by_label("Nom de la préfecture").fill("Préfecture de Mayotte")
    page.get_by_label("Fuseau horaire").select_option("Indian/Mayotte")
    page.get_by_label("Adresse électronique du (de la) chargé(e) de mission qualité").fill(
        "qualite@mayotte.example"
    )
    page.get_by_role("button", name="Créer et envoyer l'invitation").click()
    page.wait_for_url("**/departements/976/equipe/")
    failures += check(page, "équipe d'un nouveau département")
    assert Department.objects.get(code="976").time_zone == "Indian/Mayotte"
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "button", name=re.compile("plateforme|Camille")
    ).click()
    page.get_by_role("button", name="Se déconnecter").click()

    [invitation] = mail.outbox
    link = re.search(r"http://\S+/accounts/invitation/\S+/", invitation.body).group(0)
    assert link.startswith(base)
    page.goto(link)
    failures += check(page, "ouverture du compte")
    page.get_by_label("Prénom").fill("Zaïnaba")
    page.locator("#id_last_name").fill("Qualité")
    page.locator("#id_password1").fill("Mayotte-Qualite-2026")
    page.get_by_label("Confirmation du mot de passe").fill("Mayotte-Qualite-2026")
    page.get_by_role("button", name="Ouvrir mon compte").click()
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/accounts/equipe/")
    page.wait_for_url("**/departements/976/equipe/")
    page.get_by_label("Adresse électronique").fill("copil@mayotte.example")
    page.get_by_label("Rôle").select_option(Role.COMMITTEE)
    page.get_by_role("button", name="Inviter").click()
    page.get_by_text("Invitation envoyée à copil@mayotte.example").wait_for()
    failures += check(page, "équipe après une invitation")
    page.goto(f"{base}/accounts/mon-compte/")
    failures += check(page, "mon compte")
    page.goto(f"{base}/accounts/mon-compte/mot-de-passe/")
    failures += check(page, "changer de mot de passe")
    page.goto(f"{base}/accounts/equipe/")
    page.get_by_role("link", name="Inviter depuis un tableur").click()
    failures += check(page, "inviter depuis un tableur")

    member = Membership.objects.get(user__email="qualite@mayotte.example")
    assert (member.role, member.department.code, member.site_id) == (Role.QUALITY_MANAGER, "976", None)
    assert len(mail.outbox) == 2 and mail.outbox[1].to == ["copil@mayotte.example"]
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/mot-de-passe-oublie/")
    failures += check(page, "mot de passe oublié")
    assert not failures, "axe-core violations (serious or critical):\n" + "\n".join(failures)
