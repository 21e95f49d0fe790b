"""The pages seen by named personas: scope, read-only roles, query counts, exports, QR codes."""

import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from surveys.models import Campaign, Result
from tests.factories import SiteFactory

from .factories import CampaignFactory, UnitFactory, campaign_with_units

pytestmark = pytest.mark.django_db

ARLES = [87, 97, 94, 72, 94, 99, 82]
ISTRES = [66, 81, 76, 64, 96, 97, 57]


@pytest.fixture
def campaign(org):
    return campaign_with_units(org, rates=[ARLES, ISTRES])[0]


def test_the_list_shows_the_campaigns_of_the_departement(client, quality_manager, campaign):
    client.force_login(quality_manager)
    html = client.get(reverse("surveys:campaign_list")).content.decode()
    assert "Enquête de satisfaction des usagers 2015" in html
    assert "Nouvelle campagne" in html


def test_the_list_offers_an_empty_state(client, quality_manager):
    client.force_login(quality_manager)
    html = client.get(reverse("surveys:campaign_list")).content.decode()
    assert "Aucune campagne d'enquête ne correspond" in html


def test_the_list_and_the_matrix_run_a_constant_number_of_queries(
    client, quality_manager, campaign, org, django_assert_max_num_queries
):
    client.force_login(quality_manager)
    list_url, matrix_url = reverse("surveys:campaign_list"), campaign.get_absolute_url()
    compare_url = reverse("surveys:campaign_comparison", args=[campaign.pk])
    with django_assert_max_num_queries(12):
        assert client.get(list_url).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(matrix_url).status_code == 200
    # Many more campaigns, units, results and points: the same number of queries.
    for year in range(2005, 2015):
        campaign_with_units(org, year=year, rates=[ARLES, ISTRES])
    criteria = list(campaign.criteria.all())
    for n in range(8):
        site = SiteFactory(entity=org.prefecture)
        unit = UnitFactory(campaign=campaign, site=site)
        unit.points.create(kind="vigilance", text=f"Point {n}")
        for criterion in criteria:
            Result.objects.create(unit=unit, criterion=criterion, rate=Decimal(50 + n))
    client.force_login(quality_manager)
    with django_assert_max_num_queries(12):
        assert client.get(list_url).status_code == 200
    with django_assert_max_num_queries(20):
        response = client.get(matrix_url)
    assert response.content.decode().count("Point 7") == 1
    with django_assert_max_num_queries(22):
        assert client.get(compare_url).status_code == 200


def test_the_matrix_has_the_colour_scale_and_the_target(client, quality_manager, campaign):
    campaign.criteria.update(target_rate=80)
    client.force_login(quality_manager)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert 'class="rate rate-poor below-target"' in html  # Istres, waiting time 57 %
    assert "Cible" in html and "80\u00a0%" in html
    assert "87\u00a0%" in html


def test_the_arles_referent_sees_only_the_arles_unit(client, arles_referent, campaign):
    client.force_login(arles_referent)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "Unité Arles" in html and "Unité Istres" not in html
    istres = campaign.units.get(code="istres")
    assert client.get(istres.get_absolute_url()).status_code == 404
    assert client.get(reverse("surveys:unit_qr", args=[istres.pk])).status_code == 404
    # Campaign settings belong to the quality manager.
    assert client.get(reverse("surveys:campaign_update", args=[campaign.pk])).status_code == 403
    assert "Modifier la campagne" not in html


