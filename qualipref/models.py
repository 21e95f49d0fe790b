"""Abstract bases that give every domain row its scope (site, entity or département) and timestamps.

Access is one filter everywhere: `Model.objects.for_user(user)` keeps the rows of the scope the user
may read (see `sites.access`).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, *, write=False, perm=None):
        from sites.access import scope_for

        return scope_for(user).filter_queryset(self, write=write, perm=perm)


class SiteScopedModel(TimeStampedModel):
    """A row that belongs to one site."""

    SCOPE_LEVEL, SCOPE_FIELD = "site", "site_id"
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, verbose_name="site")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class EntityScopedModel(TimeStampedModel):
    """A row that belongs to one labelled entity (préfecture or sous-préfecture)."""

    SCOPE_LEVEL, SCOPE_FIELD = "entity", "entity_id"
    entity = models.ForeignKey("sites.Entity", on_delete=models.PROTECT, verbose_name="entité")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class DepartmentScopedModel(TimeStampedModel):
    """A row that belongs to a whole département."""

    SCOPE_LEVEL, SCOPE_FIELD = "department", "department_id"
    department = models.ForeignKey("sites.Department", on_delete=models.PROTECT, verbose_name="département")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(inherit=True)

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
