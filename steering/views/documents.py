import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qualipref.downloads import file_download
from qualipref.excel import Column, xlsx_response
from qualipref.filters import choice_param, ignored, notify
from qualipref.lists import paginate, sort_queryset
from qualipref.timeline import timeline_for
from sites.access import WRITE, scope_for
from sites.versions import kept_page

from .. import selectors, services
from ..forms import DocumentForm, DocumentReviewForm, DocumentVersionForm
from ..models import Document, DocumentVersion
from .common import allows_write, crumbs, form_page, get_scoped

REVIEW_SOON_DAYS = 30


def _review_badge(document, today):
    if not document.review_on or document.status == Document.Status.WITHDRAWN:
        return "", ""
    if document.review_on < today:
        return "danger", "Revue dépassée"
    if document.review_on <= today + dt.timedelta(days=REVIEW_SOON_DAYS):
        return "warning", "Revue à prévoir"
    return "", ""


@require_safe
@kept_page
def document_list(request):
    today = timezone.localdate()
    documents = selectors.documents_for_user(request.user)
    notices = []
    kind = choice_param(request, "type", Document.Kind.choices, "Type", notices)
    status = choice_param(request, "statut", Document.Status.choices, "Statut", notices)
    module = request.GET.get("module", "").strip()
    if module and not (module.isdecimal() and module.isascii() and len(module) <= 4):
        notices.append(ignored("Module", module, "saisissez le numéro d'un module"))
        module = ""
    if request.GET.get("export") != "xlsx":
        notify(request, notices)
    if kind:
        documents = documents.filter(kind=kind)
    if status:
        documents = documents.filter(status=status)
    if module:
        documents = documents.filter(module__number=int(module))
    if request.GET.get("revue") == "1":
        documents = documents.exclude(status=Document.Status.WITHDRAWN).filter(
            review_on__lte=today + dt.timedelta(days=REVIEW_SOON_DAYS)
        )
    documents, sort = sort_queryset(
        request,
        documents,
        {
            "titre": "title",
            "type": "kind",
            "revue": "review_on",
            "statut": "status",
            "reference": "reference",
        },
        "type",
    )
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "documents-internes.xlsx",
            [
                (
                    "Documents",
                    [
                        Column("Référence", lambda d: d.reference, 12),
                        Column("Titre", lambda d: d.title, 45),
                        Column("Type", lambda d: d.get_kind_display(), 22),
                        Column("Module", lambda d: d.module.number if d.module_id else None, 8),
                        Column("Engagement", lambda d: d.engagement.code if d.engagement_id else "", 12),
                        Column("Périmètre", lambda d: d.scope_label, 24),
                        Column("Responsable", lambda d: str(d.owner or ""), 22),
                        Column("Statut", lambda d: d.get_status_display(), 12),
                        Column("Version en vigueur", lambda d: d.current[0].label if d.current else "", 10),
                        Column(
                            "Date de la version", lambda d: d.current[0].issued_on if d.current else None, 14
                        ),
                        Column("Prochaine revue", lambda d: d.review_on, 14),
                    ],
                    documents,
                )
            ],
        )
    page = paginate(request, documents)
    for d in page:
        d.review_badge, d.review_label = _review_badge(d, today)
    due = list(selectors.documents_due_for_review(request.user, today=today, within_days=REVIEW_SOON_DAYS))
    for d in due:
        d.review_badge, d.review_label = _review_badge(d, today)
    return render(
        request,
        "steering/document_list.html",
        {
            "page_obj": page,
            "sort": sort,
            "due": due,
            "kind": kind,
            "status": status,
            "module": module,
            "kinds": Document.Kind.choices,
            "statuses": Document.Status.choices,
            "can_write": scope_for(request.user).can(WRITE),
            "breadcrumbs": crumbs(("Pilotage", None), ("Documents internes", None)),
        },
    )


