"""The API's OpenAPI document is generated from the payload's declaration, and the code keeps its word:
what the document declares valid is accepted, what the code refuses the document declares invalid."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators import services
from indicators.models import Measurement
from qualipref.bounds import EARLIEST_YEAR

pytestmark = [pytest.mark.django_db, pytest.mark.urls("indicators.tests.urls")]

URL = "/api/indicators/measurements/"


@pytest.fixture(autouse=True)
def _api_exempt_from_login(settings):
    if "/api/" not in settings.LOGIN_EXEMPT_PREFIXES:
        settings.LOGIN_EXEMPT_PREFIXES = (*settings.LOGIN_EXEMPT_PREFIXES, "/api/")


@pytest.fixture
def document(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def token(org, pickup, quality_manager):
    _, token = services.api_client_create(
        department=org.bdr, name="Plateforme", sites=[org.peytral, org.saint_sebastien], by=quality_manager
    )
    return token


def measurement_in(document):
    return document["components"]["schemas"]["MeasurementIn"]


def refuses_empty(prop) -> bool:
    """The property's schema declares the empty string invalid (minLength ≥ 1 or a pattern refusing "")."""
    if "anyOf" in prop:
        return all(refuses_empty(branch) for branch in prop["anyOf"])
    if prop.get("format") == "date":
        return True
    pattern = prop.get("pattern")
    return prop.get("minLength", 0) >= 1 or (pattern is not None and re.search(pattern, "") is None)


def test_the_schema_marks_indicator_site_and_period_required_and_non_empty(document):
    schema = measurement_in(document)
    assert {"indicator", "site", "period", "value"} <= set(schema["required"])
    for name in ("indicator", "site", "period"):
        assert refuses_empty(schema["properties"][name]), name
    for name in ("indicator", "site"):
        assert schema["properties"][name]["minLength"] == 1 and schema["properties"][name]["pattern"]
    body = document["paths"]["/indicators/measurements/"]["post"]["requestBody"]
    assert body["required"] is True
    assert len(body["content"]["application/json"]["schema"]["oneOf"]) == 3  # one, batch, plain list


def test_the_schema_url_is_generated_not_written_by_hand(document):
    from indicators import api

    assert document == json.loads(
        json.dumps(api.api.get_openapi_schema(path_prefix="") | {"servers": document["servers"]})
    )
    assert document["servers"][0]["url"].endswith("/api/")


@pytest.mark.parametrize("field", ["indicator", "site", "period"])
def test_what_the_schema_refuses_the_code_refuses_with_the_reason(client, token, field):
    item = {"indicator": "taux-decroche", "site": "peytral", "period": "2015-06", "value": 66.3, field: ""}
    response = client.post(
        URL, json.dumps(item), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"index": 0, "field": field, "message": "Champ obligatoire."}]
    assert not Measurement.objects.exists()


def strategy_for(prop, *, today):
    """Values the schema declares valid for a property (the `anyOf`, `format`, `pattern`, `maxLength`
    and bounds this API's document uses), kept to the past for periods and from the plausible window's
    first year (`qualipref.bounds`): both are business rules the schema does not state."""
    if "anyOf" in prop:
        return st.one_of([strategy_for(branch, today=today) for branch in prop["anyOf"]])
    if prop.get("format") == "date":
        return st.dates(min_value=dt.date(EARLIEST_YEAR, 1, 1), max_value=today).map(dt.date.isoformat)
    if prop["type"] == "string" and "pattern" in prop:
        text = st.from_regex(prop["pattern"], fullmatch=True)
        if "maxLength" in prop:
            text = text.filter(lambda s: prop.get("minLength", 0) <= len(s) <= prop["maxLength"])
        return text
    if prop["type"] == "number":
        return st.floats(min_value=prop["minimum"], max_value=prop["maximum"], allow_nan=False)
    raise AssertionError(f"no strategy for {prop}")


