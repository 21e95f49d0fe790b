"""The open-data files of a site's published figures (CSV and JSON), in a stable, documented format.

Close to the Services Publics+ indicator export: one row per indicator, site and period with its value
and unit. The columns below are the format's contract: add new ones only at the end, never rename.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from django.utils import timezone

from sites import examples

from .periods import open_data_number

FORMAT_NAME = "qualipref-resultats-publics"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    example: str


COLUMNS = [
    Column("indicateur", "Code stable de l'indicateur (voir la liste des codes).", "taux-de-decroche"),
    Column("libelle", "Intitulé de l'indicateur, en clair.", "Taux de décroché"),
    Column("site", "Code du site (celui de l'adresse de sa page publique).", examples.SITE_CODE),
    Column("site_nom", "Nom du site.", examples.SITE_NAME),
    Column("departement", "Code du département.", examples.DEPARTMENT_CODE),
    Column("perimetre", "Point d'accueil ou unité enquêtée ; vide pour le site entier.", "Accueil général"),
    Column("periode", "Période mesurée, en clair.", "décembre 2014 à novembre 2015"),
    Column("valeur", "Valeur, avec un point comme séparateur décimal.", "87.5"),
    Column("unite", "Unité de la valeur : %, jours ou minutes.", "%"),
    Column("base", "Base de calcul (effectifs), en clair.", "14 sur 16 réclamations ayant reçu une réponse"),
    Column("valeur_precedente", "Valeur de la période précédente, quand elle est connue.", "80"),
    Column("periode_precedente", "Période précédente, en clair.", "décembre 2013 à novembre 2014"),
    Column("source", "Origine du chiffre.", "Enquête de satisfaction des usagers 2015"),
    Column("date_publication", "Date de la publication (AAAA-MM-JJ, heure de Paris).", "2015-12-15"),
]


def _row(figure, site) -> dict:
    snapshot = figure.snapshot
    return {
        "indicateur": figure.indicator_code,
        "libelle": figure.label,
        "site": site.code,
        "site_nom": site.name,
        "departement": site.entity.department.code,
        "perimetre": figure.scope_label,
        "periode": figure.period_label,
        "valeur": open_data_number(figure.value),
        "unite": figure.unit,
        "base": figure.basis,
        "valeur_precedente": open_data_number(figure.previous_value),
        "periode_precedente": figure.previous_period_label,
        "source": figure.source,
        "date_publication": timezone.localtime(snapshot.published_at).date().isoformat(),
    }


def rows(figures, site) -> list[dict]:
    return [_row(f, site) for f in figures]


def to_csv(data: list[dict]) -> str:
    """RFC 4180 CSV, comma-separated, UTF-8 (the caller adds no BOM), one header line."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[c.name for c in COLUMNS], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(data)
    return buffer.getvalue()


def _json_number(text: str):
    if text == "":
        return None
    return int(text) if text.lstrip("-").isdigit() else float(text)


def to_json(data: list[dict], site) -> str:
    records = [
        {
            **row,
            "valeur": _json_number(row["valeur"]),
            "valeur_precedente": _json_number(row["valeur_precedente"]),
        }
        for row in data
    ]
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "site": {
            "code": site.code,
            "nom": site.name,
            "entite": site.entity.name,
            "departement": site.entity.department.code,
        },
        "colonnes": [c.name for c in COLUMNS],
        "donnees": records,
    }
    return json.dumps(document, ensure_ascii=False, indent=2)
