"""The home page (`/`): « À traiter », the inbox of the user's role (reports.inbox), then the label
overview of the user's entities and their readiness for the next audit; for the quality manager of a
département not set up yet, the first-run checklist; for the platform's administrator, the periodic jobs.
It composes several apps (referential, audits, complaints, actionplans, steering), so it lives here,
above them."""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from audits.selectors import readiness_overview
from publication.selectors import stale_publications
from qualipref.jobs import scheduled_jobs
from referential.selectors import label_overview
from sites.access import scope_for
from sites.models import Role
from sites.versions import kept

from .context_processors import request_badges
from .inbox import inbox_for
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


@require_safe
def home(request):
    today = timezone.localdate()
    # Rendered once per user, scope and day, until a write on their départements: the inbox's badges too,
    # which count the same data on the same day.
    panels = kept(
        request.user, "home", lambda: _panels(request.user, today, request_badges(request)), today=today
    )
    return render(
        request,
        "home.html",
        {
            "panels": mark_safe(panels),  # rendered by partials/home_panels.html, autoescaped
            # the platform administrator sees when each periodic task last ran (Celery beat + worker)
            "scheduled_jobs": scheduled_jobs() if request.user.is_superuser else [],
        },
    )
