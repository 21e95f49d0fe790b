"""The public questionnaire: no login, one submission per visit, honeypot, rate limit, closed campaign."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.cache import cache
from django.urls import reverse

from surveys import public_views
from surveys.models import Campaign, Response, Result

from .factories import campaign_with_units

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def open_campaign(org):
    campaign, units, criteria = campaign_with_units(
        org,
        year=2016,
        status=Campaign.Status.OPEN,
        units=[org.peytral, org.saint_sebastien, org.saint_sebastien],
    )
    units[2].code, units[2].name = "etrangers", "Saint-Sébastien – accueil des étrangers"
    units[2].save()
    return campaign, units, criteria


def url_of(unit):
    return reverse("surveys_public:questionnaire", args=[unit.site.code, unit.code])


def fill(client, unit, values, **extra):
    page = client.get(url_of(unit)).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    data = {"token": token, "comment": "", **extra}
    for criterion, value in zip(unit.campaign.criteria.order_by("order"), values, strict=False):
        if value is not None:
            data[f"c_{criterion.pk}"] = str(value)
    return data


def test_a_site_with_one_unit_goes_straight_to_its_form(client, open_campaign, org):
    response = client.get(reverse("surveys_public:start", args=["peytral"]))
    assert response.status_code == 302 and response["Location"] == url_of(open_campaign[1][0])


def test_a_site_with_several_units_asks_which_one(client, open_campaign):
    html = unescape(client.get(reverse("surveys_public:start", args=["saint-sebastien"])).content.decode())
    assert (
        "Quel service vous a reçu aujourd'hui ?" in html or "Quel service vous a reçu aujourd'hui ?" in html
    )
    assert "Saint-Sébastien – accueil des étrangers" in html


def test_a_site_without_open_survey_says_so(client, open_campaign, org):
    html = unescape(client.get(reverse("surveys_public:start", args=["arles"])).content.decode())
    assert (
        "Aucune enquête de satisfaction n'est ouverte" in html
        or "Aucune enquête de satisfaction n'est ouverte" in html
    )


def test_the_form_is_accessible_one_fieldset_per_criterion(client, open_campaign):
    html = client.get(url_of(open_campaign[1][0])).content.decode()
    assert html.count("<fieldset") == 7 and html.count("<legend>") == 7
    assert html.count('type="radio"') == 35
    assert "Non concerné(e)" in html
    assert "<script" not in html


def test_an_answer_updates_the_units_rates(client, open_campaign):
    unit = open_campaign[1][0]
    response = client.post(
        url_of(unit), fill(client, unit, [4, 3, 0, 1, 2, 4, 4], comment="Très bon accueil")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys_public:thanks", args=["peytral"])
    rates = {r.criterion.code: r.rate for r in Result.objects.filter(unit=unit).select_related("criterion")}
    assert rates == {
        "telephone": Decimal(100),
        "pmr": Decimal(100),
        "horaires": Decimal(0),
        "signaletique": Decimal(0),
        "courtoisie": Decimal(100),
        "attente": Decimal(100),
    }
    assert Response.objects.get().comment == "Très bon accueil"
    second = client.post(url_of(unit), fill(client, unit, [1, 3, 3, 4, 4, 4, 4]))
    assert second.status_code == 302
    assert Result.objects.get(unit=unit, criterion__code="telephone").rate == Decimal(50)


def test_a_missing_answer_is_refused_in_french_and_nothing_is_saved(client, open_campaign):
    unit = open_campaign[1][0]
    response = client.post(url_of(unit), fill(client, unit, [4, 4, 4, 4, 4, 4, None]))
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Votre réponse n'a pas été enregistrée : 1 question à compléter." in html
    assert "Choisissez une réponse (ou « Non concerné(e) »)." in html
    assert 'value="4" id="id_c_' in html and "checked" in html  # the answers given are kept
    assert not Response.objects.exists() and not Result.objects.exists()


def test_the_same_visit_is_recorded_once(client, open_campaign):
    unit = open_campaign[1][0]
    data = fill(client, unit, [4] * 7)
    client.post(url_of(unit), data)
    again = client.post(url_of(unit), data)
    assert again.status_code == 302
    assert Response.objects.count() == 1


def test_a_token_for_another_unit_or_forged_is_refused(client, open_campaign):
    peytral, _ss, etrangers = open_campaign[1]
    data = fill(client, etrangers, [4] * 7)
    response = client.post(url_of(peytral), {**data})
    assert response.status_code == 400
    assert "Ce formulaire n'est pas valide" in unescape(response.content.decode())
    assert not Response.objects.exists()


def test_an_expired_form_asks_to_send_again_and_keeps_the_answers(client, open_campaign, monkeypatch):
    unit = open_campaign[1][0]
    data = fill(client, unit, [4] * 7)
    monkeypatch.setattr(public_views, "TOKEN_MAX_AGE", -1)
    response = client.post(url_of(unit), data)
    assert response.status_code == 400
    assert "Le formulaire a expiré" in unescape(response.content.decode())
    assert not Response.objects.exists()


def test_the_honeypot_thanks_the_robot_and_keeps_nothing(client, open_campaign):
    unit = open_campaign[1][0]
    response = client.post(url_of(unit), fill(client, unit, [4] * 7, site_web="http://spam.example"))
    assert response.status_code == 302
    assert not Response.objects.exists()


def test_too_many_answers_from_one_address_are_refused(client, open_campaign, monkeypatch):
    monkeypatch.setattr(public_views, "RATE_LIMIT", 2)
    unit = open_campaign[1][0]
    for _ in range(2):
        assert client.post(url_of(unit), fill(client, unit, [4] * 7)).status_code == 302
    response = client.post(url_of(unit), fill(client, unit, [4] * 7))
    assert response.status_code == 429
    assert "Trop de réponses ont été envoyées depuis cette connexion" in unescape(response.content.decode())
    assert Response.objects.count() == 2


def test_a_closed_campaign_shows_a_french_message_and_saves_nothing(client, open_campaign):
    campaign, units, _ = open_campaign
    unit = units[0]
    data = fill(client, unit, [4] * 7)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    response = client.post(url_of(unit), data)
    assert "Cette enquête est close : votre réponse n'a pas été enregistrée." in unescape(
        response.content.decode()
    )
    assert client.get(url_of(unit)).status_code == 200
    assert not Response.objects.exists()


def test_an_unknown_unit_or_site_is_a_404(client, open_campaign):
    assert (
        client.get(reverse("surveys_public:questionnaire", args=["peytral", "inconnue"])).status_code == 404
    )
    assert client.get(reverse("surveys_public:start", args=["nulle-part"])).status_code == 404
