"""Abstract bases of the core: timestamps. The scoped bases (a row's site, entity or département, and
`scope_path`) live with the access rule in `sites/scoped.py`."""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True
