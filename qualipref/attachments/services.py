from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Attachment
from .validators import validate_upload


@transaction.atomic
def attachment_add(*, parent, by, upload=None, url: str = "", description: str = "") -> Attachment:
    """Attach an uploaded file (validated: size, extension and content) or a link to `parent`."""
    # The description and the link come straight from request.POST in some views: PostgreSQL refuses NUL.
    if "\x00" in (description or "") or "\x00" in (url or ""):
        raise ValidationError(
            "La description ou le lien contient un caractère nul : retirez-le.", code="null"
        )
    if upload is not None:
        if "\x00" in upload.name:
            raise ValidationError("Le nom du fichier contient un caractère nul : renommez-le.", code="null")
        validate_upload(upload)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(parent),
        object_id=parent.pk,
        url=url,
        original_name=(upload.name[:255] if upload is not None else ""),
        size=(upload.size if upload is not None else 0),
        description=description,
        uploaded_by=by,
    )
    if upload is not None:
        attachment.file.save(upload.name, upload, save=False)
    attachment.full_clean()
    attachment.save()
    return attachment


def attachments_for(obj):
    return list(
        Attachment.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("uploaded_by")
    )
