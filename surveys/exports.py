"""Excel out: a campaign's results (what the user may read), and the two import templates."""

from __future__ import annotations

from django.utils.text import slugify

from qualipref.excel import Column, template_response, xlsx_response

from .imports import CONCERNED, CRITERION, RATE, SATISFIED, UNIT

SOURCE_LABELS = {"form": "Saisie", "import": "Import Excel", "responses": "Réponses en ligne", "": ""}


def campaign_export(matrix):
    campaign = matrix.campaign
    long_rows = [(row, cell) for row in matrix.rows for cell in row.cells]
    long_columns = [
        Column(UNIT, lambda rc: rc[0].unit.name, 44),
        Column("Site", lambda rc: rc[0].unit.site.name, 18),
        Column(CRITERION, lambda rc: rc[1].criterion.label, 40),
        Column(RATE, lambda rc: rc[1].rate, 10),
        Column(SATISFIED, lambda rc: rc[1].satisfied, 11),
        Column(CONCERNED, lambda rc: rc[1].concerned, 11),
        Column("Cible (%)", lambda rc: rc[1].criterion.target_rate, 10),
        Column("Origine", lambda rc: SOURCE_LABELS.get(rc[1].source, rc[1].source), 16),
    ]
    matrix_columns = [Column(UNIT, lambda row: row.unit.name, 44)] + [
        Column(c.label, lambda row, i=i: row.cells[i].rate, max(12, len(c.label) // 2))
        for i, c in enumerate(matrix.criteria)
    ]
    point_rows = [(row, p) for row in matrix.rows for p in row.strengths + row.vigilance]
    point_columns = [
        Column(UNIT, lambda rp: rp[0].unit.name, 44),
        Column("Type", lambda rp: rp[1].get_kind_display(), 18),
        Column("Texte", lambda rp: rp[1].text, 70),
    ]
    return xlsx_response(
        f"enquete-{campaign.year}-{slugify(campaign.get_population_display())}.xlsx",
        [
            ("Résultats", long_columns, long_rows),
            ("Matrice", matrix_columns, matrix.rows),
            ("Points forts et vigilance", point_columns, point_rows),
        ],
    )


def long_template(campaign, units):
    examples = [[u.name, c.label, None, None, None] for u in units for c in campaign.criteria.all()] or [
        ["Nom de l'unité", "Accueil téléphonique", 51.5, None, None]
    ]
    return template_response(
        f"modele-resultats-{campaign.year}.xlsx",
        "Résultats",
        [UNIT, CRITERION, RATE, SATISFIED, CONCERNED],
        examples,
    )


def matrix_template(campaign, units):
    criteria = list(campaign.criteria.all())
    return template_response(
        f"modele-matrice-{campaign.year}.xlsx",
        "Matrice",
        [UNIT] + [c.label for c in criteria],
        [[u.name] + [None] * len(criteria) for u in units] or [["Nom de l'unité"] + [None] * len(criteria)],
    )
