from sites.access import READ, get_for_user, visible

from .models import ReportRun


def runs_for_user(user, *, kind: str | None = None, department=None):
    runs = visible(user, ReportRun.objects).select_related("department", "requested_by")
    if kind:
        runs = runs.filter(kind=kind)
    if department is not None:
        runs = runs.filter(department=department)
    return runs.order_by("-created_at")


def run_for_user(user, pk, *, perm: str = READ):
    """One run of the user's scope: 404 outside it, 403 when `perm` is not held on its département."""
    return get_for_user(
        ReportRun.objects.select_related("department", "requested_by"), user, perm=perm, pk=pk
    )
