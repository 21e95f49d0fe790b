"""Internal publishing pages: who may prepare, publish and withdraw, and what each sees."""

import pytest
from django.urls import reverse

from publication.models import Snapshot

from .conftest import PERIOD


def prepare(client, site_code, **data):
    payload = {
        "families": ["satisfaction", "complaints"],
        "period_start": PERIOD[0].isoformat(),
        "period_end": PERIOD[1].isoformat(),
        "note": "",
        **data,
    }
    return client.post(reverse("publication_admin:snapshot_prepare", args=[site_code]), payload)


def test_the_arles_referent_prepares_reviews_and_publishes(client, org, arles_data, arles_referent):
    client.force_login(arles_referent)
    form = client.get(reverse("publication_admin:snapshot_prepare", args=["arles"])).content.decode()
    assert "Enquête de satisfaction des usagers 2015" in form
    response = prepare(client, "arles", campaign=arles_data["c2015"].pk)
    snapshot = Snapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == snapshot.get_absolute_url()
    detail = client.get(snapshot.get_absolute_url()).content.decode()
    assert "Publier les chiffres cochés" in detail and "51,5" in detail
    keep = list(snapshot.figures.filter(indicator_code="satisfaction-attente").values_list("pk", flat=True))
    client.post(reverse("publication_admin:snapshot_publish", args=[snapshot.pk]), {"figures": keep})
    snapshot.refresh_from_db()
    assert snapshot.status == Snapshot.Status.PUBLISHED
    assert list(snapshot.figures.values_list("pk", flat=True)) == keep
    html = client.get("/public/arles/").content.decode()
    assert "51,5" in html and "2 sur 4 réclamations" not in html


def test_bad_input_redisplays_the_form_in_french_and_creates_nothing(client, org, arles_data, arles_referent):
    client.force_login(arles_referent)
    response = prepare(client, "arles", period_start="2015-12-31", period_end="2015-01-01")
    assert response.status_code == 200
    html = response.content.decode()
    assert "La fin de la période doit suivre son début." in html
    assert "Choisissez l&#x27;enquête dont publier les taux de satisfaction." in html
    response = prepare(client, "istres", families=["complaints"])
    assert response.status_code == 404  # Istres is outside the Arles referent's scope
    assert not Snapshot.objects.exists()


def test_a_site_without_figures_says_so(client, org, arles_data, quality_manager):
    client.force_login(quality_manager)
    response = prepare(client, "istres", families=["complaints"])
    assert response.status_code == 200
    assert "Aucun chiffre n&#x27;est disponible" in response.content.decode()
    assert not Snapshot.objects.exists()


def test_the_committee_reads_but_cannot_publish(client, org, arles_draft, committee_member):
    client.force_login(committee_member)
    detail = client.get(arles_draft.get_absolute_url())
    assert detail.status_code == 200 and "Publier les chiffres cochés" not in detail.content.decode()
    assert (
        client.post(reverse("publication_admin:snapshot_publish", args=[arles_draft.pk])).status_code == 403
    )
    assert client.get(reverse("publication_admin:snapshot_prepare", args=["arles"])).status_code == 403
    arles_draft.refresh_from_db()
    assert arles_draft.status == Snapshot.Status.DRAFT


@pytest.mark.parametrize(
    "name", ["snapshot_detail", "snapshot_publish", "snapshot_withdraw", "snapshot_delete"]
)
def test_the_outsider_gets_404(client, org, arles_draft, outsider, name):
    client.force_login(outsider)
    method = client.get if name == "snapshot_detail" else client.post
    assert method(reverse(f"publication_admin:{name}", args=[arles_draft.pk])).status_code == 404


def test_anonymous_users_are_sent_to_the_login_page(client, org, arles_draft):
    response = client.get(reverse("publication_admin:snapshot_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_withdraw_and_delete_through_the_pages(client, org, arles_published, arles_referent):
    client.force_login(arles_referent)
    client.post(reverse("publication_admin:snapshot_withdraw", args=[arles_published.pk]))
    arles_published.refresh_from_db()
    assert arles_published.status == Snapshot.Status.WITHDRAWN
    response = client.post(
        reverse("publication_admin:snapshot_delete", args=[arles_published.pk]), follow=True
    )
    assert "Seul un brouillon peut être supprimé" in response.content.decode()
    assert Snapshot.objects.filter(pk=arles_published.pk).exists()


def test_the_list_runs_a_constant_number_of_queries(
    client, org, arles_published, quality_manager, arles_referent, django_assert_max_num_queries
):
    from publication import services

    client.force_login(quality_manager)
    client.get(reverse("publication_admin:snapshot_list"))
    with django_assert_max_num_queries(9):
        assert client.get(reverse("publication_admin:snapshot_list")).status_code == 200
    for _ in range(3):
        services.snapshot_prepare(
            site=org.arles, start=PERIOD[0], end=PERIOD[1], families=["complaints"], by=arles_referent
        )
    with django_assert_max_num_queries(9):
        html = client.get(reverse("publication_admin:snapshot_list")).content.decode()
    assert html.count(">Brouillon</span>") == 3


def test_deleting_a_draft_asks_for_confirmation_first(client, org, arles_draft, arles_referent):
    client.force_login(arles_referent)
    url = reverse("publication_admin:snapshot_delete", args=[arles_draft.pk])
    assert "Supprimer le brouillon ?" in client.get(url).content.decode()
    assert Snapshot.objects.filter(pk=arles_draft.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Snapshot.objects.filter(pk=arles_draft.pk).exists()
