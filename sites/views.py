from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from referential.models import LabelScope
from referential.selectors import label_history

from . import selectors


@require_safe
def organisation(request):
    return render(request, "sites/organisation.html", {"entities": selectors.entities_for_user(request.user)})


@require_safe
def site_detail(request, code):
    site = selectors.site_for_user(request.user, code)
    return render(
        request,
        "sites/site_detail.html",
        {
            "site": site,
            "reception_points": site.reception_points.order_by("order", "name"),
            "label_scopes": LabelScope.objects.filter(entity_id=site.entity_id)
            .current(timezone.localdate())
            .select_related("module")
            .order_by("module__number"),
        },
    )


@require_safe
def entity_detail(request, pk):
    entity = selectors.entity_for_user(request.user, pk)
    sites = selectors.entities_for_user(request.user).get(pk=entity.pk).sites.all()
    return render(
        request,
        "sites/entity_detail.html",
        {
            "entity": entity,
            "sites": sites,
            "label_scopes": label_history(entity),
        },
    )
