"""The measurements API: token auth (401), site scope (403), validation (400), upsert with history."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from indicators import services
from indicators.models import ApiClient, Measurement
from indicators.tests.factories import computed_indicator

pytestmark = [pytest.mark.django_db, pytest.mark.urls("indicators.tests.urls")]

URL = "/api/indicators/measurements/"


@pytest.fixture(autouse=True)
def _api_exempt_from_login(settings):
    # What the lead adds to the settings: the API authenticates by token itself.
    if "/api/" not in settings.LOGIN_EXEMPT_PREFIXES:
        settings.LOGIN_EXEMPT_PREFIXES = (*settings.LOGIN_EXEMPT_PREFIXES, "/api/")


@pytest.fixture
def token(org, pickup, quality_manager):
    client, token = services.api_client_create(
        department=org.bdr,
        name="Plateforme téléphonique",
        sites=[org.peytral, org.saint_sebastien],
        by=quality_manager,
    )
    return token


def post(client, payload, token=None, raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    body = raw if raw is not None else json.dumps(payload)
    return client.post(URL, body, content_type="application/json", **headers)


ONE = {"indicator": "taux-decroche", "site": "peytral", "period": "2015-06", "value": 66.3}


def test_a_value_is_created_then_updated_with_history(client, org, token):
    response = post(client, ONE, token)
    assert response.status_code == 201
    assert response.json()["results"][0] | {"id": 0} == {
        "id": 0, "indicator": "taux-decroche", "site": "peytral", "period": "2015-06-01", "value": 66.3,
        "outcome": "created",
    }  # fmt: skip
    response = post(client, {**ONE, "value": 68, "period": "2015-06-30"}, token)
    assert response.status_code == 200 and response.json()["updated"] == 1
    measurement = Measurement.objects.get()
    assert measurement.value == Decimal("68") and measurement.source == "api"
    assert measurement.api_client.name == "Plateforme téléphonique"
    assert [h.value for h in measurement.history.order_by("history_date")] == [Decimal("66.3"), Decimal("68")]
    assert ApiClient.objects.get().last_used_at is not None


def test_what_a_client_records_counts_for_its_departement_only(client, org, token):
    """The kept pages of the 13 are read again after a push; those of the 84 are not (qualipref.versions)."""
    from qualipref.models import DataVersion
    from qualipref.versions import EVERY_DEPARTMENT

    def counters():
        return dict(DataVersion.objects.values_list("department_id", "version"))

    start = counters()
    assert post(client, ONE, token).status_code == 201
    after = counters()
    assert after[org.bdr.pk] > start.get(org.bdr.pk, 0)
    assert after.get(EVERY_DEPARTMENT) == start.get(EVERY_DEPARTMENT)
    assert after.get(org.vaucluse.pk) == start.get(org.vaucluse.pk)


def test_a_batch_is_saved_whole(client, org, token):
    batch = {"measurements": [ONE, {**ONE, "site": "saint-sebastien", "value": 61}]}
    response = post(client, batch, token)
    assert response.status_code == 201 and response.json()["created"] == 2


@pytest.mark.parametrize("header", [None, "Bearer qp_not-a-token", "Basic dXNlcjpwYXNz"])
def test_no_valid_token_answers_401(client, token, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.post(URL, json.dumps(ONE), content_type="application/json", **headers)
    assert response.status_code == 401
    assert "Jeton" in response.json()["error"] and response["WWW-Authenticate"].startswith("Bearer")
    assert not Measurement.objects.exists()


def test_a_revoked_token_answers_401(client, quality_manager, token):
    services.api_client_revoke(client=ApiClient.objects.get(), by=quality_manager)
    assert post(client, ONE, token).status_code == 401


def test_a_site_outside_the_tokens_scope_answers_403_and_nothing_is_saved(client, token):
    response = post(client, {"measurements": [ONE, {**ONE, "site": "arles"}]}, token)
    assert response.status_code == 403
    assert "arles" in response.json()["error"]
    assert post(client, {**ONE, "site": "avignon"}, token).status_code == 403
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    "payload, raw, message",
    [
        (None, "{pas du json", "pas un JSON valide"),
        ([], None, "non vide"),
        ({"site": "peytral", "period": "2015-06", "value": 1}, None, "Champ obligatoire"),
        ({**ONE, "indicator": "inconnu"}, None, "Indicateur inconnu : « inconnu »"),
        ({**ONE, "site": "lune"}, None, "Site inconnu : « lune »"),
        ({**ONE, "value": 180}, None, "supérieure au maximum"),
        ({**ONE, "value": "beaucoup"}, None, "Valeur numérique attendue"),
        ({**ONE, "value": True}, None, "Valeur numérique attendue"),
        ({**ONE, "period": "juin 2015"}, None, "AAAA-MM"),
        ({**ONE, "period": "2099-01"}, None, "pas encore écoulée"),
    ],
)
def test_bad_payloads_answer_400_with_the_reason_and_nothing_is_saved(client, token, payload, raw, message):
    batch = {"measurements": [ONE, payload]} if isinstance(payload, dict) else payload
    response = post(client, batch, token, raw=raw)
    assert response.status_code == 400
    body = response.json()
    assert message in body["error"] + " ".join(e["message"] for e in body["errors"])
    assert not Measurement.objects.exists()


def test_a_computed_indicator_cannot_be_pushed(client, org, token):
    computed_indicator(org.bdr, "complaints_on_time_share", code="reclamations")
    response = post(client, {**ONE, "indicator": "reclamations"}, token)
    assert response.status_code == 400 and "ne se saisit pas" in response.json()["errors"][0]["message"]


def test_get_is_not_allowed(client, token):
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 405


def test_the_token_is_stored_hashed_and_shown_once(client, org, quality_manager):
    client.force_login(quality_manager)
    response = client.post("/indicators/api/nouveau/", {"name": "File d'attente", "sites": [org.aix.pk]})
    html = response.content.decode()
    token = html.split('<code class="fs-5" id="token">')[1].split("</code>")[0]
    stored = ApiClient.objects.get(name="File d'attente")
    assert (
        token.startswith("qp_")
        and stored.token_hash == services.hash_token(token)
        and token not in stored.token_hash
    )
    assert token not in client.get("/indicators/api/").content.decode()


def test_only_the_quality_manager_creates_tokens(org, arles_referent):
    with pytest.raises(PermissionDenied):
        services.api_client_create(department=org.bdr, name="x", sites=[org.arles], by=arles_referent)


def test_the_openapi_schema_is_served(client):
    schema = client.get("/api/schema/").json()
    assert schema["openapi"].startswith("3.")
    operation = schema["paths"]["/indicators/measurements/"]["post"]
    assert set(operation["responses"]) == {"200", "201", "400", "401", "403"}
    assert [s["scheme"] for s in schema["components"]["securitySchemes"].values()] == ["bearer"]


def test_the_period_of_a_daily_value_is_kept(client, org, token):
    from indicators.models import Indicator

    Indicator.objects.create(
        department=org.bdr, code="appels", name="Appels", unit="count", frequency="daily", aggregation="sum"
    )
    post(
        client,
        {"measurements": [{**ONE, "indicator": "appels", "period": "2015-06-02", "value": 120}]},
        token,
    )
    assert Measurement.objects.get().period == dt.date(2015, 6, 2)
