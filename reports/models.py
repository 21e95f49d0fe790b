import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from sites.scoped import DepartmentScopedModel


def _run_file(instance, filename):
    # Each run keeps its own file: a later run never overwrites an earlier one.
    return f"reports/{instance.department_id}/{instance.kind}/{uuid.uuid4().hex}/{filename}"


class ReportRun(DepartmentScopedModel):
    """One generation of a document (annual report, committee pack…): its state, progress and file.

    The page that asked for it polls this row; the file is kept and downloadable later.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "En attente"
        GATHERING = "gathering", "Collecte des données"
        RENDERING = "rendering", "Mise en page"
        DONE = "done", "Terminé"
        FAILED = "failed", "Échec"

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel"

    kind = models.CharField("document", max_length=40)
    params = models.JSONField("paramètres", default=dict, blank=True)
    output_format = models.CharField("format", max_length=10, choices=Format.choices, default=Format.PDF)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=0)
    message = models.CharField("étape", max_length=255, blank=True)
    error = models.TextField("motif de l'échec", blank=True)
    file = models.FileField("fichier", upload_to=_run_file, blank=True)
    filename = models.CharField("nom du fichier", max_length=255, blank=True)
    page_count = models.PositiveIntegerField("nombre de pages", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="demandé par",
    )
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    STATUS_BADGES = {
        Status.QUEUED: "secondary",
        Status.GATHERING: "info",
        Status.RENDERING: "info",
        Status.DONE: "success",
        Status.FAILED: "danger",
    }

    class Meta:
        verbose_name = "génération de document"
        verbose_name_plural = "générations de documents"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="report_run_progress_max_100"),
        ]
        indexes = [
            # the list of earlier runs of one kind in a département
            models.Index(fields=["department", "kind", "-created_at"], name="report_run_history"),
        ]

    def __str__(self):
        return f"{self.kind} · {self.params} · {self.get_status_display()}"

    @property
    def badge(self):
        return self.STATUS_BADGES[self.status]

    @property
    def is_finished(self):
        return self.status in {self.Status.DONE, self.Status.FAILED}

    def get_absolute_url(self):
        return reverse("reports:run_detail", args=[self.pk])
