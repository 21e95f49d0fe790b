"""Invitations: how a person gets an account and a role on a département, an entity or a site.

The platform administrator invites a new département's first quality manager; a quality manager invites
the rest of the team. The e-mail carries a single-use link, valid `VALID_DAYS` days; only a hash of its
token is stored, so a copy of the database opens no account.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from qualipref.models import TimeStampedModel
from sites.models import Department, Entity, Role, Site

VALID_DAYS = 7


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Invitations still waiting to be accepted: not used, not cancelled, not expired."""
        now = now or timezone.now()
        return self.filter(used_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=now)


class Invitation(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        ACCEPTED = "accepted", "Acceptée"
        EXPIRED = "expired", "Expirée"
        CANCELLED = "cancelled", "Annulée"

    email = models.EmailField("adresse électronique")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="invitations", verbose_name="département"
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="entité"
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name="site"
    )
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField("valable jusqu'au")
    used_at = models.DateTimeField("acceptée le", null=True, blank=True)
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="invité(e) par",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name="compte",
    )

    objects = InvitationQuerySet.as_manager()

    # see sites.access: a site invitation is seen by who reads the site, and so on
    scope_path = ("department", "entity", "site")

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(site__isnull=True) | Q(entity__isnull=False),
                name="invitation_site_requires_entity",
            ),
        ]
        indexes = [
            # the team page: a département's invitations, newest first
            models.Index(fields=["department", "-created_at"], name="invitation_department_idx"),
            # "is this address already invited?" (compared lower-cased)
            models.Index(fields=["email"], name="invitation_email_idx"),
        ]

    def __str__(self):
        return f"{self.email} · {self.get_role_display()}"

    @property
    def scope_label(self) -> str:
        return str(self.site or self.entity or self.department)

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if self.used_at:
            return self.Status.ACCEPTED
        if self.cancelled_at:
            return self.Status.CANCELLED
        if self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status()).label