def test_the_code_accepts_what_the_schema_declares_valid(client, org, token, document):
    schema = measurement_in(document)["properties"]
    today = timezone.localdate()
    periods = strategy_for(schema["period"], today=today).filter(
        lambda p: f"{EARLIEST_YEAR}-01" <= p[:7] <= f"{today:%Y-%m}"
    )
    comments = st.text(max_size=schema["comment"]["maxLength"]).filter(
        lambda c: re.fullmatch(schema["comment"]["pattern"], c) is not None
    )
    for code, name in (("taux-decroche", "indicator"), ("peytral", "site"), ("saint-sebastien", "site")):
        assert re.fullmatch(schema[name]["pattern"], code)
    # The indicator's range (0–100) is a business rule, not the schema's: values are drawn inside it,
    # through the schema's own strategy for numbers.
    values = strategy_for(schema["value"], today=today).filter(lambda v: 0 <= v <= 100) | st.integers(0, 100)
    items = st.fixed_dictionaries(
        {
            "indicator": st.just("taux-decroche"),
            "site": st.sampled_from(["peytral", "saint-sebastien"]),
            "period": periods,
            "value": values,
        },
        optional={"comment": comments},
    )
    batches = st.lists(items, min_size=1, max_size=3, unique_by=lambda i: (i["site"], i["period"][:7]))
    payloads = st.one_of(items, batches.map(lambda batch: {"measurements": batch}), batches)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(payload=payloads)
    def accepted(payload):
        response = client.post(
            URL, json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        body = response.json()
        assert response.status_code == (201 if body.get("created") else 200), body
        sent = payload["measurements"] if isinstance(payload, dict) and "measurements" in payload else payload
        sent = sent if isinstance(sent, list) else [sent]
        assert len(body["results"]) == len(sent)
        for result, item in zip(body["results"], sent, strict=True):
            stored = Measurement.objects.get(pk=result["id"])
            assert stored.period.isoformat()[:7] == item["period"][:7]
            assert abs(float(stored.value) - float(item["value"])) <= 0.005

    accepted()


ONE = {"indicator": "taux-decroche", "site": "peytral", "period": "2015-06", "value": 66.3}


@pytest.mark.parametrize(
    "payload, error, errors",
    [
        (
            {"measurements": [ONE, {**ONE, "value": None}, "texte", {**ONE, "comment": "a\x00b"}]},
            "Mesures invalides : rien n'a été enregistré.",
            [
                {"index": 1, "field": "value", "message": "Champ obligatoire."},
                {"index": 2, "field": "", "message": "Chaque mesure est un objet JSON."},
                {"index": 3, "field": "comment", "message": "Caractère nul (\\u0000) interdit."},
            ],
        ),
        ([ONE, {**ONE, "site": "<b>"}], "Mesures invalides : rien n'a été enregistré.", [
            {"index": 1, "field": "site",
             "message": "Code de site attendu : lettres, chiffres et tirets, 50 caractères au plus."}]),
        ({**ONE, "value": 1e300}, "Mesures invalides : rien n'a été enregistré.", [
            {"index": 0, "field": "value",
             "message": "Valeur hors limites : entre -9 999 999 999,99 et 9 999 999 999,99."}]),
        ({"measurements": [ONE] * 1001}, "Au plus 1000 mesures par appel.", []),
        ({"measurements": []}, 'Envoyez une mesure (objet JSON) ou {"measurements": [ … ]} non vide.', []),
        ("texte", 'Envoyez une mesure (objet JSON) ou {"measurements": [ … ]} non vide.', []),
    ],
)  # fmt: skip
def test_refusals_name_each_item_and_field_in_french(client, token, payload, error, errors):
    response = client.post(
        URL, json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400
    assert response.json() == {"error": error, "errors": errors}
    assert not Measurement.objects.exists()


def test_a_value_is_rounded_to_the_stored_hundredth(client, token):
    response = client.post(
        URL,
        json.dumps({**ONE, "value": 66.30000000000001}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201 and response.json()["results"][0]["value"] == 66.3
