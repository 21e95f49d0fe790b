"""HTML → PDF with WeasyPrint (A4, "Page N sur M" in the footer: see templates/audits/pdf/base.html)."""

from django.http import HttpResponse
from django.template.loader import render_to_string


def pdf_bytes(template: str, context: dict, *, base_url: str) -> bytes:
    from weasyprint import HTML  # imported lazily: loading pango costs time at start-up

    html = render_to_string(template, context)
    return HTML(string=html, base_url=base_url).write_pdf()


def pdf_response(request, template: str, context: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        pdf_bytes(template, context, base_url=request.build_absolute_uri("/")), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
