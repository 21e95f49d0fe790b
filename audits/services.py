"""Every write of the audits app: audits, plan lines, findings and their status, gap sheets,
self-assessments. Each service validates, writes in one transaction and records who did it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from referential.models import Criterion, Engagement, FindingType, LabelScope, Module
from sites.access import FINDINGS, WRITE, allows, scope_for

from . import links
from .models import (
    DUPLICATE_FINDING,
    Audit,
    AuditPlanLine,
    Finding,
    GapSheet,
    SelfAssessmentRow,
    is_nonconformity,
)

ERR_MODULE_OUT_OF_SCOPE = "Le module {number} n'est pas dans le périmètre de labellisation de {entity}."
ERR_MODULE_OTHER_REFERENTIAL = "Le module {number} n'appartient pas au référentiel de l'audit."
ERR_NO_MODULE = "Choisissez au moins un module du périmètre de labellisation."
ERR_SITE_OTHER_ENTITY = "Le site {site} n'appartient pas à {entity}."
ERR_POINT_OTHER_ENTITY = "Le point d'accueil {point} n'est pas sur un site de {entity}."
ERR_FINDING_OUT_OF_AUDIT = "Ce module n'est pas dans le périmètre de l'audit (modules audités : {modules})."
ERR_ENGAGEMENT_NOT_IN_MODULE = "Cet engagement n'appartient pas au module choisi."
ERR_CRITERION_NOT_IN_ENGAGEMENT = "Ce critère n'appartient pas à l'engagement choisi."
ERR_TYPE_OTHER_REFERENTIAL = "Ce type de constat n'appartient pas au référentiel de l'audit."
ERR_CLOSE_NEEDS_ACTION = (
    "Ce constat appelle une action : il ne peut être clos qu'avec une action liée réalisée."
)
ERR_CLOSE_NEEDS_NOTE = "Indiquez la note de vérification pour clore ce constat."
ERR_NOT_ASSIGNED = (
    "Vous n'êtes pas désigné(e) comme auditeur de cet audit : vous ne pouvez pas en saisir les constats."
)
ERR_GAP_SHEET_ONLY_NC = "Une fiche d'écart ne s'établit que pour une non-conformité."
ERR_NOT_SELF_ASSESSMENT = "Cet audit n'est pas une auto-évaluation."
ERR_CHECKLIST_INCOMPLETE = (
    "{n} ligne(s) ne sont pas encore évaluées : évaluez chaque critère avant de terminer l'auto-évaluation."
)
ERR_CHECKLIST_CLOSED = "Cette auto-évaluation est terminée : ses réponses ne peuvent plus changer."
ERR_GENERAL_NEEDS_DEPARTMENT = "Un constat général doit indiquer son département."

# What a self-assessment answer becomes when the checklist is completed (finding type codes).
SELF_ASSESSMENT_FINDING_TYPES = {
    SelfAssessmentRow.Answer.NOT_COMPLIANT: "minor_nonconformity",
    SelfAssessmentRow.Answer.PARTLY: "sensitive_point",
}


# ---- access ---------------------------------------------------------------------------------------------


def can_edit_audit(user, audit) -> bool:
    return allows(user, audit, WRITE)


def can_write_findings(user, audit) -> bool:
    """Writers of the entity may; auditors only on the audits they are assigned to."""
    scope = scope_for(user)
    if scope.allows(audit, WRITE):
        return True
    if not scope.allows(audit, FINDINGS):
        return False
    return audit.auditors.filter(pk=user.pk).exists()


def can_write_finding(user, finding) -> bool:
    """An audit's finding: as its audit says; another one (général or entity-wide): the one rule."""
    if finding.audit_id:
        return can_write_findings(user, finding.audit)
    return allows(user, finding, WRITE)


def require_findings_writer(user, audit) -> None:
    if not can_write_findings(user, audit):
        raise PermissionDenied(ERR_NOT_ASSIGNED)


# ---- helpers --------------------------------------------------------------------------------------------


def _save(obj, by):
    obj._history_user = by
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        # a simultaneous save of the same finding (double click, parallel import) won the race
        if isinstance(obj, Finding):
            raise ValidationError(DUPLICATE_FINDING) from None
        raise
    return obj


