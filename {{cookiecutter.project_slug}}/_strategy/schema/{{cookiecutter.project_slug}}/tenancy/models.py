"""Tenants, their domains, and the memberships that give users access to them.

A tenant is a django-tenants tenant: its data lives in a PostgreSQL schema of its own.
"""

from django.conf import settings
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name

from .membership import Membership  # noqa: F401 (a model of this app: imported so Django registers it)

# The platform's own row: django-tenants' public tenant, whose schema holds the shared
# tables; never a customer.
PUBLIC_TENANT_SLUG = "public"
PUBLIC_SCHEMA = get_public_schema_name()
# The schema new tenants are cloned from, kept fully migrated by bootstrap.
BASE_SCHEMA = settings.TENANT_BASE_SCHEMA


class TenantQuerySet(models.QuerySet):
    def customers(self):
        """Every real tenant, without the platform's own public row."""
        return self.exclude(slug=PUBLIC_TENANT_SLUG)


class Tenant(TenantMixin):
    """A customer. Its data lives in the PostgreSQL schema ``schema_name``."""

    # Drop the schema only when delete_tenant asks for it explicitly (force_drop=True).
    auto_drop_schema = False
    # The migrations its schema was last brought to (a fingerprint), recorded by bootstrap and
    # provisioning: readiness compares these rows instead of reading every schema's own table.
    migration_state = models.CharField(max_length=64, blank=True, default="", editable=False)

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)
    # Set by `manage.py suspend_tenant`: every tenant-scoped request then answers 403 (IsTenantMember).
    suspended_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.slug

    @property
    def state(self):
        """Whether requests are served: "active", or "suspended" by an operator (suspend_tenant)."""
        return "suspended" if self.suspended_at else "active"

    @property
    def primary_domain(self):
        domain = self.domains.filter(is_primary=True).first()
        return domain.domain if domain else ""


class Domain(DomainMixin):
    """A host name that routes to a tenant (subdomain routing)."""

    def __str__(self):
        return self.domain
