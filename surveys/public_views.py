"""The public questionnaire (no login): choose the unit, answer, thanks. Abuse-limited by a honeypot,
a rate limit per address (Django cache) and a signed one-visit token."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from qualipref import ratelimit, versions
from sites.models import Site

from . import selectors, services
from .forms import HONEYPOT_FIELD, QuestionnaireForm

TOKEN_SALT = "surveys.questionnaire"
TOKEN_MAX_AGE = 4 * 3600  # a visit: long enough to answer slowly, short enough to stop replays
RATE_LIMIT = getattr(settings, "SURVEYS_RATE_LIMIT", 10)  # submissions per address and window
RATE_WINDOW = getattr(settings, "SURVEYS_RATE_WINDOW", 3600)
EXPIRED_MESSAGE = "Le formulaire a expiré : vérifiez vos réponses puis envoyez-le à nouveau."
RATE_LIMIT_MESSAGE = (
    "Trop de réponses ont été envoyées depuis cette connexion. Merci de réessayer dans une heure."
)


def new_token(unit) -> str:
    return signing.dumps({"u": unit.pk, "n": secrets.token_hex(16)}, salt=TOKEN_SALT, compress=True)


def read_token(token: str, unit) -> str:
    """The visit's nonce; signing.SignatureExpired when too old, BadSignature when forged or for
    another unit."""
    data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    if data.get("u") != unit.pk:
        raise signing.BadSignature("token for another unit")
    return data["n"]


def _site(site_code):
    return get_object_or_404(Site.objects.select_related("entity"), code=site_code)


@require_safe
@never_cache
def questionnaire_start(request, site_code):
    site = _site(site_code)
    units = selectors.open_units_for_site(site)
    if len(units) == 1:
        return redirect("surveys_public:questionnaire", site_code=site.code, unit_code=units[0].code)
    return render(request, "surveys/public/choose_unit.html", {"site": site, "units": units})


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def questionnaire(request, site_code, unit_code):
    site = _site(site_code)
    # what the questionnaire writes counts for its site's département only (qualipref.versions)
    with versions.writes_for([site.entity.department_id]):
        return _questionnaire(request, site, unit_code)


def _questionnaire(request, site, unit_code):
    unit = selectors.unit_for_questionnaire(site, unit_code)
    if unit is None:
        raise Http404("Aucun questionnaire à cette adresse.")
    campaign = unit.campaign
    context = {"site": site, "unit": unit, "campaign": campaign}
    if not campaign.is_open:
        return render(request, "surveys/public/closed.html", context)
    criteria = campaign.criteria.order_by("order", "pk")
    if request.method != "POST":
        form = QuestionnaireForm(initial={"token": new_token(unit)}, criteria=criteria)
        return render(request, "surveys/public/questionnaire.html", {**context, "form": form})

    if ratelimit.hit("surveys", request, limit=RATE_LIMIT, window=RATE_WINDOW):
        return render(
            request, "surveys/public/closed.html", {**context, "message": RATE_LIMIT_MESSAGE}, status=429
        )
    form = QuestionnaireForm(request.POST, criteria=criteria)
    if form.is_bot:
        # A robot filled the hidden field: thank it and keep nothing.
        return redirect("surveys_public:thanks", site_code=site.code)
    error = None
    if form.is_valid():
        try:
            nonce = read_token(form.cleaned_data["token"], unit)
        except signing.SignatureExpired:
            error = EXPIRED_MESSAGE
        except signing.BadSignature:
            error = "Ce formulaire n'est pas valide : rechargez la page."
        else:
            try:
                services.response_submit(
                    unit=unit, token=nonce, answers=form.answers(), comment=form.cleaned_data["comment"]
                )
            except ValidationError as exc:
                if exc.code == "closed":
                    return render(request, "surveys/public/closed.html", context)
                if exc.code == "duplicate":
                    return redirect("surveys_public:thanks", site_code=site.code)
                error = " ".join(exc.messages)
            else:
                return redirect("surveys_public:thanks", site_code=site.code)
    if error:
        data = request.POST.copy()
        data["token"] = new_token(unit)
        form = QuestionnaireForm(data, criteria=criteria)
        form.is_valid()
    return render(
        request, "surveys/public/questionnaire.html", {**context, "form": form, "error": error}, status=400
    )


@require_safe
def thanks(request, site_code):
    return render(request, "surveys/public/thanks.html", {"site": _site(site_code)})


__all__ = ["HONEYPOT_FIELD"]
