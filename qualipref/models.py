"""Abstract bases of the core: timestamps. The scoped bases (a row's site, entity or département, and
`scope_path`) live with the access rule in `sites/scoped.py`."""

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


class ImportRecord(models.Model):
    """One spreadsheet imported into one target: the same file (by its SHA-256) is imported once.

    The unique constraint is what makes two simultaneous imports of one file create their rows once: the
    second transaction waits on the first's insert, then fails and rolls back (qualipref.uploads.ImportKey).
    """

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

    class Meta:
        verbose_name = "import de fichier"
        verbose_name_plural = "imports de fichiers"
        constraints = [
            models.UniqueConstraint(fields=["kind", "target", "digest"], name="import_record_unique_file"),
        ]

    def __str__(self):
        return f"{self.kind} {self.target} {self.digest[:12]}"


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
