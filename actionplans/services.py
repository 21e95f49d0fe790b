"""Every write of action plans and actions: validated, atomic, recorded (who and when)."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import origins, rules
from .models import (
    DUPLICATE_ACTION,
    ERR_APPROVED_WITHOUT_DATE,
    ERR_ENGAGEMENT_MODULE,
    ERR_ORIGIN_MISSING,
    ERR_ORIGIN_OTHER_DEPARTMENT,
    ERR_ORIGIN_OTHER_ENTITY,
    ERR_PLAN_OTHER_ENTITY,
    ERR_SITE_OTHER_ENTITY,
    ORIGIN_FIELDS,
    Action,
    ActionComment,
    ActionPlan,
)

ERR_OWNER_OTHER_DEPARTMENT = "Le pilote doit être affecté au département de l'action."

logger = logging.getLogger(__name__)


def _finding_follows(finding_ids, by) -> None:
    """Let audits move the findings behind actions (open → action planned → action done)."""
    from audits.models import Finding
    from audits.services import finding_actions_changed

    for finding in Finding.objects.filter(pk__in=[i for i in finding_ids if i]).select_related(
        "finding_type"
    ):
        try:
            finding_actions_changed(finding=finding, by=by)
        except ValidationError as error:  # the finding's own workflow refuses: leave it as it is
            logger.info("Finding %s not moved: %s", finding.pk, error.messages)


# ---- plans --------------------------------------------------------------------------------------------


def plan_get_or_create(*, entity, year: int, by=None) -> ActionPlan:
    plan = ActionPlan.objects.filter(entity=entity, year=year).first()
    if plan is None:
        plan = ActionPlan(entity=entity, year=year)
        plan.full_clean()
        plan.save()
    return plan


@transaction.atomic
def plan_create(*, entity, year: int, by, title: str = "", notes: str = "") -> ActionPlan:
    plan = ActionPlan(entity=entity, year=year, title=title, notes=notes)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, plan: ActionPlan, by, **fields) -> ActionPlan:
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_transition(
    *,
    plan: ActionPlan,
    target: str,
    by,
    approved_on: dt.date | None = None,
    approved_by_committee: str = "",
    closed_on: dt.date | None = None,
) -> ActionPlan:
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    ActionPlan.WORKFLOW.check(plan.status, target)
    if target == ActionPlan.Status.APPROVED and plan.status == ActionPlan.Status.DRAFT:
        if approved_on is None:
            raise ValidationError({"approved_on": ERR_APPROVED_WITHOUT_DATE})
        plan.approved_on = approved_on
        plan.approved_by_committee = approved_by_committee or plan.approved_by_committee
    if target == ActionPlan.Status.CLOSED:
        plan.closed_on = closed_on or timezone.localdate()
    if target == ActionPlan.Status.DRAFT:
        plan.approved_on = None
    if target == ActionPlan.Status.APPROVED and plan.status == ActionPlan.Status.CLOSED:
        plan.closed_on = None
    plan.status = target
    plan.status_changed_at, plan.status_changed_by = timezone.now(), by
    plan._change_reason = f"Statut : {ActionPlan.Status(target).label}"
    plan.full_clean()
    plan.save()
    return plan


# ---- actions ------------------------------------------------------------------------------------------


def _check_links(action: Action, sites, origin) -> None:
    """Sites, plan, engagement and origin must belong to the action's entity (French messages)."""
    errors = {}
    for site in sites or ():
        if site.entity_id != action.entity_id:
            errors.setdefault("sites", ERR_SITE_OTHER_ENTITY.format(site=site))
    if action.plan_id and action.plan.entity_id != action.entity_id:
        errors["plan"] = ERR_PLAN_OTHER_ENTITY
    if action.engagement_id and action.module_id and action.engagement.module_id != action.module_id:
        errors["engagement"] = ERR_ENGAGEMENT_MODULE
    if action.origin_kind in ORIGIN_FIELDS:
        if origin is None:
            errors["origin_kind"] = ERR_ORIGIN_MISSING
        else:
            entity_id, department_id, _sites = origins.scope_of(action.origin_kind, origin)
            if department_id != action.entity.department_id:
                errors["origin_kind"] = ERR_ORIGIN_OTHER_DEPARTMENT
            elif entity_id is not None and entity_id != action.entity_id:
                errors["origin_kind"] = ERR_ORIGIN_OTHER_ENTITY.format(entity=action.entity)
    if errors:
        raise ValidationError(errors)


def _set_origin(action: Action, origin_kind: str, origin) -> None:
    for field in ORIGIN_FIELDS.values():
        setattr(action, f"{field}_id", None)
    action.origin_kind = origin_kind or Action.OriginKind.FREE_TEXT
    if action.origin_kind in ORIGIN_FIELDS and origin is not None:
        setattr(action, ORIGIN_FIELDS[action.origin_kind], origin)


