from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audits.selectors import readiness_overview
from publication.selectors import stale_publications
from referential.selectors import label_overview
from sites.access import scope_for
from sites.models import Role


def home(request):
    entities = list(label_overview(request.user))
    return render(
        request,
        "home.html",
        {
            "entities": entities,
            "site_count": sum(len(e.sites.all()) for e in entities),
            "readiness": readiness_overview(request.user) if entities else [],
            "stale_publications": stale_publications(request.user)
            if Role.QUALITY_MANAGER in scope_for(request.user).roles
            else [],
        },
    )


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "down"; the reason goes in the answer
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _broker_status() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not configured (tasks run eagerly)"
    from kombu import Connection

    # Bounded wait: a broker that accepts connections but never answers is "down" within seconds
    # (without socket timeouts the Redis client would wait forever and the health check with it).
    options = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "socket_connect_timeout": 2, "socket_timeout": 2}
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    database, broker = _database_status(), _broker_status()
    healthy = database == "ok" and not broker.startswith("error")
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )
