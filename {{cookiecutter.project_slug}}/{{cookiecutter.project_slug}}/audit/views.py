"""The audit trail, read by the tenant's admins and owners: newest first, paginated like every list.

Read-only: no view writes an entry but through audit.trail.record(), and none changes one.
The database shows a request only its own tenant's entries (tenancy/isolation.py).
"""

from rest_framework import generics

from {{ cookiecutter.project_slug }}.tenancy.permissions import IsTenantAdmin

from .models import AuditEntry
from .serializers import AuditEntrySerializer


class AuditTrailView(generics.ListAPIView):
    """Who did what in this tenant, newest first."""

    queryset = AuditEntry.objects.order_by("-at", "-id")
    serializer_class = AuditEntrySerializer
    permission_classes = [IsTenantAdmin]
