"""One rate limit for the public forms (complaints, questionnaires): a counter per scope and client
address in the Django cache, for a fixed window.

Only a keyed hash of the address is stored. When the cache is unreachable (Redis down), the limit
fails open: the form keeps working and the outage is logged, since refusing every citizen's
complaint would be worse than letting a burst through for a while."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(scope: str, request) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_address(request)}".encode()).hexdigest()
    return f"ratelimit:{scope}:{digest[:32]}"


def hit(scope: str, request, *, limit: int, window: int) -> bool:
    """Count one attempt of this client in `scope`; True when it goes beyond `limit` attempts in the
    window (the attempt must then be refused)."""
    key = _key(scope, request)
    try:
        if cache.add(key, 1, window):
            count = 1
        else:
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, window)
                count = 1
    except Exception:  # the cache itself is down: fail open, and say so
        logger.warning("rate limit %s unavailable (cache unreachable): attempt allowed", scope, exc_info=True)
        return False
    return count > limit
