"""Abstract bases of the core: timestamps. The scoped bases (a row's site, entity or département, and
`scope_path`) live with the access rule in `sites/scoped.py`."""

import uuid

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


def _import_file(instance, filename):
    # Each background import keeps its upload apart until it has run (then the file is deleted).
    return f"imports/{uuid.uuid4().hex}/{filename[-100:]}"


class ImportRecord(models.Model):
    """One spreadsheet imported into one target: the same file (by its SHA-256) is imported once.

    The conditional unique constraint is what makes two simultaneous imports of one file create their rows
    once: the second transaction waits on the first's insert, then fails and rolls back
    (qualipref.uploads.ImportKey). A refused or failed import frees the key: the same file, once the
    missing site or agent exists, may be imported again.

    A large file runs in the background (qualipref.imports): the row is created queued with the stored
    upload, a Celery task validates then saves every row (all or nothing) and records its progress, the
    row-by-row errors or the counts; the page that submitted it polls the row.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminé"
        REFUSED = "refused", "Refusé (erreurs dans le fichier)"
        FAILED = "failed", "Échec"

    # The statuses that hold the key: a second import of the same file is refused while one of them stands.
    HOLDING = (Status.QUEUED, Status.RUNNING, Status.DONE)
    STATUS_BADGES = {
        Status.QUEUED: "secondary",
        Status.RUNNING: "info",
        Status.DONE: "success",
        Status.REFUSED: "danger",
        Status.FAILED: "danger",
    }

    kind = models.CharField("import", max_length=40)
    target = models.CharField("cible", max_length=80, blank=True)
    digest = models.CharField("empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField("importé le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    rows_created = models.PositiveIntegerField("lignes créées", default=0)
    rows_unchanged = models.PositiveIntegerField("lignes déjà présentes", default=0)
    rows_updated = models.PositiveIntegerField("lignes mises à jour", default=0)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.DONE)
    progress = models.PositiveSmallIntegerField("avancement (%)", default=100)
    total = models.PositiveIntegerField("lignes du fichier", default=0)
    message = models.CharField("étape", max_length=255, blank=True)
    params = models.JSONField("cible (identifiants)", default=dict, blank=True)
    errors = models.JSONField("erreurs par ligne", default=list, blank=True)
    file = models.FileField("fichier en attente", upload_to=_import_file, blank=True, max_length=255)
    filename = models.CharField("nom du fichier", max_length=255, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        verbose_name = "import de fichier"
        verbose_name_plural = "imports de fichiers"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target", "digest"],
                condition=models.Q(status__in=["queued", "running", "done"]),
                name="import_record_unique_file",
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="import_record_progress_max"),
        ]

    def __str__(self):
        return f"{self.kind} {self.target} {self.digest[:12]}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("imports:run_detail", args=[self.pk])

    @property
    def badge(self):
        return self.STATUS_BADGES[self.status]

    @property
    def is_finished(self):
        return self.status not in (self.Status.QUEUED, self.Status.RUNNING)


class JobRun(models.Model):
    """The last run of one periodic task (Celery beat), recorded by the worker (qualipref.jobs): the
    administrator's home page shows it, so a scheduler that does not run is seen."""

    task = models.CharField("tâche", max_length=100, unique=True)
    started_at = models.DateTimeField("dernier lancement")
    finished_at = models.DateTimeField("fin", null=True, blank=True)
    succeeded = models.BooleanField("réussie", null=True)
    error = models.CharField("erreur", max_length=300, blank=True)

    class Meta:
        verbose_name = "exécution de tâche planifiée"
        verbose_name_plural = "exécutions de tâches planifiées"

    def __str__(self):
        return f"{self.task} {self.started_at:%Y-%m-%d %H:%M}"


class DataVersion(models.Model):
    """A counter per département, bumped after every transaction that wrote data of that département
    (`qualipref.versions`; id 0: a write that may concern every département). A figure cached for a user
    is stored under the sum of the counters of their départements and of 0 (`qualipref.versions.stamp`):
    any such write changes the sum, so the cached value is never read again. Kept in the database, not in
    the cache, so that every process (web workers, Celery) sees the same counter whatever the cache backend
    (in-process by default).

    `department_id` is a plain integer: the core knows no département model (it is the layer below
    `sites`)."""

    department_id = models.BigIntegerField("département", unique=True)
    version = models.BigIntegerField("version", default=0)

    class Meta:
        verbose_name = "version des données"
        verbose_name_plural = "versions des données"

    def __str__(self):
        return f"{self.department_id}: {self.version}"
