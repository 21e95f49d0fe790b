"""The register's cached figures follow the writes: every saved or deleted correspondence (request) bumps
its site's counter (`qualipref.versions`) in the writer's transaction. Writes that bypass the models' signals
(`QuerySet.update`, the retention task) call `correspondences_changed` themselves."""

from django.db.models.signals import post_delete, post_save

from qualipref import versions

from .models import Correspondence

KIND = "complaints.correspondence"


def correspondences_changed(site_ids) -> None:
    versions.bump(KIND, site_ids)


def _on_write(sender, instance, **kwargs):
    correspondences_changed([instance.site_id])


def connect() -> None:
    post_save.connect(_on_write, sender=Correspondence, dispatch_uid="complaints.request.version")
    post_delete.connect(_on_write, sender=Correspondence, dispatch_uid="complaints.request.version.delete")
