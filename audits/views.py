"""Views stay thin: parse, call a getter/service, render or redirect. Access lives in the getters."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from qualipref import french
from qualipref.attachments.services import attachment_add, attachments_for
from qualipref.filters import warn_ignored
from qualipref.imports.templates import template_response
from qualipref.imports.views import import_page
from qualipref.lists import int_param, paginate, sort_queryset
from qualipref.pdf import pdf_response
from qualipref.timeline import timeline_for
from referential.selectors import current_referential
from sites.access import READ, WRITE, get_for_user, require, scope_for, visible, writable
from sites.models import Entity
from sites.versions import kept, kept_page

from . import exports, imports, selectors, services
from .filters import AuditFilter, FindingFilter
from .forms import (
    AuditForm,
    AuditReportForm,
    ChecklistRowForm,
    FindingForm,
    FindingStatusForm,
    GapSheetForm,
    GeneralFindingForm,
    PlanLineForm,
    ScheduleForm,
)
from .models import Audit, AuditPlanLine, GapSheet, is_nonconformity
from .selectors import FINDINGS_WRITE

AUDIT_SORTS = {
    "start": "start_on",
    "entity": "entity__order",
    "kind": "kind",
    "status": "status",
    "title": "title",
}
FINDING_SORTS = {
    "observed": "observed_on",
    "entity": "entity__order",
    "type": "finding_type__order",
    "status": "status",
    "title": "title",
    "number": "number",
}


def _apply_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for name, errs in error.error_dict.items():
            target = name if name in form.fields else None
            for e in errs:
                form.add_error(target, e)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _writable_entities(user):
    return writable(user, Entity.objects).order_by("order", "name")


def _schedule_entities(audit_filter, scope) -> list:
    """The entities the user may write, among the filter's (read, and so kept for its select)."""
    writable_ids = scope.ids("entity", WRITE)
    return [e for e in audit_filter.form.fields["entity"].queryset if e.pk in writable_ids]


# ---- audits ---------------------------------------------------------------------------------------------


