"""The platform administrator creates a département and invites its first quality manager."""

import pytest
from django.urls import reverse

from accounts.models import Invitation
from sites.models import Department, Role

from .conftest import link_in, text

pytestmark = pytest.mark.django_db

CREATE = reverse("accounts:department_create")


def form(**changes):
    return {
        "code": "2a",
        "name": "Corse-du-Sud",
        "prefecture_name": "Préfecture de la Corse-du-Sud",
        "time_zone": "Europe/Paris",
        "quality_manager_email": "Qualite.Corse@Exemple.gouv.fr",
        **changes,
    }


def test_the_platform_administrator_creates_a_department_and_invites_its_quality_manager(
    client, administrator, mailoutbox, send_on_commit
):
    client.force_login(administrator)
    assert client.get(CREATE).status_code == 200
    response = send_on_commit(client.post, CREATE, form())
    department = Department.objects.get(code="2A")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:team", args=["2A"])
    assert (department.name, department.prefecture_name, department.time_zone) == (
        "Corse-du-Sud",
        "Préfecture de la Corse-du-Sud",
        "Europe/Paris",
    )
    invitation = Invitation.objects.get(department=department)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "qualite.corse@exemple.gouv.fr",
        Role.QUALITY_MANAGER,
        administrator,
    )
    assert invitation.entity is None and invitation.site is None
    [mail] = mailoutbox
    assert mail.to == ["qualite.corse@exemple.gouv.fr"]
    assert "Préfecture de la Corse-du-Sud" in mail.body
    assert link_in(mail).startswith("https://qualite.example.gouv.fr/accounts/invitation/")
    # the token is not stored: only its hash
    assert link_in(mail).rstrip("/").rsplit("/", 1)[1] not in invitation.token_hash
    # the new département (no site yet) has its team page, listed among the départements
    page = client.get(reverse("accounts:team", args=["2A"]))
    assert page.status_code == 200 and "qualite.corse@exemple.gouv.fr" in text(page)
    listing = text(client.get(reverse("accounts:department_list")))
    assert "Corse-du-Sud" in listing and "Bouches-du-Rhône" in listing


def test_the_time_zone_is_chosen_from_a_list_and_defaults_to_paris(client, administrator):
    client.force_login(administrator)
    page = text(client.get(CREATE))
    assert '<option value="Europe/Paris" selected>' in page and 'value="Indian/Reunion"' in page
    response = client.post(CREATE, form(time_zone="Mars/Olympus"))
    assert response.status_code == 200 and "Sélectionnez un choix valide" in text(response)
    assert not Department.objects.filter(code="2A").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "13"}, "code", "Le département 13 existe déjà."),
        ({"code": "99"}, "code", "Code de département invalide"),
        ({"code": ""}, "code", "Ce champ est obligatoire."),
        ({"prefecture_name": ""}, "prefecture_name", "Ce champ est obligatoire."),
        (
            {"quality_manager_email": "pas-une-adresse"},
            "quality_manager_email",
            "adresse de courriel valide",
        ),
    ],
)
def test_bad_input_creates_nothing(
    client, administrator, mailoutbox, changes, field, message, send_on_commit
):
    client.force_login(administrator)
    before = (Department.objects.count(), Invitation.objects.count())
    response = send_on_commit(client.post, CREATE, form(**changes))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert (Department.objects.count(), Invitation.objects.count()) == before and not mailoutbox


def test_an_address_of_another_departments_account_is_refused_without_naming_it(
    client, administrator, outsider, mailoutbox, send_on_commit
):
    client.force_login(administrator)
    response = send_on_commit(client.post, CREATE, form(quality_manager_email=outsider.email.upper()))
    body = text(response)
    assert response.status_code == 200 and "ne relève pas de ce département" in body
    assert "Vaucluse" not in body and "Avignon" not in body
    assert not Department.objects.filter(code="2A").exists() and not mailoutbox


@pytest.mark.parametrize("persona", ["quality_manager", "arles_referent", "committee_member", "outsider"])
def test_only_the_platform_administrator_creates_departments(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form()).status_code == 403
    assert client.get(reverse("accounts:department_list")).status_code == 403
    assert not Department.objects.filter(code="2A").exists()


def test_the_department_list_runs_a_constant_number_of_queries(
    client, administrator, django_assert_max_num_queries
):
    client.force_login(administrator)
    client.get(reverse("accounts:department_list"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:department_list"))
    assert response.status_code == 200


def test_a_new_department_starts_with_the_default_indicators_of_the_referential_in_force(
    client, administrator, send_on_commit
):
    from indicators.defaults import default_codes
    from indicators.models import Indicator
    from referential.loader import DEFAULT_FILE, SPPLUS_FILE, load_referential

    load_referential(DEFAULT_FILE)
    load_referential(SPPLUS_FILE)
    client.force_login(administrator)
    send_on_commit(client.post, CREATE, form())
    department = Department.objects.get(code="2A")
    created = set(Indicator.objects.filter(department=department).values_list("code", flat=True))
    assert created == set(default_codes())
