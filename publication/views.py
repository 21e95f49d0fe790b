"""Internal pages (behind login): prepare, review, publish and withdraw a site's public snapshot."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qualipref.timeline import timeline_for
from sites.access import WRITE, scope_for

from . import selectors, services
from .forms import PrepareForm
from .models import Snapshot


@require_safe
def snapshot_list(request):
    snapshots = list(selectors.snapshots_for_user(request.user).order_by("-created_at")[:200])
    return render(
        request,
        "publication/snapshot_list.html",
        {
            "sites": selectors.sites_overview_for_user(request.user),
            "snapshots": snapshots,
            "writable_site_ids": scope_for(request.user).site_ids(WRITE),
            "breadcrumbs": [("Publication des résultats", None)],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def snapshot_prepare(request, site_code):
    site = selectors.writable_site_for_user(request.user, site_code)
    form = PrepareForm(request.POST or None, site=site)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            snapshot = services.snapshot_prepare(
                site=site,
                start=data["period_start"],
                end=data["period_end"],
                families=data["families"],
                campaign=data["campaign"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Brouillon préparé : vérifiez les chiffres, puis publiez-les.")
            return redirect(snapshot)
    return render(
        request,
        "publication/snapshot_prepare.html",
        {
            "site": site,
            "form": form,
            "breadcrumbs": [
                ("Publication des résultats", reverse("publication_admin:snapshot_list")),
                (f"Préparer · {site.name}", None),
            ],
        },
    )


@require_safe
def snapshot_detail(request, pk):
    snapshot = selectors.snapshot_for_user(request.user, pk)
    return render(
        request,
        "publication/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "sections": selectors.sections_of(
                Snapshot.objects.prefetch_related("figures").get(pk=snapshot.pk)
            ),
            "can_write": selectors.can_write(request.user, snapshot),
            "timeline": timeline_for(snapshot),
            "breadcrumbs": [
                ("Publication des résultats", reverse("publication_admin:snapshot_list")),
                (f"{snapshot.site.name} · {snapshot.period_label}", None),
            ],
        },
    )


def _post_action(request, pk, action):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    snapshot = selectors.snapshot_for_user(request.user, pk, perm=WRITE)
    try:
        action(snapshot)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(snapshot)
    return None


@require_POST
def snapshot_publish(request, pk):
    def act(snapshot):
        ids = request.POST.getlist("figures") if snapshot.is_draft else None
        services.snapshot_publish(snapshot=snapshot, figure_ids=ids, by=request.user)
        messages.success(
            request, "Publication en ligne : la page publique du site montre désormais ces chiffres."
        )

    return _post_action(request, pk, act) or redirect("publication_admin:snapshot_detail", pk=pk)


@require_POST
def snapshot_withdraw(request, pk):
    def act(snapshot):
        services.snapshot_withdraw(snapshot=snapshot, by=request.user)
        messages.success(request, "Publication retirée : elle n'apparaît plus sur la page publique.")

    return _post_action(request, pk, act) or redirect("publication_admin:snapshot_detail", pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
def snapshot_delete(request, pk):
    if request.method == "GET":
        snapshot = selectors.snapshot_for_user(request.user, pk, perm=WRITE)
        return render(
            request,
            "publication/snapshot_confirm_delete.html",
            {
                "snapshot": snapshot,
                "breadcrumbs": [
                    ("Publication des résultats", reverse("publication_admin:snapshot_list")),
                    (f"{snapshot.site.name} · {snapshot.period_label}", snapshot.get_absolute_url()),
                    ("Supprimer", None),
                ],
            },
        )

    def act(snapshot):
        services.snapshot_delete(snapshot=snapshot, by=request.user)
        messages.success(request, "Brouillon supprimé.")

    return _post_action(request, pk, act) or redirect("publication_admin:snapshot_list")
