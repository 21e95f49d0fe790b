"""Accounts: « Mon compte », changing one's password, resetting a forgotten one (no enumeration)."""

import pytest
from django.urls import reverse

from .conftest import link_in, path_of, text

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")


def test_my_account_shows_my_roles_and_is_linked_from_the_navigation(
    client, org, arles_referent, quality_manager
):
    client.force_login(arles_referent)
    home = text(client.get(reverse("home")))
    assert reverse("accounts:account") in home and reverse("accounts:password_change") in home
    page = text(client.get(reverse("accounts:account")))
    assert "Référent(e) qualité" in page and "Arles" in page and "Équipes que vous gérez" not in page
    response = client.post(
        reverse("accounts:account"),
        {"first_name": "Léa", "last_name": "Arlésienne", "job_title": "Référente", "phone": ""},
    )
    assert response.status_code == 302
    arles_referent.refresh_from_db()
    assert (arles_referent.first_name, arles_referent.job_title) == ("Léa", "Référente")
    client.force_login(quality_manager)
    assert reverse("accounts:team", args=["13"]) in text(client.get(reverse("accounts:account")))


def test_changing_ones_password(client, org, arles_referent):
    client.force_login(arles_referent)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    refused = client.post(
        url,
        {"old_password": "faux", "new_password1": "Nouveau-Mot-2026", "new_password2": "Nouveau-Mot-2026"},
    )
    assert refused.status_code == 200 and "ancien mot de passe est incorrect" in text(refused)
    done = client.post(
        url,
        {
            "old_password": "qualipref2015",
            "new_password1": "Nouveau-Mot-2026",
            "new_password2": "Nouveau-Mot-2026",
        },
    )
    assert done.status_code == 302 and done["Location"] == reverse("accounts:password_change_done")
    arles_referent.refresh_from_db()
    assert arles_referent.check_password("Nouveau-Mot-2026")
    assert client.get(reverse("home")).status_code == 200  # still logged in


def test_a_forgotten_password_is_reset_by_email_without_telling_who_has_an_account(
    client, org, arles_referent, mailoutbox
):
    assert client.get(reverse("login")).content.decode().count(RESET) == 1
    unknown = client.post(RESET, {"email": "personne@exemple.gouv.fr"})
    known = client.post(RESET, {"email": arles_referent.email.upper()})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == reverse("accounts:password_reset_done")
    [mail] = mailoutbox
    assert mail.to == [arles_referent.email]
    link = link_in(mail)
    assert link.startswith("https://qualite.example.gouv.fr/accounts/reinitialiser/")
    form_page = client.get(path_of(link), follow=True)
    assert form_page.status_code == 200 and "Nouveau mot de passe" in text(form_page)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "Retrouve-2026-ok", "new_password2": "Retrouve-2026-ok"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_reset_complete")
    arles_referent.refresh_from_db()
    assert arles_referent.check_password("Retrouve-2026-ok")
    # the link serves once
    assert "n'est plus valable" in text(client.get(path_of(link), follow=True))


def test_an_inactive_account_gets_no_reset_email(client, org, istres_agent, mailoutbox):
    istres_agent.is_active = False
    istres_agent.save()
    response = client.post(RESET, {"email": istres_agent.email})
    assert response.status_code == 302 and not mailoutbox


def test_reset_requests_are_rate_limited(client, org, arles_referent, mailoutbox):
    for _ in range(5):
        client.post(RESET, {"email": arles_referent.email})
    response = client.post(RESET, {"email": arles_referent.email})
    assert response.status_code == 200 and "Trop de demandes" in text(response)
    assert len(mailoutbox) == 5


def test_password_pages_are_reachable_without_login_only_where_they_must(client):
    for name in (
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_complete",
    ):
        assert client.get(reverse(name)).status_code == 200, name
    for name in (
        "accounts:account",
        "accounts:password_change",
        "accounts:team_home",
        "accounts:department_list",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), name