def test_the_outsider_gets_404_everywhere(client, outsider, campaign):
    client.force_login(outsider)
    unit = campaign.units.first()
    for url in (
        campaign.get_absolute_url(),
        reverse("surveys:campaign_comparison", args=[campaign.pk]),
        reverse("surveys:campaign_charts", args=[campaign.pk]),
        reverse("surveys:campaign_export", args=[campaign.pk]),
        reverse("surveys:campaign_import", args=[campaign.pk]),
        unit.get_absolute_url(),
        reverse("surveys:unit_qr", args=[unit.pk]),
        reverse("surveys:unit_poster", args=[unit.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        "Enquête de satisfaction"
        not in client.get(reverse("surveys:campaign_list")).content.decode().split("<main")[1]
    )


def test_the_committee_reads_but_cannot_write(client, committee_member, campaign):
    client.force_login(committee_member)
    html = client.get(campaign.get_absolute_url()).content.decode()
    assert "Unité Istres" in html
    assert "Modifier la campagne" not in html and "Saisie" not in html and "Clore la campagne" not in html
    unit = campaign.units.first()
    assert client.get(reverse("surveys:campaign_results", args=[campaign.pk])).status_code == 403
    assert client.get(reverse("surveys:campaign_import", args=[campaign.pk])).status_code == 403
    assert (
        client.post(
            reverse("surveys:campaign_transition", args=[campaign.pk]), {"status": "published"}
        ).status_code
        == 403
    )
    assert client.get(reverse("surveys:unit_update", args=[unit.pk])).status_code == 403
    assert client.get(reverse("surveys:campaign_create")).status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == "closed"


def test_the_quality_manager_creates_a_campaign(client, quality_manager, org):
    client.force_login(quality_manager)
    response = client.post(
        reverse("surveys:campaign_create"),
        {
            "department": org.bdr.pk,
            "name": "Enquête 2016",
            "year": 2016,
            "population": "users",
            "copy_from_previous": "on",
        },
        follow=True,
    )
    assert "Campagne « Enquête 2016 » créée." in response.content.decode()
    assert Campaign.objects.get(year=2016).criteria.count() == 7
    response = client.post(
        reverse("surveys:campaign_create"),
        {"department": org.bdr.pk, "name": "Doublon", "year": 2016, "population": "users"},
    )
    assert "Une campagne existe déjà pour cette population et cette année." in response.content.decode()


def test_the_quality_manager_publishes_the_campaign(client, quality_manager, campaign):
    client.force_login(quality_manager)
    response = client.post(
        reverse("surveys:campaign_transition", args=[campaign.pk]), {"status": "published"}, follow=True
    )
    assert "Campagne au statut « Publiée »." in response.content.decode()
    response = client.post(
        reverse("surveys:campaign_transition", args=[campaign.pk]), {"status": "open"}, follow=True
    )
    assert "Passage impossible du statut « Publiée » au statut « Ouverte »." in response.content.decode()


def test_the_referent_enters_rates_for_their_unit_only(client, arles_referent, campaign):
    client.force_login(arles_referent)
    arles = campaign.units.get(code="arles")
    telephone = campaign.criteria.get(code="telephone")
    horaires = campaign.criteria.get(code="horaires")
    url = reverse("surveys:campaign_results", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "Unité Istres" not in page
    response = client.post(
        url, {f"r_{arles.pk}_{telephone.pk}": "101", f"r_{arles.pk}_{horaires.pk}": "51,5"}
    )
    assert "Un taux est compris entre 0 et 100 %." in response.content.decode()
    assert Result.objects.get(unit=arles, criterion=horaires).rate == Decimal(72)
    data = {
        f"r_{arles.pk}_{c.pk}": str(r)
        for c, r in zip(campaign.criteria.order_by("order"), ARLES, strict=True)
    }
    data[f"r_{arles.pk}_{horaires.pk}"] = "51,5"
    response = client.post(url, data, follow=True)
    assert "Résultats enregistrés (1 taux modifié)." in response.content.decode()
    assert Result.objects.get(unit=arles, criterion=horaires).rate == Decimal("51.5")


def test_the_referent_adds_a_unit_with_points(client, arles_referent, campaign, org):
    client.force_login(arles_referent)
    point = org.arles.reception_points.first()
    response = client.post(
        reverse("surveys:unit_create", args=[campaign.pk]),
        {
            "site": org.arles.pk,
            "name": "Arles – accueil général",
            "reception_points": [point.pk],
            "order": 3,
            "strengths": "Courtoisie\n- Signalétique",
            "vigilance": "Affichage",
        },
        follow=True,
    )
    assert "Unité « Arles – accueil général » ajoutée." in response.content.decode()
    unit = campaign.units.get(name="Arles – accueil général")
    assert unit.code == "arles-accueil-general"
    assert list(unit.points.filter(kind="strength").values_list("text", flat=True)) == [
        "Courtoisie",
        "Signalétique",
    ]
    response = client.post(
        reverse("surveys:unit_create", args=[campaign.pk]), {"site": org.istres.pk, "name": "X", "order": 0}
    )
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_the_unit_page_shows_rates_points_and_the_actions_partial(client, quality_manager, campaign):
    unit = campaign.units.get(code="arles")
    unit.points.create(kind="vigilance", text="Affichage et informations en libre service")
    client.force_login(quality_manager)
    html = client.get(unit.get_absolute_url()).content.decode()
    assert "Affichage et informations en libre service" in html
    assert "Rien à signaler" not in html
    assert "/public/arles/avis/arles/" in html
    assert "<svg" in html


def test_the_comparison_shows_differences_with_arrows(client, quality_manager, campaign, org):
    campaign_with_units(org, year=2016, rates=[[90, 97, 94, 72, 94, 99, 82], ISTRES])
    client.force_login(quality_manager)
    c2016 = Campaign.objects.get(year=2016)
    html = client.get(reverse("surveys:campaign_comparison", args=[c2016.pk])).content.decode()
    assert "▲ +3 pts" in html
    assert "Évolution depuis" in html


def test_the_charts_page_draws_one_svg_per_criterion_without_script(client, quality_manager, campaign):
    client.force_login(quality_manager)
    html = client.get(reverse("surveys:campaign_charts", args=[campaign.pk])).content.decode()
    assert html.count('class="pygal-chart"') == 7
    assert "<script" not in html.split("<main")[1]


def test_the_export_holds_the_rates_and_the_matrix(client, committee_member, campaign):
    client.force_login(committee_member)
    response = client.get(reverse("surveys:campaign_export", args=[campaign.pk]))
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Résultats", "Matrice", "Points forts et vigilance"]
    assert workbook["Matrice"]["B2"].value == 87
    assert workbook["Résultats"].max_row == 15
    listing = client.get(reverse("surveys:campaign_list_export"))
    assert load_workbook(BytesIO(listing.content)).active["B2"].value == campaign.name


def test_the_qr_code_and_the_a5_poster(client, quality_manager, campaign, settings):
    settings.PUBLIC_URL = "https://qualipref.example.gouv.fr"
    unit = campaign.units.get(code="arles")
    client.force_login(quality_manager)
    svg = client.get(reverse("surveys:unit_qr", args=[unit.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml") and b"<svg" in svg.content
    pdf = client.get(reverse("surveys:unit_poster", args=[unit.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Unité Arles" in text
    assert "https://qualipref.example.gouv.fr/public/arles/avis/arles/" in text
    info = subprocess.run(
        ["pdfinfo", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "419.528 x 595.276 pts" in info  # A5


def test_a_campaign_of_another_departement_is_not_listed(client, quality_manager, org):
    CampaignFactory(department=org.vaucluse, name="Vaucluse 2015")
    client.force_login(quality_manager)
    assert "Vaucluse 2015" not in client.get(reverse("surveys:campaign_list")).content.decode()


def _criteria_post(campaign, extra_row=None, delete=None):
    criteria = list(campaign.criteria.order_by("order", "pk"))
    data = {
        "form-TOTAL_FORMS": len(criteria) + 1,
        "form-INITIAL_FORMS": len(criteria),
        "form-MIN_NUM_FORMS": 0,
    }
    for i, c in enumerate(criteria):
        data.update(
            {
                f"form-{i}-id": c.pk,
                f"form-{i}-order": c.order,
                f"form-{i}-code": c.code,
                f"form-{i}-label": c.label,
                f"form-{i}-question": c.question,
                f"form-{i}-target_rate": "",
            }
        )
        if delete == c.code:
            data[f"form-{i}-DELETE"] = "on"
    n = len(criteria)
    data.update({f"form-{n}-order": 0, f"form-{n}-label": "", f"form-{n}-code": "", f"form-{n}-question": ""})
    if extra_row:
        data.update({f"form-{n}-{k}": v for k, v in extra_row.items()})
    return data


def test_the_quality_manager_edits_the_criteria(client, quality_manager, campaign):
    client.force_login(quality_manager)
    url = reverse("surveys:campaign_criteria", args=[campaign.pk])
    response = client.post(
        url,
        _criteria_post(campaign, {"order": 8, "label": "Qualité de l'information", "target_rate": "85"}),
        follow=True,
    )
    assert "Critères enregistrés." in response.content.decode()
    added = campaign.criteria.get(label="Qualité de l'information")
    assert (added.code, added.target_rate) == ("qualite-de-linformation", Decimal(85))
    response = client.post(url, _criteria_post(campaign, delete="telephone"), follow=True)
    assert (
        "Ce critère a déjà des résultats ou des réponses : il ne peut pas être supprimé."
        in response.content.decode()
    )
    assert campaign.criteria.filter(code="telephone").exists()
    response = client.post(url, _criteria_post(campaign, {"order": 9, "label": "Trop", "target_rate": "120"}))
    assert "Un taux est compris entre 0 et 100 %." in response.content.decode()
    assert not campaign.criteria.filter(label="Trop").exists()
