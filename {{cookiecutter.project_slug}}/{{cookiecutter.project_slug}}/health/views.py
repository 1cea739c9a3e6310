"""Liveness and readiness probes. Neither ever depends on a tenant.

- health: the process answers. Touches no database, so a database outage never makes an
  orchestrator kill healthy web processes; it never waits for a database slot either.
- ready: this process can serve traffic: the database answers within READY_DEADLINE and every
  check of the tenancy strategy passes (tenancy/diagnostics.py's readiness_checks(): migrations first).
  503 names what failed, never the host, port, socket or role: those go to the log.
"""

import logging
import threading
from concurrent.futures import Future

from django.conf import settings
from django.db import DatabaseError, connection, connections
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from {{ cookiecutter.project_slug }}.load_shedding.admission import address, admission
from {{ cookiecutter.project_slug }}.tenancy.diagnostics import readiness_checks

logger = logging.getLogger(__name__)
BUSY = "busy: every database slot of this process has been waiting on the database"
NO_ANSWER = "no answer within the readiness deadline"
STILL_RUNNING = "no answer: the previous readiness check is still waiting on the database"
_running = {"check": None}  # the check in flight in this process, if any
_running_lock = threading.Lock()

ReadyAnswer = inline_serializer(
    "ReadyAnswer",
    fields={
        "status": serializers.ChoiceField(choices=["ok", "unavailable"]),
        "checks": serializers.DictField(child=serializers.CharField(), required=False),
        "failed": serializers.DictField(child=serializers.JSONField(), required=False),
    },
)


@extend_schema(
    responses={200: inline_serializer("HealthAnswer", fields={"status": serializers.CharField()})},
    description='Liveness: `{"status": "ok"}` whenever the process can answer. Touches no database.',
)
@api_view(["GET", "HEAD"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def health(request):
    """Liveness: 200 whenever the process can answer. Touches no database."""
    return Response({"status": "ok"})


@extend_schema(
    responses={
        200: OpenApiResponse(ReadyAnswer, description="the database answers and every check passes"),
        503: OpenApiResponse(ReadyAnswer, description="the failing check, named"),
    }
)
@api_view(["GET", "HEAD"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def ready(request):
    """Readiness: the database answers in time and every isolation check passes."""
    names = ["database", *(name for name, _check in readiness_checks())]
    failed = _checks_within_deadline()
    if failed:
        return Response({"status": "unavailable", "failed": failed}, status=503)
    return Response({"status": "ok", "checks": dict.fromkeys(names, "ok")})


def _checks_within_deadline():
    """Run the checks in a thread of their own, on a connection of their own, for READY_DEADLINE.

    The probe's thread only waits, so a check stuck on a stalled connection (cut by the
    watchdog soon after) never holds it past the deadline; while one is stuck, the next
    probe says so at once instead of starting another.
    """
    if admission.stalled():
        logger.warning("readiness: %s", BUSY)
        return {"database": BUSY}
    with _running_lock:
        if _running["check"] is not None and not _running["check"].done():
            logger.warning("readiness: %s", STILL_RUNNING)
            return {"database": STILL_RUNNING}
        result = _running["check"] = Future()
    threading.Thread(target=_run_checks, args=(result,), name="readiness-check", daemon=True).start()
    try:
        return result.result(timeout=settings.READY_DEADLINE)
    except TimeoutError:
        logger.warning("readiness: %s (%.1fs)", NO_ANSWER, settings.READY_DEADLINE)
        return {"database": NO_ANSWER}


def _run_checks(result):
    try:
        with admission.deadline(settings.READY_DEADLINE):
            result.set_result(_failed_check())
    except BaseException as exc:  # noqa: BLE001 - handed to the waiting probe, which reports it
        result.set_exception(exc)
    finally:
        connections.close_all()  # this thread's own connections, never reused


def _failed_check():
    """{name: what failed} for the first failing check, or {} when all pass."""
    checks = [("database", _database_answers), *readiness_checks()]
    for name, check in checks:
        try:
            problem = check()
        except DatabaseError as exc:
            # The driver's message names the host, port, socket or role: the log gets it, the body not.
            logger.warning("readiness check %r failed (%s): %s", name, address(connection), str(exc).strip())
            return {name: "unavailable: the database refused or did not answer this check (see the server log)"}
        if problem:
            logger.warning("readiness check %r failed: %s", name, problem)
            return {name: problem}
    return {}


def _database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return None
