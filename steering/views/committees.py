from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qualipref.attachments.services import attachment_add, attachments_for
from qualipref.excel import Column, xlsx_response
from qualipref.filters import choice_param, notify
from qualipref.lists import paginate, sort_queryset, year_param
from qualipref.pdf import pdf_response
from qualipref.timeline import timeline_for
from sites.access import WRITE, scope_for
from sites.versions import kept, kept_page

from .. import selectors, services
from ..forms import CommitteeForm, DecisionForm, MeetingForm, MemberForm
from ..models import Committee, CommitteeMember, Decision, Meeting
from .common import crumbs, get_scoped


@require_safe
def committee_list(request):
    committees = selectors.committees_for_user(request.user).order_by("kind", "name")
    return render(
        request,
        "steering/committee_list.html",
        {
            "committees": committees,
            "can_write": bool(scope_for(request.user).ids("department", WRITE)),
            "recent_meetings": selectors.meetings_for_user(request.user).order_by("-held_on")[:8],
            "missed_meetings": selectors.missed_meetings(request.user),
            "breadcrumbs": crumbs(("Pilotage", None), ("Comités et réunions", None)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def committee_create(request):
    if not scope_for(request.user).ids("department", WRITE):
        raise PermissionDenied("Seule la chargée de mission qualité du département crée les comités.")
    form = CommitteeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_save(committee=form.instance, by=request.user)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, f"Comité « {committee} » créé.")
            return redirect(committee)
    return render(
        request,
        "steering/form.html",
        {
            "form": form,
            "title": "Nouveau comité",
            "cancel_url": reverse("steering:committee_list"),
            "breadcrumbs": crumbs(
                ("Comités et réunions", "steering:committee_list"), ("Nouveau comité", None)
            ),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def committee_update(request, pk):
    committee = get_scoped(Committee, request.user, pk, write=True)
    form = CommitteeForm(request.POST or None, instance=committee, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.committee_save(committee=form.instance, by=request.user)
        messages.success(request, "Comité modifié.")
        return redirect(committee)
    return render(
        request,
        "steering/form.html",
        {
            "form": form,
            "title": f"Modifier « {committee} »",
            "cancel_url": committee.get_absolute_url(),
            "breadcrumbs": crumbs(
                ("Comités et réunions", "steering:committee_list"),
                (str(committee), committee.get_absolute_url()),
                ("Modifier", None),
            ),
        },
    )


@require_safe
def committee_detail(request, pk):
    committee = get_scoped(Committee, request.user, pk)
    writable = scope_for(request.user).allows(committee, WRITE)
    meetings = committee.meetings.annotate(
        decision_count=Count("decisions", distinct=True),
        attendee_count=Count("attendees", distinct=True),
    ).order_by("-held_on")
    return render(
        request,
        "steering/committee_detail.html",
        {
            "committee": committee,
            "members": selectors.committee_members(committee),
            "page_obj": paginate(request, meetings),
            "can_write": writable,
            "member_form": MemberForm(committee=committee) if writable else None,
            "timeline": timeline_for(committee),
            "breadcrumbs": crumbs(("Comités et réunions", "steering:committee_list"), (str(committee), None)),
        },
    )


@require_POST
def member_add(request, pk):
    committee = get_scoped(Committee, request.user, pk, write=True)
    form = MemberForm(request.POST, committee=committee)
    if form.is_valid():
        try:
            services.member_add(committee=committee, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, "Membre ajouté.")
    else:
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
    return redirect(committee)


@require_POST
def member_remove(request, pk, member_pk):
    committee = get_scoped(Committee, request.user, pk, write=True)
    member = get_object_or_404(CommitteeMember, pk=member_pk, committee=committee)
    services.member_remove(member=member, by=request.user)
    messages.success(request, f"{member.display_name} n'est plus membre du comité.")
    return redirect(committee)


@require_safe
@kept_page
def meeting_list(request):
    meetings = selectors.meetings_for_user(request.user)
    year = year_param(request, "annee")
    notices = []
    kind = choice_param(request, "type", Committee.Kind.choices, "Type", notices)
    notify(request, notices)  # an unknown type is ignored, and said
    if year:
        meetings = meetings.filter(held_on__year=year)
    if kind:
        meetings = meetings.filter(committee__kind=kind)
    meetings, sort = sort_queryset(
        request, meetings, {"date": "held_on", "comite": "committee__name"}, "-date"
    )
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "reunions.xlsx",
            [
                (
                    "Réunions",
                    [
                        Column("Date", lambda m: m.held_on, 12),
                        Column("Comité", lambda m: m.committee.name, 30),
                        Column("Type", lambda m: m.committee.get_kind_display(), 24),
                        Column("Intitulé", lambda m: str(m), 40),
                        Column("Présents", lambda m: m.attendee_count, 10),
                        Column("Décisions", lambda m: m.decision_count, 10),
                        Column("Ordre du jour", lambda m: m.agenda, 50),
                        Column("Compte rendu", lambda m: m.minutes, 60),
                    ],
                    meetings,
                )
            ],
        )
    return render(
        request,
        "steering/meeting_list.html",
        {
            "page_obj": paginate(request, meetings),
            "sort": sort,
            "year": str(year or ""),
            "kind": kind,
            "kinds": Committee.Kind.choices,
            "years": sorted(
                {d.year for d in selectors.meetings_for_user(request.user).dates("held_on", "year")},
                reverse=True,
            ),
            "breadcrumbs": crumbs(("Comités et réunions", "steering:committee_list"), ("Réunions", None)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_create(request, pk):
    committee = get_scoped(Committee, request.user, pk, write=True)
    form = MeetingForm(request.POST or None, committee=committee)
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_save(
            meeting=form.instance, by=request.user, attendees=form.cleaned_data["attendees"]
        )
        messages.success(request, "Réunion enregistrée.")
        return redirect(meeting)
    return render(
        request,
        "steering/form.html",
        {
            "form": form,
            "title": f"Nouvelle réunion · {committee}",
            "cancel_url": committee.get_absolute_url(),
            "breadcrumbs": crumbs(
                ("Comités et réunions", "steering:committee_list"),
                (str(committee), committee.get_absolute_url()),
                ("Nouvelle réunion", None),
            ),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_update(request, pk):
    meeting = get_scoped(
        Meeting, request.user, pk, write=True, queryset=Meeting.objects.select_related("committee")
    )
    form = MeetingForm(request.POST or None, instance=meeting, committee=meeting.committee)
    if request.method == "POST" and form.is_valid():
        services.meeting_save(
            meeting=form.instance, by=request.user, attendees=form.cleaned_data["attendees"]
        )
        messages.success(request, "Réunion modifiée.")
        return redirect(meeting)
    return render(
        request,
        "steering/form.html",
        {
            "form": form,
            "title": f"Modifier · {meeting}",
            "cancel_url": meeting.get_absolute_url(),
            "breadcrumbs": crumbs(
                ("Comités et réunions", "steering:committee_list"),
                (str(meeting.committee), meeting.committee.get_absolute_url()),
                (str(meeting), meeting.get_absolute_url()),
                ("Modifier", None),
            ),
        },
    )


def _meeting_context(request, meeting):
    attendees, decisions = selectors.meeting_for_display(meeting)
    return {
        "meeting": meeting,
        "committee": meeting.committee,
        "attendees": attendees,
        "other_attendees": [n.strip() for n in meeting.other_attendees.splitlines() if n.strip()],
        "decisions": decisions,
        "is_future": meeting.held_on > timezone.localdate(),
    }


@require_safe
@kept_page
def meeting_detail(request, pk):
    meeting = get_scoped(Meeting, request.user, pk, queryset=Meeting.objects.select_related("committee"))
    writable = scope_for(request.user).allows(meeting, WRITE)
    # What the page reads of the meeting, once per user, scope and day until a write on their départements.
    readings = kept(
        request.user,
        f"meeting|{meeting.pk}",
        lambda: {
            **_meeting_context(request, meeting),
            "attachments": attachments_for(meeting),
            "timeline": timeline_for(meeting),
        },
    )
    context = {**readings, "meeting": meeting, "committee": meeting.committee}
    context.update(
        {
            "can_write": writable,
            "decision_form": DecisionForm(meeting=meeting) if writable else None,
            "attachment_form": writable,
            "attachment_post_url": reverse("steering:meeting_attach", args=[meeting.pk]),
            "breadcrumbs": crumbs(
                ("Comités et réunions", "steering:committee_list"),
                (str(meeting.committee), meeting.committee.get_absolute_url()),
                (date_format(meeting.held_on, "j F Y"), None),
            ),
        }
    )
    return render(request, "steering/meeting_detail.html", context)


@require_safe
def meeting_pdf(request, pk):
    meeting = get_scoped(
        Meeting, request.user, pk, queryset=Meeting.objects.select_related("committee__department")
    )
    context = _meeting_context(request, meeting)
    context["printed_on"] = timezone.localdate()
    return pdf_response(
        request,
        "steering/meeting_minutes_pdf.html",
        context,
        f"compte-rendu-{meeting.held_on:%Y-%m-%d}.pdf",
        request_context=True,
    )


@require_POST
def meeting_attach(request, pk):
    meeting = get_scoped(Meeting, request.user, pk, write=True)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choisissez un fichier à joindre.")
    else:
        try:
            attachment_add(
                parent=meeting,
                by=request.user,
                upload=upload,
                description=request.POST.get("description", ""),
            )
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, "Pièce jointe ajoutée.")
    return redirect(meeting)


@require_POST
def decision_create(request, pk):
    meeting = get_scoped(
        Meeting, request.user, pk, write=True, queryset=Meeting.objects.select_related("committee")
    )
    form = DecisionForm(request.POST, meeting=meeting)
    if form.is_valid():
        decision = services.decision_save(decision=form.instance, by=request.user)
        messages.success(request, "Décision enregistrée.")
        return redirect(f"{meeting.get_absolute_url()}#decision-{decision.pk}")
    context = _meeting_context(request, meeting)
    context.update(
        {
            "can_write": True,
            "decision_form": form,
            "attachments": attachments_for(meeting),
            "attachment_form": True,
            "attachment_post_url": reverse("steering:meeting_attach", args=[meeting.pk]),
            "timeline": timeline_for(meeting),
        }
    )
    return render(request, "steering/meeting_detail.html", context, status=400)


@require_safe
def decision_detail(request, pk):
    decision = get_scoped(
        Decision, request.user, pk, queryset=Decision.objects.select_related("meeting__committee", "owner")
    )
    writable = scope_for(request.user).allows(decision, WRITE)
    return render(
        request,
        "steering/decision_detail.html",
        {
            "decision": decision,
            "meeting": decision.meeting,
            "can_write": writable,
            "overdue": decision.due_on and decision.due_on < timezone.localdate(),
            "timeline": timeline_for(decision),
            "breadcrumbs": crumbs(
                ("Comités et réunions", "steering:committee_list"),
                (str(decision.meeting.committee), decision.meeting.committee.get_absolute_url()),
                (date_format(decision.meeting.held_on, "j F Y"), decision.meeting.get_absolute_url()),
                ("Décision", None),
            ),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def decision_update(request, pk):
    decision = get_scoped(
        Decision, request.user, pk, write=True, queryset=Decision.objects.select_related("meeting")
    )
    form = DecisionForm(request.POST or None, instance=decision, meeting=decision.meeting)
    if request.method == "POST" and form.is_valid():
        services.decision_save(decision=form.instance, by=request.user)
        messages.success(request, "Décision modifiée.")
        return redirect(decision)
    return render(
        request,
        "steering/form.html",
        {"form": form, "title": "Modifier la décision", "cancel_url": decision.get_absolute_url()},
    )
