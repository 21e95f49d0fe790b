import calendar as pycalendar
import datetime as dt

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from qualipref.excel import Column, xlsx_response
from qualipref.filters import choice_param, notify
from qualipref.links import absolute_reverse
from qualipref.lists import month_param, year_param
from qualipref.timeline import timeline_for
from sites.access import WRITE, scope_for

from .. import selectors, services
from ..forms import DeadlineForm
from ..ical import feed_for_user
from ..models import CalendarFeedToken, Deadline
from .common import allows_write, crumbs, form_page, get_scoped

MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip
WEEKDAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]


def _month_from(request, today):
    return month_param(request, "mois") or today.replace(day=1)


def _filtered_deadlines(request):
    deadlines = selectors.deadlines_for_user(request.user)
    notices = []
    kind = choice_param(request, "type", Deadline.Kind.choices, "Type", notices)
    notify(request, notices)  # an unknown type is ignored, and said
    if kind:
        deadlines = deadlines.filter(kind=kind)
    return deadlines, kind


@require_safe
def calendar_month(request):
    today = timezone.localdate()
    first = _month_from(request, today)
    last = first + relativedelta(months=1, days=-1)
    deadlines, kind = _filtered_deadlines(request)
    items = selectors.calendar_items(deadlines, first, last, today=today)
    by_day: dict[dt.date, list] = {}
    for item in items:
        # a period (May–June survey) shows on its first day in the month and is marked as a period
        day = max(item.occurrence.starts_on, first)
        by_day.setdefault(day, []).append(item)
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [{"date": d, "in_month": d.month == first.month, "items": by_day.get(d, [])} for d in week]
        )
    return render(
        request,
        "steering/calendar_month.html",
        {
            "month_label": f"{MONTHS[first.month - 1]} {first.year}",
            "first": first,
            "previous": (first - relativedelta(months=1)).strftime("%Y-%m"),
            "next": (first + relativedelta(months=1)).strftime("%Y-%m"),
            "current": today.strftime("%Y-%m"),
            "weeks": weeks,
            "weekdays": WEEKDAYS,
            "today": today,
            "items": items,
            "kind": kind,
            "kinds": Deadline.Kind.choices,
            "can_write": scope_for(request.user).can(WRITE),
            "breadcrumbs": crumbs(("Pilotage", None), ("Calendrier des échéances", None)),
        },
    )


@require_safe
def calendar_list(request):
    today = timezone.localdate()
    if year := year_param(request, "annee"):
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    else:
        start, end = today - relativedelta(months=1), today + relativedelta(months=12)
    deadlines, kind = _filtered_deadlines(request)
    items = selectors.calendar_items(deadlines, start, end, today=today)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            "calendrier-echeances.xlsx",
            [
                (
                    "Échéances",
                    [
                        Column("Date", lambda i: i.occurrence.starts_on, 12),
                        Column(
                            "Fin de période",
                            lambda i: i.occurrence.ends_on if i.occurrence.is_period else None,
                            14,
                        ),
                        Column("Échéance", lambda i: i.deadline.title, 40),
                        Column("Type", lambda i: i.deadline.get_kind_display(), 24),
                        Column("Périodicité", lambda i: i.deadline.get_frequency_display(), 14),
                        Column("Périmètre", lambda i: i.deadline.scope_label, 28),
                        Column("Responsable", lambda i: str(i.deadline.responsible or ""), 24),
                        Column("État", lambda i: i.status_label, 12),
                    ],
                    items,
                )
            ],
        )
    return render(
        request,
        "steering/calendar_list.html",
        {
            "items": items,
            "start": start,
            "end": end,
            "year": str(year or ""),
            "years": range(today.year - 2, today.year + 3),
            "kind": kind,
            "kinds": Deadline.Kind.choices,
            "today": today,
            "can_write": scope_for(request.user).can(WRITE),
            "breadcrumbs": crumbs(("Calendrier des échéances", "steering:calendar"), ("Liste", None)),
        },
    )


@require_safe
def deadline_detail(request, pk):
    deadline = get_scoped(
        Deadline, request.user, pk, queryset=Deadline.objects.select_related("responsible", "entity", "site")
    )
    today = timezone.localdate()
    items = selectors.calendar_items(
        Deadline.objects.filter(pk=deadline.pk),
        today - relativedelta(months=6),
        today + relativedelta(months=12),
        today=today,
    )
    return render(
        request,
        "steering/deadline_detail.html",
        {
            "deadline": deadline,
            "items": items,
            "today": today,
            "can_write": allows_write(request.user, deadline),
            "timeline": timeline_for(deadline),
            "breadcrumbs": crumbs(("Calendrier des échéances", "steering:calendar"), (str(deadline), None)),
        },
    )


def _deadline_form(request, form, title, cancel_url):
    return form_page(
        request,
        form,
        title=title,
        cancel_url=cancel_url,
        trail=[("Calendrier des échéances", "steering:calendar")],
        save=lambda deadline: services.deadline_save(deadline=deadline, by=request.user),
        success=lambda deadline: f"Échéance « {deadline} » enregistrée.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def deadline_create(request):
    if not scope_for(request.user).can(WRITE):
        raise PermissionDenied("Votre rôle ne permet pas d'ajouter une échéance.")
    form = DeadlineForm(request.POST or None, user=request.user)
    return _deadline_form(request, form, "Nouvelle échéance", reverse("steering:calendar"))


@require_http_methods(["GET", "HEAD", "POST"])
def deadline_update(request, pk):
    deadline = get_scoped(Deadline, request.user, pk, write=True)
    form = DeadlineForm(request.POST or None, instance=deadline, user=request.user)
    return _deadline_form(request, form, f"Modifier « {deadline} »", deadline.get_absolute_url())


@require_POST
def occurrence_done(request, pk):
    deadline = get_scoped(Deadline, request.user, pk, write=True)
    try:
        occurrence_on = dt.date.fromisoformat(request.POST.get("occurrence", ""))
        services.occurrence_mark_done(
            deadline=deadline,
            occurrence_on=occurrence_on,
            by=request.user,
            note=request.POST.get("note", "")[:255],
        )
    except ValueError:
        messages.error(request, "Date d'occurrence invalide.")
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, f"Occurrence du {occurrence_on:%d/%m/%Y} marquée comme faite.")
    return redirect(deadline)


@require_GET
def feed_settings(request):
    token = CalendarFeedToken.objects.filter(user=request.user).first()
    feed_url = absolute_reverse("steering_public:calendar_feed", token.token) if token else ""
    return render(
        request,
        "steering/feed_settings.html",
        {
            "token": token,
            "feed_url": feed_url,
            "breadcrumbs": crumbs(("Calendrier des échéances", "steering:calendar"), ("Abonnement", None)),
        },
    )


@require_POST
def feed_regenerate(request):
    services.feed_token_regenerate(user=request.user)
    messages.success(request, "Nouvelle adresse d'abonnement créée : l'ancienne ne fonctionne plus.")
    return redirect("steering:feed_settings")


@require_POST
def feed_revoke(request):
    services.feed_token_revoke(user=request.user)
    messages.success(request, "Abonnement révoqué : l'adresse ne fonctionne plus.")
    return redirect("steering:feed_settings")


@require_GET
def calendar_feed(request, token):
    """Public (no login): the secret token identifies the user; an unknown token is a 404."""
    row = CalendarFeedToken.objects.select_related("user").filter(token=token).first()
    if row is None or not row.user.is_active:
        raise Http404
    response = HttpResponse(feed_for_user(row.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="qualipref.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
