"""A département's team: invitations one by one, refusals, the link, deactivation, the access rule."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Invitation
from sites.models import Membership, Role, User

from .conftest import link_in, path_of, text

pytestmark = pytest.mark.django_db


def team_url(org, department=None):
    return reverse("accounts:team", args=[(department or org.bdr).code])


def invite(client, org, **fields):
    data = {
        "email": "nouvelle.referente@exemple.gouv.fr",
        "role": Role.SITE_REFERENT,
        "entity": "",
        "site": "",
    }
    return client.post(team_url(org), {**data, **fields})


def test_a_quality_manager_invites_a_referent_of_a_site(
    client, org, quality_manager, mailoutbox, send_on_commit
):
    client.force_login(quality_manager)
    response = send_on_commit(invite, client, org, site=org.arles.pk)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.department, invitation.entity, invitation.site) == (
        Role.SITE_REFERENT,
        org.bdr,
        org.arles_entity,
        org.arles,
    )
    [mail] = mailoutbox
    assert "Référent(e) qualité (Arles)" in mail.body
    page = text(client.get(team_url(org)))
    assert "nouvelle.referente@exemple.gouv.fr" in page and "En attente" in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"role": "chef"}, "role", "Sélectionnez un choix valide"),
        ({"role": Role.QUALITY_MANAGER, "site": "arles"}, "site", "Sélectionnez un choix valide"),
        ({"email": "pas une adresse"}, "email", "adresse de courriel valide"),
    ],
)
def test_bad_invitations_are_refused_in_french(
    client, org, quality_manager, mailoutbox, fields, field, message
):
    client.force_login(quality_manager)
    response = invite(client, org, **fields)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not Invitation.objects.exists() and not mailoutbox


def test_a_scope_outside_the_inviters_department_is_refused(client, org, quality_manager):
    client.force_login(quality_manager)
    for fields in ({"site": org.avignon.pk}, {"entity": org.vaucluse_entity.pk}):
        response = invite(client, org, **fields)
        assert response.status_code == 200 and "Sélectionnez un choix valide" in text(response)
    with pytest.raises(services.ValidationError, match="n'appartient pas au département"):
        services.invitation_create(
            email="x@exemple.gouv.fr",
            role=Role.AGENT,
            department=org.bdr,
            site=org.avignon,
            by=quality_manager,
        )
    assert not Invitation.objects.exists()


def test_a_department_wide_role_is_not_given_on_a_site(client, org, quality_manager):
    client.force_login(quality_manager)
    response = invite(client, org, role=Role.QUALITY_MANAGER, site=org.arles.pk)
    assert "s'exerce sur tout le département" in text(response)
    assert not Invitation.objects.exists()


def test_a_person_invited_twice_is_refused(client, org, quality_manager, mailoutbox, send_on_commit):
    client.force_login(quality_manager)
    send_on_commit(invite, client, org, site=org.arles.pk)
    response = send_on_commit(
        invite, client, org, email="Nouvelle.Referente@exemple.gouv.fr", role=Role.AGENT
    )
    assert response.status_code == 200
    assert "Une invitation est déjà en attente pour cette adresse" in text(response)
    assert Invitation.objects.count() == 1 and len(mailoutbox) == 1


def test_a_person_who_already_has_the_role_is_refused(client, org, quality_manager, arles_referent):
    client.force_login(quality_manager)
    response = invite(client, org, email=arles_referent.email, site=org.arles.pk)
    assert "Cette personne a déjà ce rôle sur ce périmètre." in text(response)
    assert Membership.objects.filter(user=arles_referent).count() == 1


def test_a_member_of_the_department_gets_another_role_at_once(
    client, org, quality_manager, arles_referent, mailoutbox, send_on_commit
):
    client.force_login(quality_manager)
    response = send_on_commit(invite, client, org, email=arles_referent.email, role=Role.COMMITTEE)
    assert response.status_code == 302
    assert set(Membership.objects.filter(user=arles_referent).values_list("role", flat=True)) == {
        Role.SITE_REFERENT,
        Role.COMMITTEE,
    }
    assert not Invitation.objects.exists()
    [mail] = mailoutbox
    assert mail.to == [arles_referent.email] and "Membre du comité de pilotage" in mail.body


def test_an_address_of_another_department_is_refused_without_naming_it(
    client, org, quality_manager, outsider
):
    client.force_login(quality_manager)
    response = invite(client, org, email=outsider.email)
    body = text(response)
    assert "ne relève pas de ce département" in body and "Vaucluse" not in body and "Avignon" not in body
    # an address invited by another département: the same message
    services.invitation_create(
        email="convoitee@exemple.gouv.fr",
        role=Role.AGENT,
        department=org.vaucluse,
        site=org.avignon,
        by=outsider,
    )
    response = invite(client, org, email="convoitee@exemple.gouv.fr")
    body = text(response)
    assert "ne relève pas de ce département" in body and "Vaucluse" not in body
    assert Invitation.objects.filter(department=org.bdr).count() == 0


# ---- the link ----------------------------------------------------------------------------------------------


def _invited(client, org, quality_manager, mailoutbox, send_on_commit, **fields):
    client.force_login(quality_manager)
    send_on_commit(invite, client, org, **fields)
    client.logout()
    return path_of(link_in(mailoutbox[-1]))


ACCEPT = {
    "first_name": "Nadia",
    "last_name": "Referente",
    "password1": "Qualite-Arles-2026",
    "password2": "Qualite-Arles-2026",
}


def test_the_link_opens_the_account_once(client, org, quality_manager, mailoutbox, send_on_commit):
    path = _invited(client, org, quality_manager, mailoutbox, send_on_commit, site=org.arles.pk)
    page = client.get(path)
    assert page.status_code == 200 and "nouvelle.referente@exemple.gouv.fr" in text(page)
    response = client.post(path, ACCEPT)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(email="nouvelle.referente@exemple.gouv.fr")
    assert user.username == "nouvelle.referente@exemple.gouv.fr" and user.check_password(ACCEPT["password1"])
    assert list(user.memberships.values_list("role", "site__code")) == [(Role.SITE_REFERENT, "arles")]
    assert client.get(reverse("home")).status_code == 200  # logged in
    invitation = Invitation.objects.get()
    assert invitation.used_at and invitation.user == user
    # used twice: refused, nothing changes
    client.logout()
    for method in ("get", "post"):
        again = getattr(client, method)(path, {**ACCEPT, "first_name": "Autre"})
        assert again.status_code == 410 and "déjà servi" in text(again)
    user.refresh_from_db()
    assert user.first_name == "Nadia" and User.objects.filter(email=user.email).count() == 1
    # and the new account logs in with the password chosen
    assert client.login(username=user.username, password=ACCEPT["password1"])


def test_an_expired_cancelled_or_unknown_link_is_refused(
    client, org, quality_manager, mailoutbox, send_on_commit
):
    from django.utils import timezone

    path = _invited(client, org, quality_manager, mailoutbox, send_on_commit, site=org.arles.pk)
    Invitation.objects.update(expires_at=timezone.now())
    for method in ("get", "post"):
        response = getattr(client, method)(path, ACCEPT)
        assert response.status_code == 410 and "a expiré (il était valable 7 jours)" in text(response)
    Invitation.objects.update(
        expires_at=timezone.now() + timezone.timedelta(days=1), cancelled_at=timezone.now()
    )
    assert "a été annulée" in text(client.post(path, ACCEPT))
    unknown = client.get(reverse("accounts:invitation_accept", args=["x" * 43]))
    assert unknown.status_code == 404 and "n'est pas valide" in text(unknown)
    assert not User.objects.filter(email="nouvelle.referente@exemple.gouv.fr").exists()


def test_a_weak_password_or_a_mismatch_is_refused(client, org, quality_manager, mailoutbox, send_on_commit):
    path = _invited(client, org, quality_manager, mailoutbox, send_on_commit, site=org.arles.pk)
    response = client.post(path, {**ACCEPT, "password2": "autre-chose-2026"})
    assert "Les deux mots de passe ne correspondent pas." in text(response)
    response = client.post(path, {**ACCEPT, "password1": "123", "password2": "123"})
    assert response.status_code == 200 and "trop court" in text(response)
    assert not Invitation.objects.get().used_at


def test_resending_gives_a_new_link_and_the_old_one_stops_working(
    client, org, quality_manager, mailoutbox, send_on_commit
):
    old = _invited(client, org, quality_manager, mailoutbox, send_on_commit, site=org.arles.pk)
    client.force_login(quality_manager)
    invitation = Invitation.objects.get()
    response = send_on_commit(client.post, reverse("accounts:invitation_resend", args=["13", invitation.pk]))
    assert response.status_code == 302 and len(mailoutbox) == 2
    new = path_of(link_in(mailoutbox[-1]))
    client.logout()
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200


def test_a_cancelled_invitation_is_said_so(client, org, quality_manager, mailoutbox, send_on_commit):
    path = _invited(client, org, quality_manager, mailoutbox, send_on_commit, site=org.arles.pk)
    client.force_login(quality_manager)
    invitation = Invitation.objects.get()
    client.post(reverse("accounts:invitation_cancel", args=["13", invitation.pk]))
    again = client.post(reverse("accounts:invitation_cancel", args=["13", invitation.pk]), follow=True)
    assert "n'est plus en attente" in text(again)
    client.logout()
    assert "a été annulée" in text(client.get(path))


# ---- deactivation --------------------------------------------------------------------------------------


def test_deactivating_someone_ends_their_access_at_once(client, org, quality_manager, istres_agent):
    from django.test import Client

    agent = Client()
    agent.force_login(istres_agent)
    assert agent.get(reverse("home")).status_code == 200
    client.force_login(quality_manager)
    url = reverse("accounts:member_deactivate", args=["13", istres_agent.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    # the open session stops working on the next request
    next_page = agent.get(reverse("complaints:correspondence_list"))
    assert next_page.status_code == 302 and next_page["Location"].startswith("/accounts/login/")
    istres_agent.refresh_from_db()
    assert not istres_agent.is_active and not istres_agent.memberships.exists()
    # the history keeps the role, and the team page lists the former member
    assert (
        Membership.history.filter(user_id=istres_agent.pk, history_type="-").get().history_user
        == quality_manager
    )
    page = text(client.get(team_url(org)))
    assert "Accès désactivés" in page and str(istres_agent) in page
    # nor log in again
    assert not Client().login(username=istres_agent.username, password="qualipref2015")


def test_a_person_of_two_departments_keeps_the_other_one(client, org, quality_manager, outsider):
    Membership.objects.create(
        user=outsider, role=Role.AGENT, department=org.bdr, entity=org.arles_entity, site=org.arles
    )
    client.force_login(quality_manager)
    client.post(reverse("accounts:member_deactivate", args=["13", outsider.pk]))
    outsider.refresh_from_db()
    assert outsider.is_active
    assert list(outsider.memberships.values_list("department__code", flat=True)) == ["84"]


def test_a_former_member_may_be_invited_again(
    client, org, quality_manager, istres_agent, mailoutbox, send_on_commit
):
    client.force_login(quality_manager)
    client.post(reverse("accounts:member_deactivate", args=["13", istres_agent.pk]))
    response = send_on_commit(
        invite, client, org, email=istres_agent.email, role=Role.AGENT, site=org.istres.pk
    )
    assert response.status_code == 302
    client.logout()
    client.post(path_of(link_in(mailoutbox[-1])), ACCEPT)
    istres_agent.refresh_from_db()
    assert istres_agent.is_active and istres_agent.memberships.get().site == org.istres


def test_one_cannot_deactivate_oneself_nor_the_platform_administrator(
    client, org, quality_manager, administrator
):
    client.force_login(quality_manager)
    response = client.post(
        reverse("accounts:member_deactivate", args=["13", quality_manager.pk]), follow=True
    )
    assert "Vous ne pouvez pas désactiver votre propre accès." in text(response)
    response = client.post(reverse("accounts:member_deactivate", args=["13", administrator.pk]), follow=True)
    assert "administrateur de la plateforme" in text(response)
    assert quality_manager.memberships.exists() and administrator.memberships.exists()


# ---- access ----------------------------------------------------------------------------------------------


def _department_urls(org, invitation, member):
    code = org.bdr.code
    return [
        ("get", reverse("accounts:team", args=[code])),
        ("post", reverse("accounts:team", args=[code])),
        ("get", reverse("accounts:team_template", args=[code])),
        ("get", reverse("accounts:team_import", args=[code])),
        ("post", reverse("accounts:team_import", args=[code])),
        ("get", reverse("accounts:member_deactivate", args=[code, member.pk])),
        ("post", reverse("accounts:member_deactivate", args=[code, member.pk])),
        ("post", reverse("accounts:invitation_resend", args=[code, invitation.pk])),
        ("post", reverse("accounts:invitation_cancel", args=[code, invitation.pk])),
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("outsider", 404),
        ("arles_referent", 403),
        ("committee_member", 403),
        ("auditor", 403),
        ("istres_agent", 403),
    ],
)
def test_outsiders_get_404_and_readers_403_on_a_departments_team(
    client, org, request, persona, status, quality_manager
):
    member = request.getfixturevalue("peytral_referent")
    invitation = services.invitation_create(
        email="x@exemple.gouv.fr", role=Role.AGENT, department=org.bdr, site=org.aix, by=quality_manager
    )
    client.force_login(request.getfixturevalue(persona))
    before = (
        Invitation.objects.get().cancelled_at,
        Membership.objects.count(),
        Invitation.objects.get().token_hash,
    )
    for method, url in _department_urls(org, invitation, member):
        assert getattr(client, method)(url).status_code == status, (persona, method, url)
    assert (
        Invitation.objects.get().cancelled_at,
        Membership.objects.count(),
        Invitation.objects.get().token_hash,
    ) == before


def test_another_departments_invitation_or_member_is_not_found(client, org, quality_manager, outsider):
    invitation = services.invitation_create(
        email="y@exemple.gouv.fr", role=Role.AGENT, department=org.vaucluse, site=org.avignon, by=outsider
    )
    client.force_login(quality_manager)
    assert client.post(reverse("accounts:invitation_cancel", args=["13", invitation.pk])).status_code == 404
    assert client.post(reverse("accounts:member_deactivate", args=["13", outsider.pk])).status_code == 404
    assert client.get(reverse("accounts:team", args=["84"])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None and outsider.memberships.exists()


def test_the_team_menu_entry_leads_to_the_managers_department(client, org, quality_manager, administrator):
    client.force_login(quality_manager)
    response = client.get(reverse("accounts:team_home"))
    assert response["Location"] == reverse("accounts:team", args=["13"])
    client.force_login(administrator)
    assert client.get(reverse("accounts:team_home"))["Location"] == reverse("accounts:department_list")


def test_the_team_page_runs_a_constant_number_of_queries(
    client,
    org,
    quality_manager,
    arles_referent,
    istres_agent,
    committee_member,
    django_assert_max_num_queries,
):
    for n in range(5):
        services.invitation_create(
            email=f"p{n}@exemple.gouv.fr",
            role=Role.AGENT,
            department=org.bdr,
            site=org.istres,
            by=quality_manager,
        )
    client.force_login(quality_manager)
    client.post(reverse("accounts:member_deactivate", args=["13", istres_agent.pk]))
    with django_assert_max_num_queries(16):
        response = client.get(team_url(org))
    assert response.status_code == 200 and text(response).count("<td>p1@exemple.gouv.fr</td>") == 1
