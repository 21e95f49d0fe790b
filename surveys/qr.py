"""QR codes of the online questionnaire (segno) and the printable A5 poster (WeasyPrint)."""

from __future__ import annotations

from io import BytesIO

import segno
from django.template.loader import render_to_string

from qualipref.links import absolute, public_url
from qualipref.pdf import html_to_pdf


def questionnaire_url(unit) -> str:
    """Absolute address of a unit's questionnaire at the public address (not the request host: a poster
    printed from a test server must still point to the public site)."""
    return absolute(unit.public_path())


def qr_svg(url: str, *, scale: int = 8, title: str = "") -> bytes:
    buffer = BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=scale, border=4, title=title or None, xmldecl=True
    )
    return buffer.getvalue()


def qr_svg_inline(url: str, *, scale: int = 4) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, border=4, title=url)


def poster_pdf(unit) -> bytes:
    url = questionnaire_url(unit)
    html = render_to_string(
        "surveys/poster.html",
        {
            "unit": unit,
            "url": url,
            "qr_data_uri": segno.make(url, error="m").svg_data_uri(scale=10, border=2),
            "criteria_count": unit.campaign.criteria.count(),
        },
    )
    return html_to_pdf(html, base_url=public_url()).content
