"""Abstract bases that give every domain row its scope (site, entity or département) and timestamps.

Each base declares `scope_path`, how its rows reach their site, entity or département; who may read or
write them is decided by `sites.access` (the rule, in the same layer) from that declaration alone
(`visible(user, Model.objects)`, `writable(user, qs)`). A model whose rows reach their scope another
way declares its own `scope_path`.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from qualipref.models import TimeStampedModel


class SiteScopedModel(TimeStampedModel):
    """A row that belongs to one site."""

    scope_path = "site"
    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, verbose_name="site")

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class EntityScopedModel(TimeStampedModel):
    """A row that belongs to one labelled entity (préfecture or sous-préfecture)."""

    scope_path = "entity"
    entity = models.ForeignKey("sites.Entity", on_delete=models.PROTECT, verbose_name="entité")

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class DepartmentScopedModel(TimeStampedModel):
    """A row that belongs to a whole département (`NARROWED` rows may be narrowed to an entity or a site)."""

    NARROWED = ("department", "entity", "site")

    scope_path = "department"
    department = models.ForeignKey("sites.Department", on_delete=models.PROTECT, verbose_name="département")

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
