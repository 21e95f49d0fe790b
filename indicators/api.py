"""JSON API: a telephone platform or a queue manager pushes measurements with its own token.

    POST /api/indicators/measurements/
    Authorization: Bearer qp_…
    {"indicator": "taux-decroche", "site": "peytral", "period": "2015-06", "value": 71.5}
    or {"measurements": [ {…}, {…} ]} (up to 1000, all or nothing)

401 without a valid token, 400 with the reasons for a bad payload, 403 for a site outside the token's
scope; nothing is saved unless every item is valid.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from sites.models import Site

from . import services
from .models import Indicator, Measurement
from .openapi import schema as openapi_schema

MAX_ITEMS = 1000
FIELDS = ("indicator", "site", "period", "value")


def _error(status: int, message: str, errors: list | None = None, **headers) -> JsonResponse:
    response = JsonResponse({"error": message, "errors": errors or []}, status=status)
    for key, value in headers.items():
        response[key.replace("_", "-")] = value
    return response


def _unauthorized(message: str) -> JsonResponse:
    return _error(401, message, WWW_Authenticate='Bearer realm="qualipref"')


def _token(request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() in ("bearer", "token") else ""


def _parse_period(text) -> dt.date | None:
    if not isinstance(text, str):
        return None
    try:
        if len(text) == 7:
            return dt.datetime.strptime(text, "%Y-%m").date()
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _parse_value(raw) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        value = Decimal(str(raw).replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@csrf_exempt
def measurements(request):
    if request.method != "POST":
        return _error(405, "Méthode non permise : utilisez POST.", Allow="POST")
    client = services.api_client_authenticate(_token(request))
    if client is None:
        return _unauthorized("Jeton absent, inconnu ou révoqué : envoyez « Authorization: Bearer <jeton> ».")
    try:
        payload = json.loads(request.body or b"")
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):  # RecursionError: "[[[[…" nesting
        return _error(400, "Le corps de la requête n'est pas un JSON valide.")
    if isinstance(payload, dict) and "measurements" in payload:
        items = payload["measurements"]
    elif isinstance(payload, dict):
        items = [payload]
    else:
        items = payload
    if not isinstance(items, list) or not items:
        return _error(400, 'Envoyez une mesure (objet JSON) ou {"measurements": [ … ]} non vide.')
    if len(items) > MAX_ITEMS:
        return _error(400, f"Au plus {MAX_ITEMS} mesures par appel.")

    errors, parsed = [], []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append({"index": index, "field": "", "message": "Chaque mesure est un objet JSON."})
            continue
        missing = [f for f in FIELDS if item.get(f) in (None, "")]
        for name in missing:
            errors.append({"index": index, "field": name, "message": "Champ obligatoire."})
        if missing:
            continue
        nul = [f for f in ("indicator", "site", "comment") if "\x00" in str(item.get(f, ""))]
        for name in nul:
            errors.append({"index": index, "field": name, "message": "Caractère nul (\\u0000) interdit."})
        if nul:
            continue
        period, value = _parse_period(item["period"]), _parse_value(item["value"])
        if period is None:
            errors.append(
                {"index": index, "field": "period", "message": "Période attendue : AAAA-MM ou AAAA-MM-JJ."}
            )
        if value is None:
            errors.append({"index": index, "field": "value", "message": "Valeur numérique attendue."})
        comment = item.get("comment", "")
        if not isinstance(comment, str) or len(comment) > 255:
            errors.append(
                {
                    "index": index,
                    "field": "comment",
                    "message": "Commentaire : texte de 255 caractères au plus.",
                }
            )
        if period is not None and value is not None:
            parsed.append((index, str(item["indicator"]), str(item["site"]), period, value, comment))
    if errors:
        return _error(400, "Mesures invalides : rien n'a été enregistré.", errors)

    indicators = {
        i.code: i
        for i in Indicator.objects.filter(department_id=client.department_id, code__in={p[1] for p in parsed})
    }
    sites = {s.code: s for s in Site.objects.select_related("entity").filter(code__in={p[2] for p in parsed})}
    allowed = {s.pk for s in client.sites.all()}
    for index, indicator_code, site_code, *_ in parsed:
        if indicator_code not in indicators:
            errors.append(
                {
                    "index": index,
                    "field": "indicator",
                    "message": f"Indicateur inconnu : « {indicator_code} ».",
                }
            )
        if site_code not in sites:
            errors.append({"index": index, "field": "site", "message": f"Site inconnu : « {site_code} »."})
    if errors:
        return _error(400, "Mesures invalides : rien n'a été enregistré.", errors)
    outside = sorted({code for _, _, code, *_ in parsed if sites[code].pk not in allowed})
    if outside:
        return _error(
            403,
            f"Ce jeton ne couvre pas {'les sites' if len(outside) > 1 else 'le site'} : "
            f"{', '.join(outside)}.",
        )
    for index, indicator_code, site_code, period, value, _ in parsed:
        problems = services.measurement_errors(
            indicator=indicators[indicator_code], site=sites[site_code], period=period, value=value
        )
        errors.extend(
            {"index": index, "field": field, "message": message} for field, message in problems.items()
        )
    if errors:
        return _error(400, "Mesures invalides : rien n'a été enregistré.", errors)

    results = []
    try:
        with transaction.atomic():
            for _, indicator_code, site_code, period, value, comment in parsed:
                measurement, outcome = services.measurement_record(
                    indicator=indicators[indicator_code],
                    site=sites[site_code],
                    period=period,
                    value=value,
                    comment=comment,
                    source=Measurement.Source.API,
                    api_client=client,
                )
                results.append(
                    {
                        "id": measurement.pk,
                        "indicator": indicator_code,
                        "site": site_code,
                        "period": measurement.period.isoformat(),
                        "value": float(measurement.value),
                        "outcome": outcome,
                    }
                )
    except ValidationError as exc:
        return _error(
            400,
            "Mesures invalides : rien n'a été enregistré.",
            [{"index": None, "field": "", "message": m} for m in exc.messages],
        )
    counts = {k: sum(1 for r in results if r["outcome"] == k) for k in ("created", "updated", "unchanged")}
    return JsonResponse({"results": results, **counts}, status=201 if counts["created"] else 200)


def schema(request):
    return JsonResponse(
        openapi_schema(request.build_absolute_uri("/api/")), json_dumps_params={"ensure_ascii": False}
    )
