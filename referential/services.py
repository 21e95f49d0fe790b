"""Writes on the label's scope: which modules of which referential each entity works under."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import switch
from .models import LabelScope, Module, Referential

ERR_MODULE = "Choisissez des modules du référentiel « {referential} »."


@transaction.atomic
def label_scope_set(
    *, entity, referential: Referential, module_ids, by, today: dt.date | None = None
) -> tuple[int, int]:
    """Put `entity` under `referential` with its mandatory modules and the chosen optional ones.

    An entity under another referential is moved (its scopes there end today, the history stays: see
    `switch.apply`); a module added opens in preparation; an optional module removed ends today (or
    disappears when it was added today). Returns (modules added, modules removed)."""
    today = today or timezone.localdate()
    modules = {m.pk: m for m in Module.objects.filter(referential=referential)}
    wanted = {int(pk) for pk in module_ids}
    if not wanted <= set(modules):
        raise ValidationError(ERR_MODULE.format(referential=referential))
    wanted |= {pk for pk, m in modules.items() if m.mandatory}
    current = list(LabelScope.objects.filter(entity=entity).current(today).select_related("module"))
    if any(s.module.referential_id != referential.pk for s in current):
        switch.apply(entities=[entity], target=referential, by=by, today=today)
        current = list(LabelScope.objects.filter(entity=entity).current(today).select_related("module"))
    held = {s.module_id: s for s in current}
    added = removed = 0
    for pk in sorted(wanted - set(held)):
        scope = LabelScope.objects.filter(entity=entity, module_id=pk).first() or LabelScope(
            entity=entity, module_id=pk
        )
        scope.status, scope.started_on, scope.ended_on = LabelScope.Status.PREPARING, today, None
        scope.awarded_on = scope.valid_until = scope.next_audit_on = None
        scope._history_user = by
        scope.full_clean()
        scope.save()
        added += 1
    for pk, scope in held.items():
        if pk in wanted:
            continue
        scope._history_user = by
        if scope.started_on and scope.started_on >= today:
            scope.delete()
        else:
            scope.ended_on = today
            scope.save(update_fields=["ended_on", "updated_at"])
        removed += 1
    return added, removed
