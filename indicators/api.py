"""JSON API: a telephone platform or a queue manager pushes measurements with its own token.

    POST /api/indicators/measurements/
    Authorization: Bearer qp_…
    {"indicator": "taux-decroche", "site": "centre-ville", "period": "2015-06", "value": 71.5}
    or {"measurements": [ {…}, {…} ]} (up to 1000, all or nothing), or a plain list [ {…}, {…} ]

The payload is declared once below (pydantic, through django-ninja): the same declaration validates the
request and generates the OpenAPI document served at /api/schema/. The write itself is
`services.measurements_push`, which records each value with `services.measurement_record`, the service of
the form and of the Excel import.

401 without a valid token, 400 with the reasons for a bad payload (per item: index, field, message),
403 for a site outside the token's scope; nothing is saved unless every item is valid.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from ninja import Body, Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as PayloadError
from ninja.security import HttpBearer
from pydantic import BaseModel, BeforeValidator, Discriminator, Tag, WithJsonSchema

from qualipref import versions
from qualipref.links import absolute
from sites import examples

from . import services

MAX_ITEMS = 1000
CODE_PATTERN = r"^[-a-zA-Z0-9_]+$"  # a SlugField's alphabet: indicator and site codes
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"  # what the code reads; the schema shows years 1000–9999
MONTH_PATTERN_DOCUMENTED = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
NO_NUL_PATTERN = r"^[^\x00]*$"  # PostgreSQL refuses NUL in text
HUNDREDTH = Decimal("0.01")
VALUE_LIMIT = Decimal("9999999999.99")  # Measurement.value: 12 digits, 2 of them decimals

# ---- French messages, per field and pydantic error type ----------------------------------------------------

REFUSED = services.MeasurementsRefused.message
BAD_JSON = "Le corps de la requête n'est pas un JSON valide."
BAD_SHAPE = 'Envoyez une mesure (objet JSON) ou {"measurements": [ … ]} non vide.'
TOO_MANY = f"Au plus {MAX_ITEMS} mesures par appel."
NOT_AN_OBJECT = "Chaque mesure est un objet JSON."
REQUIRED = "Champ obligatoire."
NUL = "Caractère nul (\\u0000) interdit."
FIELD_MESSAGES = {
    "indicator": "Code d'indicateur attendu : lettres, chiffres et tirets, 50 caractères au plus.",
    "site": "Code de site attendu : lettres, chiffres et tirets, 50 caractères au plus.",
    "period": "Période attendue : AAAA-MM ou AAAA-MM-JJ.",
    "value": "Valeur numérique attendue.",
    "comment": "Commentaire : texte de 255 caractères au plus.",
}
OUT_OF_BOUNDS = "Valeur hors limites : entre -9 999 999 999,99 et 9 999 999 999,99."
NO_TOKEN = "Jeton absent, inconnu ou révoqué : envoyez « Authorization: Bearer <jeton> »."


# ---- the payload, declared once ----------------------------------------------------------------------------


def _period(raw) -> dt.date:
    """A month (AAAA-MM, its first day) or a day (AAAA-MM-JJ)."""
    if raw in (None, ""):
        raise ValueError(REQUIRED)
    if isinstance(raw, str):
        try:
            if re.fullmatch(MONTH_PATTERN, raw):
                return dt.date(int(raw[:4]), int(raw[5:7]), 1)
            if re.fullmatch(DAY_PATTERN, raw):
                return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise ValueError(FIELD_MESSAGES["period"])


def _value(raw) -> Decimal:
    """A finite number, sent as a JSON number or as text (66.3 or 66,3), never a boolean; rounded to the
    hundredth, the precision of a stored measurement (a client's 66.30000000000001 is 66.3)."""
    if raw in (None, ""):
        raise ValueError(REQUIRED)
    if not isinstance(raw, bool) and isinstance(raw, int | float | str):
        try:
            value = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            pass
        else:
            if value.is_finite():
                if abs(value) > VALUE_LIMIT:
                    raise ValueError(OUT_OF_BOUNDS)
                return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    raise ValueError(FIELD_MESSAGES["value"])


Period = Annotated[
    dt.date,
    BeforeValidator(_period),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "pattern": MONTH_PATTERN_DOCUMENTED, "minLength": 7, "maxLength": 7},
            ],
            "description": (
                "Mois (AAAA-MM) ou jour (AAAA-MM-JJ). Un indicateur mensuel ramène le jour au mois."
            ),
            "examples": ["2015-06"],
        }
    ),
]
Value = Annotated[
    Decimal,
    BeforeValidator(_value),
    WithJsonSchema(
        {
            "type": "number",
            "minimum": -float(VALUE_LIMIT),
            "maximum": float(VALUE_LIMIT),
            "description": "Valeur, dans la plage admise par l'indicateur ; arrondie au centième.",
            "examples": [71.5],
        }
    ),
]
Code = Annotated[str, Field(min_length=1, max_length=50, pattern=CODE_PATTERN)]


