"""The public complaint form (no login): honeypot, rate limit per address, size limits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from qualipref import ratelimit, versions
from sites.models import Site

from . import mail, services
from .forms import PublicRequestForm
from .models import Channel, Status

RATE_LIMIT = 5  # submissions…
RATE_WINDOW = 60 * 60  # …per hour and per address
MAX_BODY_BYTES = 32 * 1024
SESSION_KEY = "complaints_public_reference"

ERROR_RATE = (
    "Vous avez déjà envoyé plusieurs demandes dans l'heure. Merci de réessayer plus tard "
    "ou de contacter l'accueil par téléphone."
)
ERROR_TOO_LARGE = "Votre envoi est trop volumineux : raccourcissez votre message."


@require_http_methods(["GET", "HEAD", "POST"])
def public_correspondence(request, site_code):
    site = get_object_or_404(Site.objects.select_related("entity__department"), code=site_code)
    # what the form writes counts for its site's département only (qualipref.versions)
    with versions.writes_for([site.entity.department_id]):
        return _public_correspondence(request, site)


def _public_correspondence(request, site):
    errors = []
    form = PublicRequestForm(site=site)
    if request.method == "POST":
        too_large = int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
        if too_large:
            errors.append(ERROR_TOO_LARGE)
        # Every attempt counts, valid or not.
        elif ratelimit.hit("complaints", request, limit=RATE_LIMIT, window=RATE_WINDOW):
            errors.append(ERROR_RATE)
        else:
            form = PublicRequestForm(request.POST, site=site)
            if form.is_valid():
                data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
                try:
                    obj = services.correspondence_create(
                        site=site,
                        by=None,
                        channel=Channel.WEB_FORM,
                        received_on=timezone.localdate(),
                        **data,
                    )
                except ValidationError as exc:
                    errors.extend(exc.messages)
                else:
                    # Engagement 4 of Services Publics+: acknowledged at once, with the announced deadline.
                    if mail.send_acknowledgement(obj):
                        services.correspondence_transition(
                            correspondence=obj, to=Status.ACKNOWLEDGED, by=None
                        )
                    request.session[SESSION_KEY] = [obj.reference, obj.due_on.isoformat(), obj.kind]
                    return redirect("complaints_public:correspondence_thanks", site_code=site.code)
    days, days_kind = services.deadline_rule(site.entity.department, "complaint")
    status = 429 if ERROR_RATE in errors else 413 if ERROR_TOO_LARGE in errors else 200
    return render(
        request,
        "complaints/public_form.html",
        {
            "site": site,
            "form": form,
            "errors": errors,
            "days": days,
            "days_kind": "jours ouvrés" if days_kind == "working" else "jours",
        },
        status=status,
    )


@require_safe
def public_correspondence_thanks(request, site_code):
    site = get_object_or_404(Site, code=site_code)
    stored = request.session.get(SESSION_KEY)
    if not stored:
        raise Http404
    reference, due_on, kind = stored
    return render(
        request,
        "complaints/public_thanks.html",
        {
            "site": site,
            "reference": reference,
            "due_on": timezone.datetime.fromisoformat(due_on).date(),
            "kind": kind,
        },
    )