def _validate_audit_scope(audit: Audit, *, sites, modules, reception_points=()):
    errors: dict[str, list[str]] = {}
    entity = audit.entity
    for site in sites:
        if site.entity_id != audit.entity_id:
            errors.setdefault("sites", []).append(ERR_SITE_OTHER_ENTITY.format(site=site, entity=entity))
    for point in reception_points:
        if point.site.entity_id != audit.entity_id:
            errors.setdefault("reception_points", []).append(
                ERR_POINT_OTHER_ENTITY.format(point=point, entity=entity)
            )
    if not modules:
        errors.setdefault("modules", []).append(ERR_NO_MODULE)
    in_scope = set(LabelScope.objects.filter(entity_id=audit.entity_id).values_list("module_id", flat=True))
    for module in modules:
        if module.referential_id != audit.referential_id:
            errors.setdefault("modules", []).append(ERR_MODULE_OTHER_REFERENTIAL.format(number=module.number))
        elif module.pk not in in_scope:
            errors.setdefault("modules", []).append(
                ERR_MODULE_OUT_OF_SCOPE.format(number=module.number, entity=entity)
            )
    if errors:
        raise ValidationError(errors)


# ---- audits ---------------------------------------------------------------------------------------------


@transaction.atomic
def audit_create(
    *,
    entity,
    kind,
    title,
    referential,
    start_on,
    end_on,
    modules,
    by,
    sites=(),
    auditors=(),
    reception_points=(),
    **fields,
) -> Audit:
    audit = Audit(
        entity=entity,
        kind=kind,
        title=title,
        referential=referential,
        start_on=start_on,
        end_on=end_on,
        **fields,
    )
    modules, sites = list(modules), list(sites)
    _validate_audit_scope(audit, sites=sites, modules=modules, reception_points=list(reception_points))
    _save(audit, by)
    audit.modules.set(modules)
    audit.sites.set(sites or list(entity.sites.all()))
    audit.reception_points.set(list(reception_points))
    audit.auditors.set(list(auditors))
    if audit.is_self_assessment:
        self_assessment_generate_rows(audit=audit)
    return audit


@transaction.atomic
def audit_update(
    *, audit: Audit, by, modules=None, sites=None, auditors=None, reception_points=None, **fields
):
    for name, value in fields.items():
        setattr(audit, name, value)
    modules = list(audit.modules.all()) if modules is None else list(modules)
    sites = list(audit.sites.all()) if sites is None else list(sites)
    points = list(audit.reception_points.all()) if reception_points is None else list(reception_points)
    _validate_audit_scope(audit, sites=sites, modules=modules, reception_points=points)
    _save(audit, by)
    audit.modules.set(modules)
    audit.sites.set(sites)
    audit.reception_points.set(points)
    if auditors is not None:
        audit.auditors.set(list(auditors))
    if audit.is_self_assessment and audit.is_open:
        self_assessment_generate_rows(audit=audit)
    return audit


@transaction.atomic
def audit_set_status(*, audit: Audit, status: str, by) -> Audit:
    Audit.WORKFLOW.check(audit.status, status)
    audit.status = status
    audit.status_changed_at = timezone.now()
    audit.status_changed_by = by
    return _save(audit, by)


@transaction.atomic
def plan_line_add(*, audit: Audit, by, date, place, time=None, people_met="", topic="") -> AuditPlanLine:
    line = AuditPlanLine(audit=audit, date=date, time=time, place=place, people_met=people_met, topic=topic)
    return _save(line, by)


@transaction.atomic
def plan_line_delete(*, line: AuditPlanLine, by) -> None:
    line._history_user = by
    line.delete()


# ---- findings -------------------------------------------------------------------------------------------


