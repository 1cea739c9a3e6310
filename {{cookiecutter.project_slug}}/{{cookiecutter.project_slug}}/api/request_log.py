"""Logs a team can search: one JSON line per request, and request id and tenant on every line.

RequestLogMiddleware gives each request an id (the caller's X-Request-ID when it is a plain
token, a new one otherwise; echoed in the answer) and, when the request ends, writes one
"request" line: method, path, status, duration, tenant slug, user id. RequestContextFilter
adds the request id and tenant slug of the request being served to every record written
while it runs, from any logger. JsonFormatter writes each record as one JSON object.
Hand-written (docs/decisions/request-logs.md): three small classes, no dependency.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.core.signals import request_finished

logger = logging.getLogger("{{ cookiecutter.project_slug }}.requests")
_current_request = contextvars.ContextVar("current_request", default=None)
REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only when it cannot forge a log line or carry a payload.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _tenant_slug(request):
    tenant = getattr(request, "tenant", None)
    return getattr(tenant, "slug", None)


def _user_id(request):
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = offered if VALID_REQUEST_ID.match(offered) else uuid.uuid4().hex
        # Set until request_finished, not only inside this middleware: Django logs a 4xx/5xx
        # ("Not Found: /api/...") after every middleware has returned.
        _current_request.set(request)
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(request),
            },
        )
        return response


def current_request():
    """The request being served (Django's), or None outside a request."""
    return _current_request.get()


def _request_finished(**kwargs):
    _current_request.set(None)


request_finished.connect(_request_finished, dispatch_uid="request_log_finished")


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``tenant`` (None outside a request) to every record."""

    def filter(self, record):
        request = _current_request.get()
        record.request_id = getattr(request, "request_id", None)
        record.tenant = _tenant_slug(request) if request is not None else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and every extra field."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: value for key, value in vars(record).items() if key not in STANDARD_ATTRIBUTES})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