class MeasurementIn(BaseModel):  # not ninja's Schema: it reads attributes of any object, a str too
    indicator: Code = Field(description="Code de l'indicateur mesuré.", examples=["taux-decroche"])
    site: Code = Field(description="Code du site.", examples=[examples.SITE_CODE])
    period: Period
    value: Value
    comment: str = Field("", max_length=255, pattern=NO_NUL_PATTERN, description="Commentaire libre.")

    def to_input(self) -> services.MeasurementInput:
        return services.MeasurementInput(**self.model_dump())


class MeasurementBatch(BaseModel):
    measurements: list[MeasurementIn] = Field(min_length=1, max_length=MAX_ITEMS)


def _shape(payload) -> str | None:
    if isinstance(payload, dict):
        return "batch" if "measurements" in payload else "one"
    return "list" if isinstance(payload, list) else None


Payload = Annotated[
    Annotated[MeasurementIn, Tag("one")]
    | Annotated[MeasurementBatch, Tag("batch")]
    | Annotated[list[MeasurementIn], Tag("list"), Field(min_length=1, max_length=MAX_ITEMS)],
    Discriminator(_shape, custom_error_type="payload_shape", custom_error_message=BAD_SHAPE),
]


class MeasurementOut(Schema):
    id: int
    indicator: str
    site: str
    period: dt.date
    value: float
    outcome: Literal["created", "updated", "unchanged"]


class Results(Schema):
    results: list[MeasurementOut]
    created: int
    updated: int
    unchanged: int


class ItemError(Schema):
    index: int | None = Field(description="Rang de la mesure (à partir de 0).")
    field: str
    message: str


class Error(Schema):
    error: str = Field(description="La raison, en français.")
    errors: list[ItemError] = []


# ---- authentication, errors --------------------------------------------------------------------------------


class ClientToken(HttpBearer):
    """`Authorization: Bearer qp_…` (or `Token qp_…`): the ApiClient whose active token this is."""

    openapi_description = "Jeton du client (qp_…), affiché une seule fois à sa création."

    def __call__(self, request):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() not in ("bearer", "token"):
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        return services.api_client_authenticate(token)


api = NinjaAPI(
    title="Qualipref – API des indicateurs",
    version="1.0",
    description=(
        "Envoi de mesures (taux de décroché, appels reçus, attente au guichet…) par un système "
        "(plateforme téléphonique, gestionnaire de file d'attente). Chaque client a son jeton, limité à des "
        "sites ; une valeur pour le même indicateur, site et période remplace la précédente (l'historique "
        "garde l'ancienne). Tout ou rien : une mesure invalide et rien n'est enregistré."
    ),
    urls_namespace="indicators_ninja",
    openapi_url=None,  # served by `schema` below, under the project's own URL name
    docs_url=None,
)


def _error(status: int, message: str, errors: list | None = None, **headers) -> JsonResponse:
    response = JsonResponse({"error": message, "errors": errors or []}, status=status)
    for key, value in headers.items():
        response[key.replace("_", "-")] = value
    return response


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return _error(401, NO_TOKEN, WWW_Authenticate='Bearer realm="qualipref"')