@require_safe
@kept_page
def document_detail(request, pk):
    document = get_scoped(
        Document,
        request.user,
        pk,
        queryset=Document.objects.select_related(
            "module", "engagement", "owner", "entity", "site", "department"
        ),
    )
    writable = allows_write(request.user, document)
    today = timezone.localdate()
    document.review_badge, document.review_label = _review_badge(document, today)
    return render(
        request,
        "steering/document_detail.html",
        {
            "document": document,
            "versions": document.versions.select_related("author").order_by("-issued_on", "-pk"),
            "reviews": document.reviews.select_related("reviewed_by")[:5],
            "review_form": DocumentReviewForm(initial={"reviewed_on": today})
            if writable and document.status != Document.Status.WITHDRAWN
            else None,
            "can_write": writable,
            "version_form": DocumentVersionForm(document=document, initial={"issued_on": today})
            if writable
            else None,
            "transitions": [
                (s, Document.Status(s).label) for s in sorted(Document.WORKFLOW.allowed(document.status))
            ],
            "timeline": timeline_for(document),
            "breadcrumbs": crumbs(("Documents internes", "steering:document_list"), (document.title, None)),
        },
    )


def _document_form(request, form, title, cancel_url):
    return form_page(
        request,
        form,
        title=title,
        cancel_url=cancel_url,
        trail=[("Documents internes", "steering:document_list")],
        save=lambda document: services.document_save(document=document, by=request.user),
        success=lambda document: f"Document « {document.title} » enregistré.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def document_create(request):
    if not scope_for(request.user).can(WRITE):
        raise PermissionDenied("Votre rôle ne permet pas d'ajouter un document.")
    form = DocumentForm(request.POST or None, user=request.user)
    return _document_form(request, form, "Nouveau document", reverse("steering:document_list"))


@require_http_methods(["GET", "HEAD", "POST"])
def document_update(request, pk):
    document = get_scoped(Document, request.user, pk, write=True)
    form = DocumentForm(request.POST or None, instance=document, user=request.user)
    return _document_form(request, form, f"Modifier « {document.title} »", document.get_absolute_url())


@require_POST
def document_status(request, pk):
    document = get_scoped(Document, request.user, pk, write=True)
    try:
        services.document_set_status(
            document=document, status=request.POST.get("status", ""), by=request.user
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, f"Statut : {document.get_status_display()}.")
    return redirect(document)


@require_POST
def document_review(request, pk):
    """« Marquer la revue comme faite »: records the date and who, moves the next review (periodicity)."""
    document = get_scoped(Document, request.user, pk, write=True)
    form = DocumentReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(document)
    try:
        review = services.document_review_done(
            document=document,
            reviewed_on=form.cleaned_data["reviewed_on"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        nxt = f" Prochaine revue : {review.next_review_on:%d/%m/%Y}." if review.next_review_on else ""
        messages.success(request, f"Revue du {review.reviewed_on:%d/%m/%Y} enregistrée.{nxt}")
    return redirect(document)


@require_http_methods(["GET", "HEAD", "POST"])
def version_add(request, pk):
    document = get_scoped(Document, request.user, pk, write=True)
    form = DocumentVersionForm(request.POST or None, request.FILES or None, document=document)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.document_version_add(
                document=document,
                label=data["label"],
                issued_on=data["issued_on"],
                upload=data["file"],
                changes=data["changes"],
                make_current=data["make_current"],
                by=request.user,
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"Version {data['label']} ajoutée.")
            return redirect(document)
    return render(
        request,
        "steering/form.html",
        {
            "form": form,
            "title": f"Nouvelle version · {document.title}",
            "cancel_url": document.get_absolute_url(),
            "multipart": True,
            "breadcrumbs": crumbs(
                ("Documents internes", "steering:document_list"),
                (document.title, document.get_absolute_url()),
                ("Nouvelle version", None),
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def version_make_current(request, pk):
    version = get_object_or_404(DocumentVersion, pk=pk)
    get_scoped(Document, request.user, version.document_id, write=True)
    services.version_make_current(version=version, by=request.user)
    messages.success(request, f"La version {version.label} est désormais la version en vigueur.")
    return redirect(version.document)


@require_safe
def version_download(request, pk):
    version = get_scoped(DocumentVersion, request.user, pk)
    return file_download(version.file, version.original_name)
