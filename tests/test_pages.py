"""Home, organisation and referential pages, seen by named personas."""

import pytest
from django.urls import reverse

from referential.loader import DEFAULT_FILE, load_referential
from referential.models import LabelScope, Module


@pytest.fixture
def labelled(org):
    referential = load_referential(DEFAULT_FILE).referential
    modules = {m.number: m for m in Module.objects.filter(referential=referential)}
    for entity, numbers in (
        (org.prefecture, [1, 4, 7]),
        (org.aix_entity, [1, 4]),
        (org.arles_entity, [1, 4]),
        (org.istres_entity, [1, 4]),
    ):
        for n in numbers:
            LabelScope.objects.create(
                entity=entity,
                module=modules[n],
                status="labelled",
                awarded_on="2015-11-27",
                valid_until="2018-11-26",
            )
    return referential


def test_the_home_page_lists_entities_sites_and_label_status(client, quality_manager, labelled):
    client.force_login(quality_manager)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 entités labellisées et 5 sites" in html
    for name in ("Peytral", "Saint-Sébastien", "Aix-en-Provence", "Arles", "Istres"):
        assert name in html
    assert html.count("M7 · Labellisé") == 1
    assert html.count("M1 · Labellisé") == 4
    assert "Avignon" not in html


def test_the_arles_referent_sees_only_arles_on_the_home_page(client, arles_referent, labelled):
    client.force_login(arles_referent)
    html = client.get("/").content.decode()
    assert "1 entité labellisée et 1 site" in html
    assert "Istres" not in html


def test_the_home_page_runs_a_constant_number_of_queries(
    client, quality_manager, labelled, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import EntityFactory, SiteFactory

    client.force_login(quality_manager)
    # Issue 21's inbox (late items of each app, missed committees, the cycle's deadlines, the badges' one
    # query) brought it to 32; issue 22 reads the calendar, the label scopes and their next audits once
    # for every panel, and the referential in force within the parameters' query (a further step towards
    # its goal of 10).
    # Computed: one query more than that, the stamp of the data (qualipref.versions)...
    with django_assert_max_num_queries(24), CaptureQueriesContext(connection) as small:
        client.get("/")
    # ...then read from the cache while nothing is written: session, user, scope, stamp, badges.
    with django_assert_max_num_queries(5):
        client.get("/")
    for n in range(3):
        entity = EntityFactory(department=quality_manager.memberships.get().department, code=f"extra-{n}")
        SiteFactory(entity=entity)
        SiteFactory(entity=entity)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/")
    assert "7 entités labellisées et 11 sites" in response.content.decode()
    assert len(large) == len(small)


def test_the_home_page_of_a_user_without_site_says_what_to_do(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert "Aucun site n'est encore rattaché à votre compte" in client.get("/").content.decode()


@pytest.mark.parametrize("url", ["/organisation/sites/arles/", "/organisation/sites/peytral/"])
def test_the_outsider_gets_404_on_sites_of_another_departement(client, outsider, labelled, url):
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_outsider_gets_404_on_entities_of_another_departement(client, outsider, org):
    client.force_login(outsider)
    assert client.get(reverse("sites:entity_detail", args=[org.arles_entity.pk])).status_code == 404


def test_the_site_page_shows_contact_reception_points_and_label(client, arles_referent, labelled, org):
    client.force_login(arles_referent)
    html = client.get("/organisation/sites/arles/").content.decode()
    assert "Accueil général" in html
    assert "M4 · Labellisé" in html
    assert client.get("/organisation/sites/istres/").status_code == 404


def test_the_organisation_page_runs_a_constant_number_of_queries(
    client, quality_manager, labelled, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    with django_assert_max_num_queries(8):
        response = client.get("/organisation/")
    assert response.status_code == 200


def test_the_referential_page_shows_modules_parameters_and_finding_types(
    client, committee_member, labelled, django_assert_max_num_queries
):
    client.force_login(committee_member)
    response = client.get("/referentiel/", follow=True)
    html = response.content.decode()
    assert "Module 7 – Communication d&#x27;urgence en cas d&#x27;événement majeur" in html
    assert "Non-conformité majeure" in html
    assert "complaint_answer_days" in html
    with django_assert_max_num_queries(12):
        client.get(reverse("referential:detail", args=[labelled.pk]))


def test_the_navigation_follows_the_reports_sections(client, quality_manager, labelled):
    client.force_login(quality_manager)
    html = client.get("/").content.decode()
    positions = [
        html.index(title) for title in ("Pilotage", "Actions", "Évaluation", "Indicateurs", "Rapports")
    ]
    assert positions == sorted(positions)
