"""Where an action comes from: for each origin kind, the source model, its scope and what it pre-fills.

The source apps never import this app (they reach their actions through the reverse relation);
this app imports their models plainly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from audits.models import Audit, Finding
from complaints.models import Correspondence
from steering.models import Decision
from surveys.models import SurveyUnit, UnitPoint

from .models import ORIGIN_FIELDS


@dataclass(frozen=True)
class OriginKind:
    kind: str
    model: type[models.Model]
    label: str
    select_related: tuple[str, ...] = field(default_factory=tuple)

    def model_class(self) -> type[models.Model]:
        return self.model


KINDS = {
    "finding": OriginKind("finding", Finding, "Constat d'audit", ("audit", "entity", "site", "module")),
    "audit": OriginKind("audit", Audit, "Audit ou auto-évaluation", ("entity",)),
    "survey_unit": OriginKind("survey_unit", SurveyUnit, "Résultats d'enquête", ("site__entity", "campaign")),
    "survey_point": OriginKind(
        "survey_point", UnitPoint, "Point de vigilance", ("unit__site__entity", "unit__campaign")
    ),
    "request": OriginKind("request", Correspondence, "Réclamation", ("site__entity",)),
    "decision": OriginKind("decision", Decision, "Décision du COPIL", ("meeting", "department")),
}


def available_kinds() -> list[str]:
    """The origin kinds whose link exists (the FK is declared on Action)."""
    return [k for k in KINDS if k in ORIGIN_FIELDS]


def load(kind: str, pk) -> object | None:
    """The source object of `kind` with id `pk`, or None (unknown kind, bad id, missing row)."""
    spec = KINDS.get(kind)
    model = spec.model_class() if spec and kind in ORIGIN_FIELDS else None
    if model is None:
        return None
    try:
        return model._base_manager.select_related(*spec.select_related).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def scope_of(kind: str, obj) -> tuple[int | None, int | None, list[int]]:
    """(entity id or None, department id, site ids) of a source object."""
    if kind == "finding":
        department_id = obj.department_id
        return obj.entity_id, department_id, [obj.site_id] if obj.site_id else []
    if kind == "audit":
        return obj.entity_id, obj.entity.department_id, []
    if kind == "survey_unit":
        return obj.site.entity_id, obj.site.entity.department_id, [obj.site_id]
    if kind == "survey_point":
        site = obj.unit.site
        return site.entity_id, site.entity.department_id, [site.id]
    if kind == "request":
        return obj.site.entity_id, obj.site.entity.department_id, [obj.site_id]
    if kind == "decision":
        return None, obj.department_id, []
    raise ValueError(kind)


def readable_by(kind: str, obj, user) -> bool:
    """Whether the user may read the source object (the pre-filled form must not leak another scope)."""
    from sites.access import allows

    return allows(user, obj)


def prefill(kind: str, obj) -> dict:
    """Initial values of a new action created from this source."""
    entity_id, _department_id, site_ids = scope_of(kind, obj)
    data = {"origin_kind": kind, "origin_id": obj.pk, "sites": site_ids}
    if entity_id:
        data["entity"] = entity_id
    if kind == "finding":
        data |= {
            "title": f"Traiter le constat : {obj.title}"[:300],
            "module": obj.module_id,
            "engagement": obj.engagement_id,
            "category": "compliance" if obj.finding_type.code.endswith("nonconformity") else "improvement",
        }
    elif kind == "audit":
        data |= {"title": f"Suite à : {obj.title}"[:300]}
    elif kind == "survey_unit":
        data |= {"title": f"Améliorer la satisfaction : {obj.name}"[:300]}
    elif kind == "survey_point":
        data |= {"title": f"Point de vigilance : {obj.text}"[:300]}
    elif kind == "request":
        data |= {
            "title": f"Suite à la réclamation {obj.reference} : {obj.subject}"[:300],
            "category": "improvement",
        }
    elif kind == "decision":
        data |= {"title": obj.text[:300]}
        if obj.owner_id:
            data["owner"] = obj.owner_id
        if obj.due_on:
            data["due_on"] = obj.due_on
    return data


def describe(kind: str, obj) -> str:
    spec = KINDS[kind]
    if kind == "finding":
        return f"{spec.label} : {obj.title}"
    if kind == "request":
        return f"{spec.label} {obj.reference} : {obj.subject}"
    return f"{spec.label} : {obj}"
