"""The home page (`/`): « À traiter », the inbox of the user's role (reports.inbox), then the label
overview of the user's entities and their readiness for the next audit; for the quality manager of a
département not set up yet, the first-run checklist; for the platform's administrator, the periodic jobs.
It composes several apps (referential, audits, complaints, actionplans, steering), so it lives here,
above them."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from audits.selectors import readiness_overview
from publication.selectors import stale_publications
from qualipref.jobs import scheduled_jobs
from referential.selectors import label_overview
from sites.access import scope_for
from sites.models import Role

from .context_processors import request_badges
from .inbox import inbox_for
from .setup import checklist


@require_safe
def home(request):
    today = timezone.localdate()
    entities = list(label_overview(request.user, today))
    return render(
        request,
        "home.html",
        {
            "today": today,
            "inbox": inbox_for(request.user, today, badges=request_badges(request)),
            "entities": entities,
            "checklist": checklist(request.user),
            "site_count": sum(len(e.sites.all()) for e in entities),
            "readiness": readiness_overview(request.user, today=today, entities=entities) if entities else [],
            "stale_publications": stale_publications(request.user)
            if Role.QUALITY_MANAGER in scope_for(request.user).roles
            else [],
            # the platform administrator sees when each periodic task last ran (Celery beat + worker)
            "scheduled_jobs": scheduled_jobs() if request.user.is_superuser else [],
        },
    )
