"""Tenants, their domains, and the memberships that give users access to them.

A tenant is one row; TenantScopedModel tags every tenant-scoped row with it.
"""

from django.db import models
from django.utils.deconstruct import deconstructible

from .membership import Membership  # noqa: F401 (a model of this app: imported so Django registers it)
from .rls import TENANT_SETTING

# The platform's own name: no customer may take it (services.RESERVED_SLUGS).
PUBLIC_TENANT_SLUG = "public"


class TenantQuerySet(models.QuerySet):
    def customers(self):
        """Every real tenant: none may be the platform's own."""
        return self.exclude(slug=PUBLIC_TENANT_SLUG)


class Tenant(models.Model):
    """A customer. Its rows carry its id in every tenant-scoped table."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.slug

    @property
    def primary_domain(self):
        domain = self.domains.filter(is_primary=True).first()
        return domain.domain if domain else ""


class Domain(models.Model):
    """A host name that routes to a tenant (subdomain routing)."""

    domain = models.CharField(max_length=253, unique=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="domains")
    is_primary = models.BooleanField(default=True, db_index=True)

    def __str__(self):
        return self.domain


@deconstructible(path="{{ cookiecutter.project_slug }}.tenancy.models.CurrentTenantId")
class CurrentTenantId(models.Func):
    """The tenant that tenant_context() set for this transaction; NULL when none is set."""

    template = f"NULLIF(current_setting('{TENANT_SETTING}', true), '')::bigint"
    output_field = models.BigIntegerField()


class TenantScopedModel(models.Model):
    """Base of every tenant-scoped model: the tenant column that Row Level Security checks.

    The database fills ``tenant`` from the transaction's tenant (a column default), so views
    and serializers never set it, and an insert outside a tenant fails (NOT NULL) instead of
    landing nowhere. A subclass needs a migration with ``tenant_table_security()``
    (see tenancy/rls.py and projects/migrations/0002_row_level_security.py).
    """

    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, editable=False, db_default=CurrentTenantId(), related_name="+"
    )

    class Meta:
        abstract = True