def _check_owner(action: Action, users) -> None:
    from sites.models import Membership

    department_id = action.entity.department_id
    ids = {u.pk for u in users if u is not None}
    allowed = set(
        Membership.objects.filter(user_id__in=ids, department_id=department_id).values_list(
            "user_id", flat=True
        )
    )
    if action.owner_id and action.owner_id not in allowed and not action.owner.is_superuser:
        raise ValidationError({"owner": ERR_OWNER_OTHER_DEPARTMENT})


@transaction.atomic
def action_create(
    *,
    by,
    entity,
    title: str,
    owner,
    due_on: dt.date,
    sites=(),
    contributors=(),
    plan: ActionPlan | None = None,
    origin_kind: str = Action.OriginKind.FREE_TEXT,
    origin=None,
    **fields,
) -> Action:
    """Create an action in its entity's plan (the plan of `plan`, else of the due date's year)."""
    if plan is None and entity is not None and due_on is not None:
        plan = plan_get_or_create(entity=entity, year=due_on.year, by=by)
    action = Action(
        entity=entity, plan=plan, title=title, owner=owner, due_on=due_on, created_by=by, **fields
    )
    _set_origin(action, origin_kind, origin)
    errors = rules.date_errors(start_on=action.start_on, due_on=action.due_on)
    if errors:
        raise ValidationError(errors)
    action.full_clean()
    _check_links(action, sites, origin)
    _check_owner(action, [owner])
    try:
        with transaction.atomic():
            action.save()
    except IntegrityError:
        # a simultaneous save of the same action (double click, parallel import) won the race
        raise ValidationError(DUPLICATE_ACTION) from None
    action.sites.set(sites)
    action.contributors.set(contributors)
    _finding_follows([action.origin_finding_id], by)
    return action


@transaction.atomic
def action_update(
    *, action: Action, by, sites=None, contributors=None, origin_kind=None, origin=None, **fields
) -> Action:
    """Change an action's fields (not its status: see `action_transition`)."""
    for name, value in fields.items():
        setattr(action, name, value)
    if "entity" in fields and action.plan.entity_id != action.entity_id:
        action.plan = plan_get_or_create(entity=action.entity, year=action.plan.year, by=by)
    if origin_kind is not None:
        _set_origin(action, origin_kind, origin)
    else:
        origin = action.origin
    previous_finding_id = (
        Action.objects.filter(pk=action.pk).values_list("origin_finding_id", flat=True).first()
    )
    errors = rules.date_errors(start_on=action.start_on, due_on=action.due_on)
    if errors:
        raise ValidationError(errors)
    action.full_clean()
    _check_links(action, sites if sites is not None else action.sites.all(), origin)
    _check_owner(action, [action.owner])
    action.save()
    if sites is not None:
        action.sites.set(sites)
    if contributors is not None:
        action.contributors.set(contributors)
    _finding_follows({previous_finding_id, action.origin_finding_id}, by)
    return action


@transaction.atomic
def action_transition(
    *,
    action: Action,
    target: str,
    by,
    completed_on: dt.date | None = None,
    verification_note: str = "",
    cancel_reason: str = "",
    today: dt.date | None = None,
) -> Action:
    """The one place that changes an action's status: checks the map and what the target needs."""
    today = today or timezone.localdate()
    action = Action.objects.select_for_update().select_related("entity").get(pk=action.pk)
    Action.WORKFLOW.check(action.status, target)
    if target == Action.Status.DONE and completed_on is None and action.status == Action.Status.VERIFIED:
        completed_on = action.completed_on
    errors = rules.transition_errors(
        target=target,
        start_on=action.start_on,
        completed_on=completed_on if target == Action.Status.DONE else (completed_on or action.completed_on),
        verification_note=verification_note,
        cancel_reason=cancel_reason,
        today=today,
    )
    if errors:
        raise ValidationError(errors)
    if target == Action.Status.DONE:
        action.completed_on, action.progress = completed_on, 100
        action.verification_note, action.verified_on, action.verified_by = "", None, None
    elif target == Action.Status.VERIFIED:
        action.verification_note, action.verified_on, action.verified_by = (
            verification_note.strip(),
            today,
            by,
        )
    elif target == Action.Status.CANCELLED:
        action.cancel_reason = cancel_reason.strip()
    elif target in Action.OPEN_STATUSES:
        action.completed_on, action.cancel_reason = None, ""
        action.verification_note, action.verified_on, action.verified_by = "", None, None
        if action.progress == 100:
            action.progress = 90
    action.status = target
    action.status_changed_at, action.status_changed_by = timezone.now(), by
    action._change_reason = f"Statut : {Action.Status(target).label}"
    action.full_clean()
    action.save()
    _finding_follows([action.origin_finding_id], by)
    return action


@transaction.atomic
def action_progress_set(*, action: Action, progress: int, by) -> Action:
    action.progress = progress
    if action.status == Action.Status.PLANNED and progress > 0:
        Action.WORKFLOW.check(action.status, Action.Status.IN_PROGRESS)
        action.status = Action.Status.IN_PROGRESS
        action.status_changed_at, action.status_changed_by = timezone.now(), by
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_comment_add(*, action: Action, by, text: str) -> ActionComment:
    comment = ActionComment(action=action, author=by, text=text.strip())
    comment.full_clean()
    comment.save()
    return comment