@api.exception_handler(HttpError)
def _unreadable(request, exc):
    # The only HttpError ninja raises before our code runs: a body that json.loads refuses.
    return _error(exc.status_code, BAD_JSON if exc.status_code == 400 else "Requête refusée.")


@api.exception_handler(PayloadError)
def _invalid(request, exc):
    items, general = [], None
    for error in exc.errors:
        index, field = _locate(error["loc"])
        if index is None:
            general = general or (TOO_MANY if error["type"] == "too_long" else BAD_SHAPE)
        else:
            items.append({"index": index, "field": field, "message": _message(field, error)})
    return _error(400, general or REFUSED, [] if general else items)


def _locate(loc: tuple) -> tuple[int | None, str]:
    """(item index, field) from a ninja location such as ("body", "payload", "batch", "measurements", 3,
    "value"); index None for the payload as a whole."""
    path = list(loc[2:])  # drop ("body", "payload")
    if path and path[0] in ("one", "batch", "list"):
        shape = path.pop(0)
        if shape == "one":
            return 0, str(path[0]) if path else ""
    if path and path[0] == "measurements":
        path.pop(0)
    if path and isinstance(path[0], int):
        return path[0], str(path[1]) if len(path) > 1 else ""
    return None, ""


def _message(field: str, error: dict) -> str:
    kind = error["type"]
    if not field:
        return NOT_AN_OBJECT
    if kind == "missing":
        return REQUIRED
    if kind == "value_error":  # raised by _period or _value, already in French
        return str(error.get("ctx", {}).get("error", FIELD_MESSAGES.get(field, "")))
    if kind == "string_too_short":
        return REQUIRED
    if field == "comment" and kind == "string_pattern_mismatch":
        return NUL
    return FIELD_MESSAGES.get(field, "Valeur invalide.")


# ---- the operation -----------------------------------------------------------------------------------------


@api.post(
    "/indicators/measurements/",
    auth=ClientToken(),
    response={200: Results, 201: Results, 400: Error, 401: Error, 403: Error},
    url_name="measurements",
    operation_id="measurements_push",
    summary="Enregistrer une ou plusieurs mesures",
    openapi_extra={
        "responses": {
            "201": {"description": "Au moins une mesure créée."},
            "200": {"description": "Mesures mises à jour ou inchangées."},
            "400": {"description": "Requête invalide (raisons données, par mesure) : rien n'est enregistré."},
            "401": {"description": "Jeton absent, inconnu ou révoqué."},
            "403": {"description": "Site hors du périmètre du jeton : rien n'est enregistré."},
        }
    },
)
def measurements_push(request, payload: Body[Payload]):
    if isinstance(payload, MeasurementBatch):
        items = payload.measurements
    else:
        items = payload if isinstance(payload, list) else [payload]
    try:
        # what a client records counts for its département (qualipref.versions), not for every one
        with versions.writes_for([request.auth.department_id]):
            recorded = services.measurements_push(client=request.auth, items=[i.to_input() for i in items])
    except PermissionDenied as exc:
        return Status(403, {"error": str(exc)})
    except services.MeasurementsRefused as exc:
        return Status(400, {"error": str(exc), "errors": exc.errors})
    results = [
        {"id": m.pk, "indicator": i.indicator, "site": i.site, "period": m.period, "value": m.value,
         "outcome": outcome}
        for i, (m, outcome) in zip(items, recorded, strict=True)
    ]  # fmt: skip
    counts = {k: sum(1 for r in results if r["outcome"] == k) for k in ("created", "updated", "unchanged")}
    return Status(201 if counts["created"] else 200, {"results": results, **counts})


# ---- Django views (api_urls.py): the URL names and the French 405 stay the project's -----------------------

_push_view = next(p.callback for p in api.urls[0] if getattr(p, "name", "") == "measurements")


@csrf_exempt
def measurements(request):
    if request.method != "POST":
        return _error(405, "Méthode non permise : utilisez POST.", Allow="POST")
    return _push_view(request)


@require_safe
def schema(request):
    """The OpenAPI document, generated from the declarations above."""
    document = api.get_openapi_schema(path_prefix="")
    document["servers"] = [{"url": absolute(request.path.removesuffix("schema/"))}]
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})
