"""Uploads are untrusted: limited in size, and in type by both extension and content (magic bytes)."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

# extension -> accepted leading bytes (None: text formats, checked to be valid UTF-8 without NUL)
ALLOWED = {
    ".pdf": [b"%PDF-"],
    ".png": [b"\x89PNG\r\n\x1a\n"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".gif": [b"GIF87a", b"GIF89a"],
    ".docx": [b"PK\x03\x04"],
    ".xlsx": [b"PK\x03\x04"],
    ".pptx": [b"PK\x03\x04"],
    ".odt": [b"PK\x03\x04"],
    ".ods": [b"PK\x03\x04"],
    ".odp": [b"PK\x03\x04"],
    ".doc": [b"\xd0\xcf\x11\xe0"],
    ".xls": [b"\xd0\xcf\x11\xe0"],
    ".msg": [b"\xd0\xcf\x11\xe0"],
    ".eml": None,
    ".txt": None,
    ".csv": None,
}


def validate_upload(upload, *, allowed: dict | None = None) -> None:
    allowed = allowed or ALLOWED
    max_bytes = settings.UPLOAD_MAX_BYTES
    if upload.size > max_bytes:
        size = f"{upload.size / 1048576:.1f}".replace(".", ",")
        limit = f"{max_bytes / 1048576:.1f}".replace(".", ",").removesuffix(",0")
        raise ValidationError(
            f"Le fichier « {upload.name} » est trop volumineux ({size} Mo) : {limit} Mo au maximum.",
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(f"Le fichier « {upload.name} » est vide.", code="empty")
    ext = Path(upload.name).suffix.lower()
    if ext not in allowed:
        raise ValidationError(
            f"Type de fichier non accepté ({ext or 'sans extension'}). "
            f"Types acceptés : {', '.join(sorted(e.lstrip('.') for e in allowed))}.",
            code="bad_type",
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    signatures = allowed[ext]
    if signatures is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # a multi-byte character cut at 2048 bytes is fine; anything else is not text
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                raise ValidationError(
                    f"Le fichier « {upload.name} » n'est pas un texte valide.", code="bad_content"
                ) from None
        if b"\x00" in head:
            raise ValidationError(
                f"Le fichier « {upload.name} » n'est pas un texte valide.", code="bad_content"
            )
    elif not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            f"Le contenu du fichier « {upload.name} » ne correspond pas à son extension {ext}.",
            code="bad_content",
        )
