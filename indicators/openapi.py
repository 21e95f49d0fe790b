"""The OpenAPI 3.0 document of the measurements API, written by hand (no extra dependency)."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "properties": {
        "error": {"type": "string", "description": "La raison, en français."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "index": {
                        "type": "integer",
                        "nullable": True,
                        "description": "Rang de la mesure (à partir de 0).",
                    },
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
    "required": ["error"],
}

MEASUREMENT_IN = {
    "type": "object",
    "required": ["indicator", "site", "period", "value"],
    "properties": {
        "indicator": {
            "type": "string",
            "description": "Code de l'indicateur mesuré.",
            "example": "taux-decroche",
        },
        "site": {"type": "string", "description": "Code du site.", "example": "peytral"},
        "period": {
            "type": "string",
            "description": (
                "Mois (AAAA-MM) ou jour (AAAA-MM-JJ). Un indicateur mensuel ramène le jour au mois."
            ),
            "example": "2015-06",
        },
        "value": {
            "type": "number",
            "description": "Valeur, dans la plage admise par l'indicateur.",
            "example": 71.5,
        },
        "comment": {"type": "string", "maxLength": 255},
    },
}

MEASUREMENT_OUT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "indicator": {"type": "string"},
        "site": {"type": "string"},
        "period": {"type": "string", "format": "date"},
        "value": {"type": "number"},
        "outcome": {"type": "string", "enum": ["created", "updated", "unchanged"]},
    },
}


def schema(server_url: str = "/api/") -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Qualipref – API des indicateurs",
            "version": "1.0",
            "description": (
                "Envoi de mesures (taux de décroché, appels reçus, attente au guichet…) par un système "
                "(plateforme téléphonique, gestionnaire de file d'attente). Chaque client a son jeton, "
                "limité "
                "à des sites ; une valeur pour le même indicateur, site et période remplace la précédente "
                "(l'historique garde l'ancienne). Tout ou rien : une mesure invalide et rien n'est "
                "enregistré."
            ),
        },
        "servers": [{"url": server_url}],
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Jeton du client (qp_…), affiché une seule fois à sa création.",
                }
            },
            "schemas": {"MeasurementIn": MEASUREMENT_IN, "MeasurementOut": MEASUREMENT_OUT, "Error": ERROR},
        },
        "security": [{"token": []}],
        "paths": {
            "/indicators/measurements/": {
                "post": {
                    "summary": "Enregistrer une ou plusieurs mesures",
                    "operationId": "measurements_push",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/MeasurementIn"},
                                        {
                                            "type": "object",
                                            "required": ["measurements"],
                                            "properties": {
                                                "measurements": {
                                                    "type": "array",
                                                    "maxItems": 1000,
                                                    "items": {"$ref": "#/components/schemas/MeasurementIn"},
                                                }
                                            },
                                        },
                                    ]
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": {"description": "Au moins une mesure créée.", "content": _results()},
                        "200": {"description": "Mesures mises à jour ou inchangées.", "content": _results()},
                        "400": {
                            "description": "Requête invalide (raison donnée), rien n'est enregistré.",
                            "content": _error(),
                        },
                        "401": {"description": "Jeton absent, inconnu ou révoqué.", "content": _error()},
                        "403": {"description": "Site hors du périmètre du jeton.", "content": _error()},
                    },
                }
            },
            "/schema/": {
                "get": {
                    "summary": "Ce document",
                    "operationId": "schema",
                    "security": [],
                    "responses": {"200": {"description": "Le document OpenAPI."}},
                }
            },
        },
    }


def _results() -> dict:
    return {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/MeasurementOut"}},
                    "created": {"type": "integer"},
                    "updated": {"type": "integer"},
                    "unchanged": {"type": "integer"},
                },
            }
        }
    }


def _error() -> dict:
    return {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
