"""The A4 poster of a site for the reception hall: published results and two QR codes (PDF)."""

from __future__ import annotations

import segno
from django.urls import NoReverseMatch, reverse

from qualipref.links import absolute, public_url
from qualipref.pdf import pdf_bytes

from .models import Section


def _public_path(name: str, site_code: str, fallback: str) -> str:
    try:
        return reverse(name, args=[site_code])
    except NoReverseMatch:
        return fallback


def feedback_path(site) -> str:
    return _public_path("surveys_public:start", site.code, f"/public/{site.code}/avis/")


def complaint_path(site) -> str:
    return _public_path("complaints_public:request_form", site.code, f"/public/{site.code}/reclamation/")


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2)


def satisfaction_matrix(sections) -> dict | None:
    """Satisfaction figures as one compact table: criteria in rows, surveyed units in columns."""
    groups = next((s.groups for s in sections if s.code == Section.SATISFACTION), None)
    if not groups:
        return None
    units = [g.scope_label for g in groups]
    rows: dict[str, dict] = {}
    for column, group in enumerate(groups):
        for figure in group.figures:
            row = rows.setdefault(
                figure.indicator_code, {"label": figure.label, "cells": [None] * len(units)}
            )
            row["cells"][column] = figure
    return {
        "units": units,
        "rows": list(rows.values()),
        "period_label": groups[0].period_label,
        "sources": list(dict.fromkeys(src for g in groups for src in g.sources)),
    }


def poster_context(site, snapshot, sections, scopes) -> dict:
    feedback_url, complaint_url = absolute(feedback_path(site)), absolute(complaint_path(site))
    return {
        "site": site,
        "snapshot": snapshot,
        "satisfaction": satisfaction_matrix(sections),
        "other_figures": [
            (section, figure)
            for section in sections
            if section.code != Section.SATISFACTION
            for group in section.groups
            for figure in group.figures
        ],
        "label_scopes": scopes,
        "page_url": absolute(reverse("publication:site", args=[site.code])),
        "feedback_url": feedback_url,
        "complaint_url": complaint_url,
        "feedback_qr": qr_data_uri(feedback_url),
        "complaint_qr": qr_data_uri(complaint_url),
    }


def poster_pdf(context: dict) -> bytes:
    return pdf_bytes("publication/poster.html", context, base_url=public_url())
