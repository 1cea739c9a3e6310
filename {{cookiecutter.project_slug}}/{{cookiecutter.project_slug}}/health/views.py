"""Liveness and readiness probes. Neither ever depends on a tenant.

- health: the process answers. Touches no database, so a database outage never makes an
  orchestrator kill healthy web processes.
- ready: this process can serve traffic: the database answers and no migration is pending
  anywhere (in every tenant schema, for the schema strategy). 503 names what failed.
"""

from django.db import connection
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from {{ cookiecutter.project_slug }}.tenancy.isolation import readiness_problems


@extend_schema(responses={200: OpenApiResponse(description='{"status": "ok"}')})
@api_view(["GET", "HEAD"])
@authentication_classes([])
@permission_classes([AllowAny])
def health(request):
    """Liveness: 200 whenever the process can answer. Touches no database."""
    return Response({"status": "ok"})


@extend_schema(
    responses={
        200: OpenApiResponse(description="the database answers and no migration is pending"),
        503: OpenApiResponse(description="the failing check, named"),
    }
)
@api_view(["GET", "HEAD"])
@authentication_classes([])
@permission_classes([AllowAny])
def ready(request):
    """Readiness: the database answers and every schema is fully migrated."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", and is reported
        return Response({"status": "unavailable", "failed": {"database": str(exc).strip()}}, status=503)
    pending = readiness_problems()
    if pending:
        return Response({"status": "unavailable", "failed": {"migrations": pending}}, status=503)
    return Response({"status": "ok", "checks": {"database": "ok", "migrations": "ok"}})
