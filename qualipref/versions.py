"""Figures cached until a write changes them: a counter per (kind of rows, site) in the database.

- `bump(kind, site_ids)`: called by every write of such rows (a signal of the app that owns them), in the
  writer's transaction (rolled back with it). One statement per site (an upsert).
- `stamp(kind, site_ids)`: the sum of the counters of these sites (one query); it grows with every write
  on any of them.
- `cached(key, kind, site_ids, compute)`: `compute()` stored in Django's cache under the key, the stamp and
  the day; read back while no write has happened on these sites. The key must name everything the value
  depends on besides the rows (the user, the selection's SQL…): a cached value is never shared across
  users (callers put the user's id in the key).

The stamp is read *before* computing: a write that commits meanwhile leaves the value under the old stamp,
which the next reader no longer asks for.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .models import DataVersion

TIMEOUT = 6 * 3600


def bump(kind: str, site_ids) -> None:
    table = DataVersion._meta.db_table
    rows = [(kind, int(site_id)) for site_id in set(site_ids) if site_id is not None]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} AS v (kind, site_id, version) VALUES (%s, %s, 1) "
            "ON CONFLICT (kind, site_id) DO UPDATE SET version = v.version + 1",
            rows,
        )


def stamp(kind: str, site_ids) -> int:
    from django.db.models import Sum

    total = DataVersion.objects.filter(kind=kind, site_id__in=sorted(site_ids)).aggregate(s=Sum("version"))
    return total["s"] or 0


def cached(key: str, kind: str, site_ids, compute, *, today=None):
    site_ids = sorted(set(site_ids))
    today = today or timezone.localdate()
    version = stamp(kind, site_ids)
    digest = hashlib.sha256(f"{key}|{site_ids}|{today.isoformat()}".encode()).hexdigest()[:32]
    full_key = f"qp:v:{kind}:{digest}:{version}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, TIMEOUT)
    return value