def _validate_finding(finding: Finding, audit_module_ids: set[int] | None):
    errors: dict[str, str] = {}
    if finding.criterion_id and not finding.engagement_id:
        finding.engagement_id = finding.criterion.engagement_id
    if finding.engagement_id and not finding.module_id:
        finding.module_id = finding.engagement.module_id
    if finding.engagement_id and finding.engagement.module_id != finding.module_id:
        errors["engagement"] = ERR_ENGAGEMENT_NOT_IN_MODULE
    if finding.criterion_id and finding.criterion.engagement_id != finding.engagement_id:
        errors["criterion"] = ERR_CRITERION_NOT_IN_ENGAGEMENT
    if audit_module_ids is not None and finding.module_id and finding.module_id not in audit_module_ids:
        numbers = ", ".join(
            str(n)
            for n in Module.objects.filter(pk__in=audit_module_ids)
            .order_by("number")
            .values_list("number", flat=True)
        )
        errors["module"] = ERR_FINDING_OUT_OF_AUDIT.format(modules=numbers)
    if finding.site_id and finding.site.entity_id != finding.entity_id:
        errors["site"] = ERR_SITE_OTHER_ENTITY.format(site=finding.site, entity=finding.entity)
    if finding.audit_id and finding.finding_type.referential_id != finding.audit.referential_id:
        errors["finding_type"] = ERR_TYPE_OTHER_REFERENTIAL
    if errors:
        raise ValidationError(errors)


def _next_number(audit, department, finding_type) -> int:
    qs = Finding.objects.filter(finding_type=finding_type)
    qs = (
        qs.filter(audit=audit)
        if audit
        else qs.filter(audit__isnull=True, entity__isnull=True, department=department)
    )
    return (qs.aggregate(m=Max("number"))["m"] or 0) + 1


@transaction.atomic
def finding_create(
    *,
    finding_type: FindingType,
    title: str,
    by,
    audit: Audit | None = None,
    department=None,
    entity=None,
    site=None,
    module=None,
    engagement=None,
    criterion=None,
    description: str = "",
    observed_on: dt.date | None = None,
    number: int | None = None,
    audit_module_ids: set[int] | None = None,
) -> Finding:
    """A finding of `audit` (entity and département from the audit), or a général finding (department)."""
    if audit is not None:
        entity, department = audit.entity, audit.entity.department
        observed_on = observed_on or audit.end_on
        if audit_module_ids is None:
            audit_module_ids = set(audit.modules.values_list("pk", flat=True))
    elif entity is not None:
        department = entity.department
    if department is None:
        raise ValidationError(ERR_GENERAL_NEEDS_DEPARTMENT)
    finding = Finding(
        audit=audit,
        entity=entity,
        department=department,
        site=site,
        finding_type=finding_type,
        module=module,
        engagement=engagement,
        criterion=criterion,
        title=title,
        description=description,
        observed_on=observed_on or timezone.localdate(),
    )
    _validate_finding(finding, audit_module_ids if audit is not None else None)
    finding.number = number or _next_number(audit, department, finding_type)
    return _save(finding, by)


@transaction.atomic
def finding_update(*, finding: Finding, by, **fields) -> Finding:
    for name, value in fields.items():
        setattr(finding, name, value)
    module_ids = set(finding.audit.modules.values_list("pk", flat=True)) if finding.audit_id else None
    _validate_finding(finding, module_ids)
    return _save(finding, by)


@transaction.atomic
def finding_set_status(
    *, finding: Finding, status: str, by, verification_note: str | None = None, today: dt.date | None = None
) -> Finding:
    """Apply one status change. Closing a finding whose type calls for an action needs a finished linked
    action and a verification note."""
    Finding.WORKFLOW.check(finding.status, status)
    if verification_note is not None:
        finding.verification_note = verification_note.strip()
    if status == Finding.Status.VERIFIED_CLOSED:
        if finding.finding_type.requires_action:
            errors = {}
            _linked, done = links.finding_action_state(finding)
            if not done:
                errors["status"] = ERR_CLOSE_NEEDS_ACTION
            if not finding.verification_note:
                errors["verification_note"] = ERR_CLOSE_NEEDS_NOTE
            if errors:
                raise ValidationError(errors)
        finding.verified_on = today or timezone.localdate()
        finding.verified_by = by
    elif finding.status == Finding.Status.VERIFIED_CLOSED:
        finding.verified_on = None
        finding.verified_by = None
    finding.status = status
    finding.status_changed_at = timezone.now()
    finding.status_changed_by = by
    return _save(finding, by)


