"""The home page (`/`): « À traiter », the inbox of the user's role (reports.inbox), then the label
overview of the user's entities and their readiness for the next audit; for the quality manager of a
département not set up yet, the first-run checklist; for the platform's administrator, the periodic jobs.
It composes several apps (referential, audits, complaints, actionplans, steering), so it lives here,
above them."""

import dataclasses

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from audits.selectors import readiness_overview
from publication.selectors import stale_publications
from qualipref import versions
from qualipref.jobs import scheduled_jobs
from referential.selectors import label_overview
from sites.access import READ, scope_for
from sites.models import Role

from .context_processors import request_badges
from .inbox import Badges, inbox_for
from .setup import checklist


def _panels(user, today) -> dict:
    """What the home page shows from the apps' data (without the menu's badges, counted on every page)."""
    entities = list(label_overview(user, today))
    return {
        "inbox": inbox_for(user, today, badges=Badges()),
        "entities": entities,
        "checklist": checklist(user),
        "site_count": sum(len(e.sites.all()) for e in entities),
        "readiness": readiness_overview(user, today=today, entities=entities) if entities else [],
        "stale_publications": stale_publications(user)
        if Role.QUALITY_MANAGER in scope_for(user).roles
        else [],
    }


@require_safe
def home(request):
    today = timezone.localdate()
    scope = scope_for(request.user)
    # Computed once per user, scope and day, until a write on their départements (qualipref.versions).
    panels = versions.cached(
        f"home|{request.user.pk}|{scope.key}",
        scope.ids("department", READ),
        lambda: _panels(request.user, today),
        today=today,
    )
    return render(
        request,
        "home.html",
        {
            **panels,
            "today": today,
            "inbox": dataclasses.replace(panels["inbox"], badges=request_badges(request)),
            # the platform administrator sees when each periodic task last ran (Celery beat + worker)
            "scheduled_jobs": scheduled_jobs() if request.user.is_superuser else [],
        },
    )
