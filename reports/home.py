"""The home page (`/`): « À traiter », the inbox of the user's role (reports.inbox), then the label
overview of the user's entities and their readiness for the next audit; for the quality manager of a
département not set up yet, the first-run checklist; for the platform's administrator, the periodic jobs.
A scope over several départements (the administrator's) shows one département at a time.
It composes several apps (referential, audits, complaints, actionplans, steering), so it lives here,
above them."""

from django.contrib import messages
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from audits.selectors import readiness_overview
from publication.selectors import stale_publications
from qualipref.jobs import scheduled_jobs
from referential.selectors import label_overview
from sites.access import READ, scope_for, within_department
from sites.models import Role
from sites.selectors import department_shown
from sites.versions import kept

from .context_processors import request_badges
from .inbox import badges_for, inbox_for
from .setup import checklist


def _panels(user, today, badges) -> str:
    """What the home page shows from the apps' data, rendered (no request: nothing of a request in it)."""
    entities = list(label_overview(user, today))
    context = {
        "user": user,
        "today": today,
        "inbox": inbox_for(user, today, badges=badges),
        "entities": entities,
        "checklist": checklist(user),
        "site_count": sum(len(e.sites.all()) for e in entities),
        "readiness": readiness_overview(user, today=today, entities=entities) if entities else [],
        "stale_publications": stale_publications(user)
        if Role.QUALITY_MANAGER in scope_for(user).roles
        else [],
    }
    return render_to_string("partials/home_panels.html", context)


def _department_shown(request):
    """(the user reading the département shown, the départements to choose from): a scope over several
    départements (the platform's administrator) shows one at a time, the one asked (`?department=`) or
    the first by code, as the committee's dashboard does; a scope of one shows it with no choice."""
    if len(scope_for(request.user).ids("department", READ)) <= 1:
        return request.user, []
    shown, departments, unknown = department_shown(request.user, request.GET.get("department"))
    if unknown:
        messages.warning(request, "Département inconnu dans votre périmètre : le premier est affiché.")
    return within_department(request.user, shown.pk), [
        {"pk": d.pk, "label": f"{d.code} · {d.name}", "shown": d == shown} for d in departments
    ]


@require_safe
def home(request):
    today = timezone.localdate()
    user, departments = _department_shown(request)
    # Rendered once per user, scope (the département shown's) and day, until a write on their départements:
    # the inbox's badges too, which count the same data on the same day.
    badges = (
        (lambda: request_badges(request))
        if user is request.user
        else (lambda: kept(user, "badges", lambda: badges_for(user, today), today=today))
    )
    panels = kept(user, "home", lambda: _panels(user, today, badges()), today=today)
    return render(
        request,
        "home.html",
        {
            "panels": mark_safe(panels),  # rendered by partials/home_panels.html, autoescaped
            "departments": departments,
            # the platform administrator sees when each periodic task last ran (Celery beat + worker)
            "scheduled_jobs": scheduled_jobs() if request.user.is_superuser else [],
        },
    )
