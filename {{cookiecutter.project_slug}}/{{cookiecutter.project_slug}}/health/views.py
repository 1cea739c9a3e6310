"""Liveness and readiness probes. Neither ever depends on a tenant.

- health: the process answers. Touches no database, so a database outage never makes an
  orchestrator kill healthy web processes; it never waits for a database slot either.
- ready: this process can serve traffic: the database answers within READY_DEADLINE and every
  check of tenancy/isolation.py passes (migrations, and the runtime role's privileges with rls).
  503 names what failed, never the host, port, socket or role: those go to the log.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from {{ cookiecutter.project_slug }}.tenancy.isolation import readiness_checks

from .admission import NoSlot, admission

logger = logging.getLogger(__name__)
# Seconds readiness waits for a database slot: a busy process is "not ready" soon enough for
# the probe's own timeout, which READY_DEADLINE plus this stays under (3 s).
READY_SLOT_WAIT = 0.5

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
    """Readiness: the database answers in time and every schema is migrated and usable."""
    names = ["database", *(name for name, _check in readiness_checks())]
    try:
        with admission.slot(deadline=settings.READY_DEADLINE, wait=READY_SLOT_WAIT):
            failed = _failed_check()
    except NoSlot:
        logger.warning("readiness: no database slot free; every slot of this process waits on the database")
        failed = {"database": "busy: every database slot of this process is waiting on the database"}
    if failed:
        return Response({"status": "unavailable", "failed": failed}, status=503)
    return Response({"status": "ok", "checks": dict.fromkeys(names, "ok")})


def _failed_check():
    """{name: what failed} for the first failing check, or {} when all pass."""
    checks = [("database", _database_answers), *readiness_checks()]
    for name, check in checks:
        try:
            problem = check()
        except DatabaseError as exc:
            # The driver's message names the host, port, socket or role: the log gets it, the body not.
            settings_dict = connection.settings_dict
            logger.warning(
                "readiness check %r failed (host %s, port %s, user %s): %s",
                name,
                settings_dict.get("HOST") or settings_dict.get("OPTIONS", {}).get("host"),
                settings_dict.get("PORT"),
                settings_dict.get("USER"),
                str(exc).strip(),
            )
            return {name: "unavailable: the database refused or did not answer this check (see the server log)"}
        if problem:
            logger.warning("readiness check %r failed: %s", name, problem)
            return {name: problem}
    return {}


def _database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return None
