"""Abstract bases that give every domain row its scope (site, entity or département) and timestamps.

Access is one filter everywhere: `Model.objects.for_user(user)` keeps the rows of the scope the user
may read (see `sites.access`, the rule, in the same layer).
"""

from django.db import models
from simple_history.models import HistoricalRecords

from qualipref.models import TimeStampedModel


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, *, write=False, perm=None):
        from .access import scope_for  # access reads sites.models, whose managers are defined here

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