@transaction.atomic
def finding_actions_changed(*, finding: Finding, by) -> Finding:
    """Follow the linked actions: open → action planned when one exists; → action done when all are
    finished. For the action-plans app to call after it links, finishes or cancels an action."""
    linked, done = links.finding_action_state(finding)
    if linked and finding.status == Finding.Status.OPEN:
        finding_set_status(finding=finding, status=Finding.Status.ACTION_PLANNED, by=by)
    if linked and done == linked and finding.status == Finding.Status.ACTION_PLANNED:
        finding_set_status(finding=finding, status=Finding.Status.ACTION_DONE, by=by)
    elif finding.status == Finding.Status.ACTION_DONE and done < linked:
        finding_set_status(finding=finding, status=Finding.Status.ACTION_PLANNED, by=by)
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding, by) -> None:
    finding._history_user = by
    finding.delete()


@transaction.atomic
def gap_sheet_save(
    *,
    finding: Finding,
    by,
    observed: str,
    requirement: str = "",
    cause_analysis: str = "",
    correction: str = "",
) -> GapSheet:
    if not is_nonconformity(finding.finding_type):
        raise ValidationError(ERR_GAP_SHEET_ONLY_NC)
    sheet = GapSheet.objects.filter(finding=finding).first() or GapSheet(finding=finding)
    sheet.observed, sheet.requirement = observed, requirement
    sheet.cause_analysis, sheet.correction = cause_analysis, correction
    return _save(sheet, by)


def gap_sheet_defaults(finding: Finding) -> dict:
    """Pre-filled values for a new gap sheet: the finding's text and the requirement it is about."""
    reference = finding.criterion or finding.engagement
    requirement = ""
    if finding.criterion_id:
        requirement = f"{finding.criterion.code} – {finding.criterion.text}"
    elif finding.engagement_id:
        requirement = (
            f"{finding.engagement.code} – {finding.engagement.title}. {finding.engagement.text}".strip()
        )
    return {"observed": finding.description or finding.title, "requirement": requirement if reference else ""}


# ---- self-assessments -----------------------------------------------------------------------------------


def self_assessment_generate_rows(*, audit: Audit) -> int:
    """One row per criterion of the audited modules (or per engagement that has no criterion). Keeps
    the rows already answered; adds the missing ones. Returns the number of rows added."""
    if not audit.is_self_assessment:
        raise ValidationError(ERR_NOT_SELF_ASSESSMENT)
    module_ids = list(audit.modules.values_list("pk", flat=True))
    engagements = list(
        Engagement.objects.filter(module_id__in=module_ids).order_by("module__number", "order", "code")
    )
    criteria: dict[int, list[Criterion]] = {}
    for c in Criterion.objects.filter(engagement__module_id__in=module_ids).order_by("order", "code"):
        criteria.setdefault(c.engagement_id, []).append(c)
    wanted = []
    for e in engagements:
        items = criteria.get(e.pk) or [None]
        wanted.extend((e.pk, c.pk if c else None) for c in items)
    existing = set(SelfAssessmentRow.objects.filter(audit=audit).values_list("engagement_id", "criterion_id"))
    new_rows = [
        SelfAssessmentRow(audit=audit, engagement_id=e, criterion_id=c, order=i)
        for i, (e, c) in enumerate(wanted, start=1)
        if (e, c) not in existing
    ]
    SelfAssessmentRow.objects.bulk_create(new_rows)
    return len(new_rows)


# What answering a row of the checklist changes.
ANSWER_FIELDS = ["answer", "comment", "evidence"]


