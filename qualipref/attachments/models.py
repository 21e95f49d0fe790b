import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse


def _upload_to(instance, filename):
    # A random name: the original name is kept in a field and never used as a path.
    return f"attachments/{instance.content_type.app_label}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Attachment(models.Model):
    """A file or link attached to a domain row (a request, an action's evidence, meeting minutes…).

    It is served only to users who may read its parent object (see views.download).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    parent = GenericForeignKey("content_type", "object_id")
    file = models.FileField("fichier", upload_to=_upload_to, blank=True)
    url = models.URLField("lien", blank=True)
    original_name = models.CharField("nom du fichier", max_length=255, blank=True)
    size = models.PositiveBigIntegerField("taille (octets)", default=0)
    description = models.CharField("description", max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="déposé par",
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["uploaded_at"]
        indexes = [
            # a parent's detail page lists its attachments
            models.Index(fields=["content_type", "object_id"], name="attachment_parent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url=""), name="attachment_has_file_or_link"
            ),
        ]

    def __str__(self):
        return self.original_name or self.url

    def get_absolute_url(self):
        return self.url or reverse("attachments:download", args=[self.pk])
