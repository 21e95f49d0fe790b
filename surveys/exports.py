"""Excel out: a campaign's results (what the user may read), and the two import templates."""

from __future__ import annotations

from django.utils.text import slugify

from qualipref.excel import Column, xlsx_response
from qualipref.imports.templates import template_response as import_template_response

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


def long_template(campaign, user):
    """One row per rate recorded on the user's units (else one example row that imports); plus the
    accepted values (every unit and criterion) and the columns."""
    from .imports import IMPORTER

    ctx = IMPORTER.prepare(user=user, target=campaign)
    return import_template_response(IMPORTER, ctx, filename=f"modele-resultats-{campaign.year}.xlsx")


def matrix_template(campaign, user):
    """One row per unit, one column per criterion (its label); plus the accepted values."""
    from .imports import IMPORTER

    ctx = IMPORTER.prepare(user=user, target=campaign)
    units = [u for u in ctx.units if u.site_id in ctx.writable_site_ids] or ctx.units
    columns = [Column(UNIT, lambda u: u.name if u else "Nom de l'unité", width=30)] + [
        Column(c.label, lambda u: None, width=max(14, len(c.label) + 2)) for c in ctx.criteria
    ]
    return import_template_response(
        IMPORTER,
        ctx,
        filename=f"modele-matrice-{campaign.year}.xlsx",
        first_sheet=("Matrice", columns, units or [None]),
    )
