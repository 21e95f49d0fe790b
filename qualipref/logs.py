"""Structured logs: every line carries the request id, the user and the path of the request it belongs to.

`RequestLogMiddleware` gives each request an id (kept from a proxy's X-Request-ID when it looks like
one), logs one line per request (method, path, status, duration) and one `access_denied` security
event per 401/403/404/429 answer. `RequestContextFilter`, set on the handler, copies the current
request's fields onto every record, whatever logger wrote it (Django, axes, the apps), and a Celery
task's name and id onto the lines written while it runs.
LOG_FORMAT=json|plain picks the formatter (settings.py).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from django.conf import settings
from django.http import HttpRequest
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

_request = contextvars.ContextVar("qualipref_request", default=None)
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
DENIED_STATUSES = {401, 403, 404, 429}

request_log = logging.getLogger("qualipref.request")
security_log = logging.getLogger("qualipref.security")


def current_request():
    return _request.get()


def _username(request) -> str | None:
    """The user if the request already knows it: never a query from inside a log call."""
    if request is None:
        return None
    user = getattr(request, "_cached_user", None)
    if user is None:
        return None
    return user.get_username() if user.is_authenticated else None


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        request = _request.get()
        if request is None and isinstance(getattr(record, "request", None), HttpRequest):
            request = record.request  # Django logs 4xx/5xx answers after the middleware has returned
        for name, value in (
            ("request_id", getattr(request, "request_id", None)),
            ("user", _username(request)),
            ("path", getattr(request, "path", None)),
            ("method", getattr(request, "method", None)),
        ):
            if not hasattr(record, name):
                setattr(record, name, value)
        if request is None and not hasattr(record, "task_id"):
            from celery import current_task  # a task's lines carry its name and id

            if current_task and current_task.request.id:
                record.task_id, record.task_name = current_task.request.id, current_task.name
        return True


class PlainFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user)s] %(message)s")

    def format(self, record):
        # a copy: other handlers (JSON) see the same record and must keep the real None values
        record = logging.makeLogRecord(record.__dict__)
        for name in ("request_id", "user"):
            if getattr(record, name, None) is None:
                setattr(record, name, "-")
        return super().format(record)


class JSONFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, request fields and any `extra`."""

    def __init__(self):
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, "request", "taskName"],
            json_ensure_ascii=False,
        )


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = _request.set(request)
        start = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - start) * 1000, 1)
            response["X-Request-ID"] = request.request_id
            fields = {"status": response.status_code, "duration_ms": duration_ms}
            # static files (served by WhiteNoise behind this middleware) only when they fail
            quiet = request.path.startswith(settings.STATIC_URL) and response.status_code < 400
            request_log.log(
                logging.DEBUG if quiet else logging.INFO,
                "%s %s %s %sms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra=fields,
            )
            if response.status_code in DENIED_STATUSES:
                security_log.warning(
                    "Accès refusé (%s) à %s",
                    response.status_code,
                    request.path,
                    extra={"event": "access_denied", "status": response.status_code},
                )
            return response
        finally:
            _request.reset(token)