@require_GET
@kept_page
def audit_list(request, export=False):
    columns = selectors.type_columns(selectors.finding_types())
    qs = selectors.audits_for_user(request.user, columns=columns)
    audit_filter = AuditFilter(request.GET, queryset=qs, request=request)
    qs, sort = sort_queryset(request, audit_filter.qs, AUDIT_SORTS, "-start")
    if export:
        return exports.audits_xlsx(qs, columns)
    warn_ignored(request, audit_filter)
    scope = scope_for(request.user)
    return render(
        request,
        "audits/audit_list.html",
        {
            "page_obj": paginate(request, qs),
            "filter": audit_filter,
            "sort": sort,
            "columns": columns,
            "can_create": scope.can(WRITE),
            "can_write_general": bool(scope.ids("department", WRITE)),
            # The quarterly self-assessments' form: the entities the user may write (shown only when there
            # is one), taken from the filter's entities (those the user reads): no query of their own.
            "schedule_entities": _schedule_entities(audit_filter, scope) if scope.can(WRITE) else [],
            "schedule_year": timezone.localdate().year,
            "breadcrumbs": [("Audits et constats", None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def audit_create(request):
    require(request.user, WRITE)
    entities = _writable_entities(request.user)
    # the version of the referential in force in the département (its edited one if any)
    departments = {e.department for e in entities}
    referential = current_referential(department=departments.pop() if len(departments) == 1 else None)
    initial = {"referential": referential, "kind": request.GET.get("kind", Audit.Kind.INTERNAL)}
    form = AuditForm(request.POST or None, entities=entities, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = services.audit_create(
                entity=data["entity"],
                kind=data["kind"],
                title=data["title"],
                referential=data["referential"],
                start_on=data["start_on"],
                end_on=data["end_on"],
                modules=data["modules"],
                sites=data["sites"],
                reception_points=data["reception_points"],
                auditors=data["auditors"],
                external_body=data["external_body"],
                external_auditors=data["external_auditors"],
                headcount_total=data["headcount_total"],
                headcount_in_scope=data["headcount_in_scope"],
                by=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Audit « {audit} » créé.")
            return redirect(audit)
    return render(
        request,
        "audits/audit_form.html",
        {
            "form": form,
            "breadcrumbs": [("Audits et constats", reverse("audits:audit_list")), ("Nouvel audit", None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def audit_edit(request, pk):
    audit = selectors.audit_for_user(request.user, pk, perm=WRITE)
    form = AuditForm(request.POST or None, instance=audit, entities=Entity.objects.filter(pk=audit.entity_id))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        related = {k: data.pop(k) for k in ("modules", "sites", "reception_points", "auditors")}
        data.pop("entity", None)
        data.pop("kind", None)
        audit.refresh_from_db()
        try:
            services.audit_update(audit=audit, by=request.user, **related, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Audit enregistré.")
            return redirect(audit)
    return render(
        request,
        "audits/audit_form.html",
        {
            "form": form,
            "audit": audit,
            "breadcrumbs": [
                ("Audits et constats", reverse("audits:audit_list")),
                (str(audit), audit.get_absolute_url()),
                ("Modifier", None),
            ],
        },
    )


@require_safe
@kept_page
def audit_detail(request, pk):
    audit = selectors.audit_for_user(request.user, pk)
    # What the page reads of the audit, once per user, scope and day until a write on their départements.
    readings = kept(
        request.user,
        f"audit|{audit.pk}",
        lambda: {
            **selectors.audit_detail(audit),
            "attachments": attachments_for(audit),
            "timeline": timeline_for(audit),
        },
    )
    context = {**readings, "audit": audit}
    can_edit = services.can_edit_audit(request.user, audit)
    can_findings = services.can_write_findings(request.user, audit)
    context.update(
        {
            "can_edit": can_edit,
            "can_findings": can_findings,
            "transitions": [(s, Audit.Status(s).label) for s in Audit.WORKFLOW.allowed(audit.status)],
            "plan_form": PlanLineForm(initial={"date": audit.start_on}) if can_edit else None,
            "attachment_form": can_edit,
            "attachment_post_url": reverse("audits:audit_attachment_add", args=[audit.pk]),
            "breadcrumbs": [("Audits et constats", reverse("audits:audit_list")), (str(audit), None)],
        }
    )
    return render(request, "audits/audit_detail.html", context)


@require_POST
def audit_status(request, pk):
    audit = selectors.audit_for_user(request.user, pk, perm=WRITE)
    try:
        services.audit_set_status(audit=audit, status=request.POST.get("status", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Statut de l'audit : {audit.get_status_display()}.")
    return redirect(audit)


@require_http_methods(["GET", "HEAD", "POST"])
def audit_report_edit(request, pk):
    audit = selectors.audit_for_user(request.user, pk, perm=WRITE)
    form = AuditReportForm(request.POST or None, instance=audit)
    if request.method == "POST" and form.is_valid():
        services.audit_update(audit=audit, by=request.user, **form.cleaned_data)
        messages.success(request, "Rapport enregistré.")
        return redirect(audit)
    return render(
        request,
        "audits/audit_report_form.html",
        {
            "form": form,
            "audit": audit,
            "breadcrumbs": [
                ("Audits et constats", reverse("audits:audit_list")),
                (str(audit), audit.get_absolute_url()),
                ("Rapport", None),
            ],
        },
    )


@require_POST
def plan_line_add(request, pk):
    audit = selectors.audit_for_user(request.user, pk, perm=WRITE)
    form = PlanLineForm(request.POST)
    if form.is_valid():
        services.plan_line_add(audit=audit, by=request.user, **form.cleaned_data)
        messages.success(request, "Créneau ajouté au plan d'audit.")
    else:
        messages.error(
            request, "Créneau non ajouté : " + " ".join(m for errs in form.errors.values() for m in errs)
        )
    return redirect(f"{audit.get_absolute_url()}#plan")


@require_POST
def plan_line_delete(request, pk, line_pk):
    audit = selectors.audit_for_user(request.user, pk, perm=WRITE)
    line = get_object_or_404(AuditPlanLine, audit=audit, pk=line_pk)
    services.plan_line_delete(line=line, by=request.user)
    messages.success(request, "Créneau retiré du plan d'audit.")
    return redirect(f"{audit.get_absolute_url()}#plan")


@require_POST
def audit_attachment_add(request, pk):
    audit = selectors.audit_for_user(request.user, pk, perm=WRITE)
    _attach(request, audit)
    return redirect(audit)


def _attach(request, obj):
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choisissez un fichier à joindre.")
        return
    try:
        attachment_add(
            parent=obj, by=request.user, upload=upload, description=request.POST.get("description", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Pièce jointe ajoutée.")


@require_GET
def audit_pdf(request, pk):
    audit = selectors.audit_for_user(request.user, pk)
    context = selectors.audit_detail(audit)
    context["generated_on"] = timezone.localdate()
    return pdf_response(request, "audits/pdf/audit_report.html", context, f"rapport-audit-{audit.pk}.pdf")


@require_POST
def self_assessments_schedule(request):
    require(request.user, WRITE)  # read-only roles: 403 before the form is even read
    form = ScheduleForm(request.POST, entities=_writable_entities(request.user))
    if not form.is_valid():
        messages.error(request, "Choisissez une entité et une année valides.")
        return redirect("audits:audit_list")
    entity = form.cleaned_data["entity"]
    require(request.user, WRITE, entity)
    audits = services.self_assessments_schedule(
        entity=entity, year=form.cleaned_data["year"], by=request.user
    )
    messages.success(
        request,
        f"{len(audits)} auto-évaluations trimestrielles planifiées pour {entity} "
        f"en {form.cleaned_data['year']}.",
    )
    return redirect(f"{reverse('audits:audit_list')}?entity={entity.pk}&kind=self_assessment")


# ---- self-assessment checklist --------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def checklist(request, pk):
    audit = selectors.audit_for_user(request.user, pk)
    if not audit.is_self_assessment:
        raise Http404
    can_answer = services.can_write_findings(request.user, audit) and audit.is_open
    rows = selectors.audit_detail(audit)["checklist_rows"]
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied("Vous ne pouvez pas modifier cette auto-évaluation.")
        forms = [(row, ChecklistRowForm(request.POST, prefix=f"r{row.pk}")) for row in rows]
        invalid = [(row, f) for row, f in forms if not f.is_valid()]
        if invalid:
            messages.error(
                request,
                "Rien n'a été enregistré : "
                + " ".join(
                    f"{row.item_code} : {' '.join(m for errs in f.errors.values() for m in errs)}"
                    for row, f in invalid
                ),
            )
        else:
            try:
                with transaction.atomic():  # answers and completion together, or nothing
                    services.self_assessment_answer(
                        audit=audit, answers={row.pk: f.cleaned_data for row, f in forms}, by=request.user
                    )
                    if "complete" in request.POST:
                        created = services.self_assessment_complete(audit=audit, by=request.user)
                if "complete" in request.POST:
                    n = len(created)
                    messages.success(
                        request,
                        f"Auto-évaluation terminée : {n} {french.plural(n, 'constat créé', 'constats créés')}"
                        " pour les critères non conformes.",
                    )
                    return redirect(audit)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Réponses enregistrées.")
                return redirect("audits:checklist", pk=audit.pk)
    else:
        forms = [
            (
                row,
                ChecklistRowForm(
                    prefix=f"r{row.pk}",
                    initial={"answer": row.answer, "comment": row.comment, "evidence": row.evidence},
                ),
            )
            for row in rows
        ]
    return render(
        request,
        "audits/checklist.html",
        {
            "audit": audit,
            "forms": forms,
            "can_answer": can_answer,
            "missing": sum(1 for r in rows if not r.answer),
            "breadcrumbs": [
                ("Audits et constats", reverse("audits:audit_list")),
                (str(audit), audit.get_absolute_url()),
                ("Grille d'auto-évaluation", None),
            ],
        },
    )


# ---- findings -------------------------------------------------------------------------------------------


@require_GET
@kept_page
def finding_list(request, export=False):
    qs = selectors.findings_for_user(request.user)
    finding_filter = FindingFilter(request.GET, queryset=qs, request=request)
    qs, sort = sort_queryset(request, finding_filter.qs, FINDING_SORTS, "-observed")
    if export:
        return exports.findings_xlsx(qs)
    warn_ignored(request, finding_filter)
    return render(
        request,
        "audits/finding_list.html",
        {
            "page_obj": paginate(request, qs),
            "filter": finding_filter,
            "sort": sort,
            "breadcrumbs": [("Audits et constats", reverse("audits:audit_list")), ("Constats", None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def finding_create(request, pk):
    audit = selectors.audit_for_user(request.user, pk, perm=FINDINGS_WRITE)
    form = FindingForm(request.POST or None, audit=audit, initial={"observed_on": audit.end_on})
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_create(audit=audit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Constat « {finding} » enregistré.")
            if "another" in request.POST:
                return redirect("audits:finding_create", pk=audit.pk)
            return redirect(finding)
    return render(
        request,
        "audits/finding_form.html",
        {
            "form": form,
            "audit": audit,
            "breadcrumbs": [
                ("Audits et constats", reverse("audits:audit_list")),
                (str(audit), audit.get_absolute_url()),
                ("Nouveau constat", None),
            ],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def general_finding_create(request):
    department_ids = scope_for(request.user).ids("department", WRITE)
    if not department_ids:
        raise PermissionDenied("Seule la chargée de mission qualité saisit les constats généraux.")
    form = GeneralFindingForm(request.POST or None, department_ids=department_ids)
    if request.method == "POST" and form.is_valid():
        finding = services.finding_create(by=request.user, **form.cleaned_data)
        messages.success(request, f"Constat général « {finding} » enregistré.")
        return redirect(finding)
    return render(
        request,
        "audits/finding_form.html",
        {
            "form": form,
            "general": True,
            "breadcrumbs": [
                ("Audits et constats", reverse("audits:audit_list")),
                ("Nouveau constat général", None),
            ],
        },
    )


@require_safe
@kept_page
def finding_detail(request, pk):
    finding = selectors.finding_for_user(request.user, pk)
    can_write = services.can_write_finding(request.user, finding)
    # What the page reads of the finding, once per user, scope and day until a write on their départements.
    readings = kept(
        request.user,
        f"finding|{finding.pk}",
        lambda: {
            "gap_sheet": GapSheet.objects.filter(finding=finding).first(),
            "attachments": attachments_for(finding),
            "timeline": timeline_for(finding),
        },
    )
    return render(
        request,
        "audits/finding_detail.html",
        {
            **readings,
            "finding": finding,
            "is_nc": is_nonconformity(finding.finding_type),
            "can_write": can_write,
            "status_form": FindingStatusForm(finding=finding) if can_write else None,
            "attachment_form": can_write and not finding.is_general,
            "attachment_post_url": reverse("audits:finding_attachment_add", args=[finding.pk]),
            "breadcrumbs": _finding_crumbs(finding),
        },
    )


def _finding_crumbs(finding, *extra):
    crumbs = [("Audits et constats", reverse("audits:audit_list"))]
    if finding.audit_id:
        crumbs.append((str(finding.audit), finding.audit.get_absolute_url()))
    else:
        crumbs.append(("Constats", reverse("audits:finding_list")))
    crumbs.append((str(finding), finding.get_absolute_url() if extra else None))
    return crumbs + list(extra)


@require_http_methods(["GET", "HEAD", "POST"])
def finding_edit(request, pk):
    finding = selectors.finding_for_user(request.user, pk, write=True)
    if finding.is_general:
        form = GeneralFindingForm(
            request.POST or None,
            instance=finding,
            department_ids=scope_for(request.user).ids("department", WRITE),
        )
    else:
        form = (
            FindingForm(request.POST or None, instance=finding, audit=finding.audit)
            if finding.audit_id
            else None
        )
        if form is None:
            raise Http404
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_update(finding=finding, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Constat enregistré.")
            return redirect(finding)
    return render(
        request,
        "audits/finding_form.html",
        {
            "form": form,
            "audit": finding.audit,
            "finding": finding,
            "general": finding.is_general,
            "breadcrumbs": _finding_crumbs(finding, ("Modifier", None)),
        },
    )


@require_POST
def finding_status(request, pk):
    finding = selectors.finding_for_user(request.user, pk, write=True)
    form = FindingStatusForm(request.POST, finding=finding)
    if form.is_valid():
        try:
            services.finding_set_status(
                finding=finding,
                status=form.cleaned_data["status"],
                verification_note=form.cleaned_data["verification_note"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Statut du constat : {finding.get_status_display()}.")
    else:
        messages.error(request, "Choisissez un statut proposé.")
    return redirect(finding)


@require_POST
def finding_attachment_add(request, pk):
    finding = selectors.finding_for_user(request.user, pk, write=True)
    if finding.is_general:
        raise Http404
    _attach(request, finding)
    return redirect(finding)


@require_http_methods(["GET", "HEAD", "POST"])
def gap_sheet_edit(request, pk):
    finding = selectors.finding_for_user(request.user, pk, write=True)
    if not is_nonconformity(finding.finding_type):
        messages.error(request, services.ERR_GAP_SHEET_ONLY_NC)
        return redirect(finding)
    sheet = GapSheet.objects.filter(finding=finding).first()
    form = GapSheetForm(
        request.POST or None, instance=sheet, initial=None if sheet else services.gap_sheet_defaults(finding)
    )
    if request.method == "POST" and form.is_valid():
        services.gap_sheet_save(finding=finding, by=request.user, **form.cleaned_data)
        messages.success(request, "Fiche d'écart enregistrée.")
        return redirect(finding)
    return render(
        request,
        "audits/gap_sheet_form.html",
        {"form": form, "finding": finding, "breadcrumbs": _finding_crumbs(finding, ("Fiche d'écart", None))},
    )


def _gap_sheet_context(request, pk):
    finding = selectors.finding_for_user(request.user, pk)
    sheet = GapSheet.objects.filter(finding=finding).first()
    if sheet is None:
        raise Http404("Aucune fiche d'écart pour ce constat.")
    actions = list(finding.actions.all()) if hasattr(finding, "actions") else []
    return {"finding": finding, "sheet": sheet, "actions": actions, "generated_on": timezone.localdate()}


@require_GET
def gap_sheet_print(request, pk):
    context = _gap_sheet_context(request, pk)
    context["breadcrumbs"] = _finding_crumbs(context["finding"], ("Fiche d'écart", None))
    return render(request, "audits/gap_sheet_print.html", context)


@require_GET
def gap_sheet_pdf(request, pk):
    context = _gap_sheet_context(request, pk)
    return pdf_response(request, "audits/pdf/gap_sheet.html", context, f"fiche-ecart-{pk}.pdf")


# ---- import ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def findings_import(request, pk):
    audit = selectors.audit_for_user(request.user, pk, perm=FINDINGS_WRITE)
    return import_page(
        request,
        imports.IMPORTER,
        target=audit,
        template_url=f"{reverse('audits:findings_import_template')}?audit={audit.pk}",
        breadcrumbs=[
            ("Audits et constats", reverse("audits:audit_list")),
            (str(audit), audit.get_absolute_url()),
            ("Importer des constats", None),
        ],
    )


@require_GET
def findings_import_template(request):
    """The template for one audit (?audit=…: its modules, finding types and sites), else for the latest
    audit the user sees."""
    audits = visible(request.user, Audit.objects.select_related("entity__department"))
    audit_id = int_param(request, "audit")
    audit = (audits.filter(pk=audit_id).first() if audit_id else None) or audits.order_by("-start_on").first()
    if audit is None:
        raise Http404("Aucun audit dans votre périmètre : créez d'abord un audit.")
    return template_response(imports.IMPORTER, imports.IMPORTER.prepare(user=request.user, target=audit))


# ---- readiness and cycles -------------------------------------------------------------------------------


@require_GET
def readiness(request):
    entities = selectors.readiness_overview(request.user)
    return render(
        request,
        "audits/readiness.html",
        {
            "readiness": entities,
            "today": timezone.localdate(),
            "breadcrumbs": [
                ("Audits et constats", reverse("audits:audit_list")),
                ("Préparation au label", None),
            ],
        },
    )


@require_GET
def readiness_entity(request, entity_pk):
    """The readiness panel of one entity (a partial: htmx loads it into the entity page)."""
    entity = get_for_user(Entity.objects.all(), request.user, perm=READ, pk=entity_pk)
    items = selectors.readiness_overview(request.user, entity_ids=[entity.pk])
    template = (
        "audits/partials/readiness_panel.html"
        if request.headers.get("HX-Request")
        else "audits/readiness_entity.html"
    )
    return render(
        request,
        template,
        {
            "entity": entity,
            "item": items[0] if items else None,
            "breadcrumbs": [
                ("Préparation au label", reverse("audits:readiness")),
                (entity.name, None),
            ],
        },
    )


@require_GET
def cycle_comparison(request, entity_pk):
    comparison = selectors.cycle_comparison(
        request.user, entity_pk, include_self_assessments=request.GET.get("auto") == "1"
    )
    return render(
        request,
        "audits/cycles.html",
        {
            "comparison": comparison,
            "entities": visible(request.user, Entity.objects).order_by("order", "name"),
            "breadcrumbs": [
                ("Audits et constats", reverse("audits:audit_list")),
                (f"Comparaison des cycles · {comparison.entity.name}", None),
            ],
        },
    )
