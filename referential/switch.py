"""Move entities to another referential: preview what changes (through the crosswalk), then apply it in
one transaction. The past keeps its referential: the scopes left are ended, never deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .crosswalk import counterparts
from .models import Engagement, LabelScope, Module, Referential

ERR_NO_ENTITY = "Choisissez au moins une entité de votre périmètre."
ERR_NO_MODULE = (
    "Le référentiel « {target} » n'a aucun module obligatoire : l'entité resterait sans référentiel. "
    "Rien n'a été modifié."
)
ERR_ALREADY = "{entity} travaille déjà sous « {target} »."


@dataclass
class Preview:
    target: Referential
    entities: list
    modules: list[Module] = field(default_factory=list)
    leaving: list[LabelScope] = field(default_factory=list)
    new_engagements: list[Engagement] = field(default_factory=list)
    mapped: list[tuple[str, list[Engagement]]] = field(default_factory=list)
    survey_criteria: list[tuple[str, str, list[Engagement]]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def preview(*, entities, target: Referential, today: dt.date | None = None) -> Preview:
    today = today or timezone.localdate()
    entities = list(entities)
    result = Preview(target=target, entities=entities)
    result.modules = list(Module.objects.filter(referential=target, mandatory=True).order_by("number"))
    if not entities:
        result.errors.append(ERR_NO_ENTITY)
    if not result.modules:
        result.errors.append(ERR_NO_MODULE.format(target=target))
    scopes = list(
        LabelScope.objects.filter(entity__in=entities)
        .current(today)
        .select_related("entity", "module__referential")
        .order_by("entity__name", "module__number")
    )
    for entity in entities:
        held = [s for s in scopes if s.entity_id == entity.pk]
        if held and all(s.module.referential_id == target.pk for s in held):
            result.errors.append(ERR_ALREADY.format(entity=entity.name, target=target))
    result.leaving = [s for s in scopes if s.module.referential_id != target.pk]

    # What the items of the modules left (self-assessment items, engagements) become, via the crosswalk.
    module_ids = {s.module_id for s in result.leaving}
    engagements = list(Engagement.objects.filter(module_id__in=module_ids).select_related("module"))
    links = counterparts(engagement_ids=[e.pk for e in engagements], module_ids=module_ids)
    reached = set()
    for module_id in sorted(module_ids):
        module = next(s.module for s in result.leaving if s.module_id == module_id)
        targets = [lk.target_engagement for lk in links.get(("module", module_id), []) if _in(lk, target)]
        if not any(e.module_id == module_id for e in engagements):
            result.mapped.append((f"Module {module.number} – {module.title}", _unique(targets)))
        reached |= {e.pk for e in targets}
    for engagement in sorted(engagements, key=lambda e: (e.module.number, e.order, e.code)):
        targets = [
            lk.target_engagement for lk in links.get(("engagement", engagement.pk), []) if _in(lk, target)
        ]
        result.mapped.append((f"{engagement.code} – {engagement.title}", _unique(targets)))
        reached |= {e.pk for e in targets}
    result.new_engagements = [
        e
        for e in Engagement.objects.filter(module__in=result.modules).order_by("module__number", "order")
        if e.pk not in reached
    ]

    # This year's survey criteria tied to an engagement that is left, read through the engagements'
    # reverse relation (surveys sits above the referential and is not imported here).
    departments = {e.department_id for e in entities}
    criteria = list(
        Engagement.objects.filter(
            module_id__in=module_ids,
            survey_criteria__campaign__department_id__in=departments,
            survey_criteria__campaign__year=today.year,
        )
        .order_by("survey_criteria__campaign__name", "survey_criteria__pk")
        .values_list("pk", "code", "survey_criteria__campaign__name", "survey_criteria__label")
    )
    crit_links = counterparts(engagement_ids=[engagement_id for engagement_id, *_ in criteria])
    for engagement_id, code, campaign_name, label in criteria:
        targets = [
            lk.target_engagement
            for lk in crit_links.get(("engagement", engagement_id), [])
            if _in(lk, target)
        ]
        result.survey_criteria.append((f"{campaign_name} : {label}", code, _unique(targets)))
    return result


def _in(link, target) -> bool:
    return link.target_engagement.module.referential_id == target.pk


def _unique(engagements):
    seen, out = set(), []
    for e in engagements:
        if e.pk not in seen:
            seen.add(e.pk)
            out.append(e)
    return out


@transaction.atomic
def apply(*, entities, target: Referential, by, today: dt.date | None = None) -> Preview:
    """End the scopes of the referential left and open the target's mandatory modules (in preparation)."""
    today = today or timezone.localdate()
    result = preview(entities=entities, target=target, today=today)
    if result.errors:
        raise ValidationError(result.errors)
    for scope in result.leaving:
        scope._history_user = by
        if scope.started_on and scope.started_on >= today:
            scope.delete()  # entered today by mistake: nothing to keep
            continue
        scope.ended_on = today
        scope.save(update_fields=["ended_on", "updated_at"])
    for entity in result.entities:
        for module in result.modules:
            LabelScope.objects.update_or_create(
                entity=entity,
                module=module,
                defaults={
                    "status": LabelScope.Status.PREPARING,
                    "started_on": today,
                    "ended_on": None,
                    "awarded_on": None,
                    "valid_until": None,
                    "next_audit_on": None,
                },
            )
    return result
