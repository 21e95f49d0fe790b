"""Serving a stored file: the one place that turns a FieldFile into a download."""

import logging

from django.http import FileResponse, Http404

logger = logging.getLogger(__name__)

MISSING = "Ce fichier n'est plus disponible sur le serveur : contactez votre référent qualité."


def file_download(field, filename=None) -> FileResponse:
    """The file as an attachment; 404 with a French reason when there is none or it has gone from the
    storage (a restore without the media folder, say), which is logged for the administrator."""
    if not field:
        raise Http404(MISSING)
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        logger.error("stored file missing: %s", field.name)
        raise Http404(MISSING) from None
    return FileResponse(handle, as_attachment=True, filename=filename or None)
