from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Notice(models.Model):
    """One reminder about one item, at one level, for one person: recorded so that it is sent only once.

    The unique constraint makes a second (or concurrent) sweep unable to insert the same notice again;
    the digest claims unsent notices with a conditional UPDATE before sending them.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="type d'élément")
    object_id = models.PositiveBigIntegerField("identifiant de l'élément")
    item = GenericForeignKey("content_type", "object_id")
    level = models.CharField(
        "niveau", max_length=40, help_text="Par exemple due_soon, overdue, escalation_referent."
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name="destinataire",
    )
    department = models.ForeignKey(
        "sites.Department", on_delete=models.CASCADE, related_name="notices", verbose_name="département"
    )
    title = models.CharField("objet", max_length=255)
    detail = models.CharField("détail", max_length=255, blank=True)
    url = models.CharField("lien", max_length=255, blank=True)
    due_on = models.DateField("échéance", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    claimed_at = models.DateTimeField("prise en charge le", null=True, blank=True)
    claim_token = models.CharField(max_length=36, blank=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)

    class Meta:
        verbose_name = "relance"
        verbose_name_plural = "relances"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "level", "recipient"],
                name="notice_once_per_item_level_recipient",
            ),
        ]
        indexes = [
            # the digest: unsent notices of one recipient
            models.Index(fields=["recipient", "sent_at"], name="notice_recipient_unsent"),
            # an item's detail page: the notices about it
            models.Index(fields=["content_type", "object_id"], name="notice_item"),
        ]

    def __str__(self):
        return f"{self.title} → {self.recipient} ({self.level})"
