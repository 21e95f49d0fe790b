"""HTML → PDF: the one module that calls WeasyPrint.

Every PDF of the application (annual report, committee pack, minutes, audit reports, posters, QR posters)
is a Django template rendered to HTML, then handed to `html_to_pdf` (or `pdf_response` for a view).
It lives in the core so that every app may import it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.http import HttpResponse
from django.template.loader import render_to_string

from qualipref.links import public_url

# The archival variant on request ("pdf/a-3b"), or the plain PDF ("").
PDF_VARIANTS = {"": None, "pdf/a-3b": "pdf/a-3b"}


@dataclass
class RenderedPdf:
    content: bytes
    page_count: int


def html_to_pdf(
    html: str, *, base_url: str | None = ".", variant: str = "", quiet: bool = False
) -> RenderedPdf:
    """Lay out `html` with WeasyPrint. `quiet` silences WeasyPrint's warnings (pygal charts repeat the
    same element ids: harmless on paper, but logged once per chart)."""
    from weasyprint import HTML  # imported lazily: loading pango costs time at start-up

    if variant not in PDF_VARIANTS:
        raise ValueError(f"Variante PDF inconnue : {variant}.")
    weasy_logger = logging.getLogger("weasyprint")
    level = weasy_logger.level
    if quiet:
        weasy_logger.setLevel(logging.ERROR)
    try:
        document = HTML(string=html, base_url=base_url).render()
    finally:
        weasy_logger.setLevel(level)
    options = {"pdf_variant": PDF_VARIANTS[variant]} if PDF_VARIANTS[variant] else {}
    return RenderedPdf(document.write_pdf(**options), len(document.pages))


def pdf_bytes(template: str, context: dict, *, base_url: str | None = ".", request=None) -> bytes:
    """A template rendered, then laid out: the PDF's bytes."""
    html = render_to_string(template, context, request=request)
    return html_to_pdf(html, base_url=base_url).content


def pdf_response(
    request, template: str, context: dict, filename: str, *, request_context: bool = False
) -> HttpResponse:
    """An inline PDF response; relative links resolve against the public address (qualipref.links), so a
    PDF printed from any server points to the installation users reach."""
    content = pdf_bytes(
        template,
        context,
        base_url=public_url() + "/",
        request=request if request_context else None,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