@transaction.atomic
def self_assessment_answer(*, audit: Audit, answers: dict[int, dict], by) -> int:
    """Record answers {row id: {answer, comment, evidence}}; starts the self-assessment if planned."""
    if not audit.is_self_assessment:
        raise ValidationError(ERR_NOT_SELF_ASSESSMENT)
    if audit.status in (Audit.Status.REPORT_ISSUED, Audit.Status.CLOSED):
        raise ValidationError(ERR_CHECKLIST_CLOSED)
    rows = {r.pk: r for r in SelfAssessmentRow.objects.filter(audit=audit, pk__in=list(answers))}
    unchanged = [f.name for f in SelfAssessmentRow._meta.fields if f.name not in ANSWER_FIELDS]
    changed = []
    for pk, values in answers.items():
        row = rows.get(pk)
        if row is None:
            continue
        new = (
            values.get("answer", ""),
            values.get("comment", "").strip(),
            values.get("evidence", "").strip(),
        )
        if new != (row.answer, row.comment, row.evidence):
            row.answer, row.comment, row.evidence = new
            # only these three fields change: the row's links and its uniqueness stay as they were
            row.clean_fields(exclude=unchanged)
            row._history_user = by
            changed.append(row)
    # one UPDATE and one insert of history rows for the whole checklist, not a save per row
    bulk_update_with_history(changed, SelfAssessmentRow, ANSWER_FIELDS, default_user=by)
    if changed and audit.status == Audit.Status.PLANNED:
        audit_set_status(audit=audit, status=Audit.Status.IN_PROGRESS, by=by)
    return len(changed)


@transaction.atomic
def self_assessment_complete(*, audit: Audit, by, today: dt.date | None = None) -> list[Finding]:
    """Close the checklist: every row must be answered; each non-compliant (or partly compliant) row
    becomes a finding of the self-assessment; the self-assessment moves to "report issued"."""
    if not audit.is_self_assessment:
        raise ValidationError(ERR_NOT_SELF_ASSESSMENT)
    rows = list(
        SelfAssessmentRow.objects.filter(audit=audit)
        .select_related("engagement", "criterion")
        .order_by("order")
    )
    missing = sum(1 for r in rows if not r.answer)
    if missing:
        raise ValidationError(ERR_CHECKLIST_INCOMPLETE.format(n=missing))
    types = {t.code: t for t in FindingType.objects.filter(referential_id=audit.referential_id)}
    module_ids = set(audit.modules.values_list("pk", flat=True))
    created = []
    for row in rows:
        code = SELF_ASSESSMENT_FINDING_TYPES.get(row.answer)
        if not code or row.finding_id or code not in types:
            continue
        finding = finding_create(
            audit=audit,
            finding_type=types[code],
            title=f"{row.item_code} : {row.get_answer_display().lower()}",
            description="\n".join(x for x in (row.item_text, row.comment) if x),
            engagement=row.engagement,
            criterion=row.criterion,
            module=row.engagement.module,
            observed_on=today or timezone.localdate(),
            by=by,
            audit_module_ids=module_ids,
        )
        row.finding = finding
        _save(row, by)
        created.append(finding)
    if audit.status == Audit.Status.PLANNED:
        audit_set_status(audit=audit, status=Audit.Status.IN_PROGRESS, by=by)
    if audit.status == Audit.Status.IN_PROGRESS:
        audit_set_status(audit=audit, status=Audit.Status.REPORT_ISSUED, by=by)
    return created


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


@transaction.atomic
def self_assessments_schedule(*, entity, year: int, by=None, referential=None) -> list[Audit]:
    """The four quarterly self-assessments of `entity` for `year` (planned, one per quarter), on every
    module of its label scope. Safe to run twice: an existing quarter is left as it is."""
    from referential.selectors import current_referential

    referential = referential or current_referential(department=entity.department)
    modules = list(
        Module.objects.filter(label_scopes__entity=entity, referential=referential).order_by("number")
    )
    audits = []
    for quarter in range(1, 5):
        start, end = quarter_bounds(year, quarter)
        existing = Audit.objects.filter(
            entity=entity, kind=Audit.Kind.SELF_ASSESSMENT, start_on=start, end_on=end
        ).first()
        if existing:
            audits.append(existing)
            continue
        audits.append(
            audit_create(
                entity=entity,
                kind=Audit.Kind.SELF_ASSESSMENT,
                title=f"Auto-évaluation T{quarter} {year} – {entity.short_name or entity.name}",
                referential=referential,
                start_on=start,
                end_on=end,
                modules=modules,
                by=by,
            )
        )
    return audits
