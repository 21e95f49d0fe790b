"""Public results: a snapshot is a deliberate, frozen publication of a site's figures.

The public pages read only published snapshots and their figure rows, never the live data of the other
apps: once published, a figure does not move when the underlying data changes.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from qualipref.workflow import Workflow
from sites.scoped import SiteScopedModel


class Snapshot(SiteScopedModel):
    """A set of figures of one site, prepared as a draft, then published (or withdrawn) by a referent."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        PUBLISHED = "published", "Publiée"
        WITHDRAWN = "withdrawn", "Retirée"

    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.DRAFT)
    period_start = models.DateField(
        "début de la période", help_text="Période des réclamations et des indicateurs mesurés."
    )
    period_end = models.DateField("fin de la période")
    period_label = models.CharField("période", max_length=100)
    campaign = models.ForeignKey(
        "surveys.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enquête de satisfaction",
    )
    note = models.TextField(
        "message au public",
        blank=True,
        max_length=1000,
        help_text="Affiché sur la page publique (facultatif).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="préparée par",
    )
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="publiée par",
    )
    status_changed_at = models.DateTimeField("statut modifié le", null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="statut modifié par",
    )

    STATUS_BADGES = {Status.DRAFT: "secondary", Status.PUBLISHED: "success", Status.WITHDRAWN: "warning"}

    class Meta:
        verbose_name = "publication"
        verbose_name_plural = "publications"
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="snapshot_period_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="snapshot_published_has_date",
            ),
        ]
        indexes = [
            # the public pages: a site's published snapshots, latest first
            models.Index(fields=["site", "status", "published_at"], name="snapshot_site_status_published"),
        ]

    def __str__(self):
        return f"{self.site} · {self.period_label} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("publication_admin:snapshot_detail", args=[self.pk])

    @property
    def badge(self):
        return self.STATUS_BADGES[self.status]

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


WORKFLOW = Workflow(
    {
        Snapshot.Status.DRAFT: {Snapshot.Status.PUBLISHED},
        Snapshot.Status.PUBLISHED: {Snapshot.Status.WITHDRAWN},
        Snapshot.Status.WITHDRAWN: {Snapshot.Status.PUBLISHED},
    },
    labels=dict(Snapshot.Status.choices),
)


class Section(models.TextChoices):
    SATISFACTION = "satisfaction", "Satisfaction des usagers"
    COMPLAINTS = "complaints", "Réponse aux réclamations"
    PHONE = "phone", "Accueil téléphonique"
    WAITING = "waiting", "Attente au guichet"


class SnapshotFigure(models.Model):
    """One frozen figure of a snapshot (a row of the open-data files)."""

    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.CASCADE, related_name="figures", verbose_name="publication"
    )
    section = models.CharField("rubrique", max_length=20, choices=Section.choices)
    indicator_code = models.SlugField("code de l'indicateur", max_length=80)
    label = models.CharField("indicateur", max_length=200)
    scope_label = models.CharField(
        "périmètre", max_length=200, blank=True, help_text="Le point d'accueil ou l'unité enquêtée."
    )
    period_label = models.CharField("période", max_length=100)
    value = models.DecimalField("valeur", max_digits=10, decimal_places=2)
    unit = models.CharField("unité", max_length=20)
    basis = models.CharField("base de calcul", max_length=200, blank=True)
    source = models.CharField("source", max_length=300)
    previous_value = models.DecimalField(
        "valeur précédente", max_digits=10, decimal_places=2, null=True, blank=True
    )
    previous_period_label = models.CharField("période précédente", max_length=100, blank=True)
    order = models.PositiveIntegerField("ordre", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "chiffre publié"
        verbose_name_plural = "chiffres publiés"
        ordering = ["snapshot", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "indicator_code", "scope_label"], name="snapshot_figure_unique"
            ),
        ]

    def __str__(self):
        return f"{self.label} : {self.value} {self.unit}"
