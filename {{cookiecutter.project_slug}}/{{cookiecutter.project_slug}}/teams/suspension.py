"""Suspension: an operator stops a tenant without deleting anything (unpaid, abused, under review).

A suspended tenant answers every tenant-scoped request, its owners' included, with 403
``{"detail": "This tenant is suspended."}`` (IsTenantMember, and the admin site); its data,
members and routing stay, and ``resume_tenant`` serves it again as it was. GET /api/v1/auth/me/
shows each membership's ``state``.

Web processes route by a per-process cache of tenants (tenancy/tenant_cache.py): the process
that saves the change serves it from its next request, every other one within
TENANT_CACHE_SECONDS.
"""

from django.utils import timezone

from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import TenantError


def _tenant(slug):
    tenant = Tenant.objects.customers().filter(slug=slug).first()
    if tenant is None:
        raise TenantError(f"No tenant with the slug {slug!r}. `manage.py list_tenants` lists them.")
    return tenant


def set_suspended(slug, suspended):
    """Suspend the tenant ``slug``, or serve it again; returns it, and whether that changed its state."""
    tenant = _tenant(slug)
    if (tenant.suspended_at is not None) == suspended:
        return tenant, False
    tenant.suspended_at = timezone.now() if suspended else None
    tenant.save(update_fields=["suspended_at"])  # a save: this process's tenant cache is cleared (tenancy/apps.py)
    return tenant, True
