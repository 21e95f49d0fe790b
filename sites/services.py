"""Every write on the organisation: entities, sites and reception points (created and edited by the
département's quality manager), one row at a time or from the organisation spreadsheet."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction

from .models import Entity, ReceptionPoint, Site

SITE_CODE_TAKEN = (
    "Le code de site « {code} » est déjà utilisé (les codes de site sont uniques dans toute l'application) : "
    "choisissez-en un autre."
)
ENTITY_CODE_TAKEN = "Le code d'entité « {code} » est déjà utilisé dans ce département."
POINT_CODE_TAKEN = "Le code « {code} » est déjà utilisé par un autre point d'accueil de ce site."

ENTITY_FIELDS = ("code", "name", "short_name", "kind", "order")
SITE_FIELDS = (
    "entity",
    "code",
    "name",
    "address",
    "postal_code",
    "city",
    "phone",
    "email",
    "opening_hours",
    "peak_hours",
    "notes",
    "order",
)
POINT_FIELDS = ("code", "name", "phone", "email", "appointment_url", "opening_hours", "order")


def _save(obj, by) -> None:
    obj._history_user = by if getattr(by, "pk", None) else None
    obj.full_clean()
    obj.save()


def _set(obj, fields: dict, allowed) -> bool:
    """Set the allowed fields that differ; True when something changed (so an unchanged row writes no
    history)."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    changed = False
    for name, value in fields.items():
        if _current(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _current(obj, name):
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:  # a foreign key not set yet
        return None


def _check_site_code(site: Site) -> None:
    if Site.objects.filter(code=site.code).exclude(pk=site.pk).exists():
        raise ValidationError({"code": SITE_CODE_TAKEN.format(code=site.code)})


def entity_code_taken(department_id, code, *, exclude_pk=None) -> str | None:
    """The French message when `code` already names another entity of the département."""
    taken = Entity.objects.filter(department_id=department_id, code=code).exclude(pk=exclude_pk)
    return ENTITY_CODE_TAKEN.format(code=code) if taken.exists() else None


def _check_entity_code(entity: Entity) -> None:
    message = entity_code_taken(entity.department_id, entity.code, exclude_pk=entity.pk)
    if message:
        raise ValidationError({"code": message})


@transaction.atomic
def entity_create(*, department, by, **fields) -> Entity:
    entity = Entity(department=department)
    _set(entity, fields, ENTITY_FIELDS)
    _check_entity_code(entity)
    _save(entity, by)
    return entity


@transaction.atomic
def entity_update(*, entity: Entity, by, **fields) -> Entity:
    if _set(entity, fields, ENTITY_FIELDS):
        _check_entity_code(entity)
        _save(entity, by)
    return entity


@transaction.atomic
def site_create(*, by, **fields) -> Site:
    if fields.get("entity") is None:
        raise ValidationError({"entity": "Choisissez l'entité à laquelle le site appartient."})
    site = Site()
    _set(site, fields, SITE_FIELDS)
    _check_site_code(site)
    _save(site, by)
    return site


@transaction.atomic
def site_update(*, site: Site, by, **fields) -> Site:
    if fields.get("entity", site.entity) is None:
        raise ValidationError({"entity": "Choisissez l'entité à laquelle le site appartient."})
    if "entity" in fields and fields["entity"].department_id != site.entity.department_id:
        raise ValidationError({"entity": "Un site ne change pas de département."})
    if _set(site, fields, SITE_FIELDS):
        _check_site_code(site)
        _save(site, by)
    return site


def _check_point_code(point: ReceptionPoint) -> None:
    taken = ReceptionPoint.objects.filter(site_id=point.site_id, code=point.code).exclude(pk=point.pk)
    if taken.exists():
        raise ValidationError({"code": POINT_CODE_TAKEN.format(code=point.code)})


@transaction.atomic
def reception_point_create(*, site: Site, by, **fields) -> ReceptionPoint:
    point = ReceptionPoint(site=site)
    _set(point, fields, POINT_FIELDS)
    _check_point_code(point)
    _save(point, by)
    return point


@transaction.atomic
def reception_point_update(*, point: ReceptionPoint, by, **fields) -> ReceptionPoint:
    if _set(point, fields, POINT_FIELDS):
        _check_point_code(point)
        _save(point, by)
    return point
