"""Tenants, their domains, and the memberships that give users access to them.

A tenant is one row; TenantScopedModel tags every tenant-scoped row with it.
"""

from django.db import models
from django.db.models.fields.related import lazy_related_operation
from django.db.models.signals import class_prepared
from django.utils.deconstruct import deconstructible

from .membership import Membership  # noqa: F401 (a model of this app: imported so Django registers it)
from .rls import TENANT_ID_SQL, SameTenantForeignKey, TenantIsolation, same_tenant_foreign_key_name

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

    template = TENANT_ID_SQL
    output_field = models.BigIntegerField()


class TenantScopedModel(models.Model):
    """Base of every tenant-scoped model: the tenant column that Row Level Security checks.

    The database fills ``tenant`` from the transaction's tenant (a column default), so views
    and serializers never set it, and an insert outside a tenant fails (NOT NULL) instead of
    landing nowhere. Each subclass also gets, next to the constraints of its own Meta, its
    isolation as constraints that makemigrations writes: TenantIsolation (RLS enabled, forced,
    and the policy), ``(id, tenant)`` unique (what composite keys point at), and a
    SameTenantForeignKey for each foreign key to another tenant-scoped model; and an index on
    ``(tenant, id)`` unless its Meta declares one, so a list pages through its own tenant's rows.
    """

    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, editable=False, db_default=CurrentTenantId(), related_name="+"
    )

    class Meta:
        abstract = True


def _add_constraints(meta, *constraints):
    meta.constraints = [*meta.constraints, *constraints]
    # makemigrations reads a model's constraints only when its Meta declared some.
    meta.original_attrs["constraints"] = meta.constraints


def _declares_tenant_id_index(meta):
    return any(list(index.fields[:2]) == ["tenant", meta.pk.name] for index in meta.indexes)


def _declares_id_tenant_unique(meta):
    return any(
        isinstance(constraint, models.UniqueConstraint)
        and set(constraint.fields) == {meta.pk.name, "tenant"}
        and constraint.condition is None
        for constraint in meta.constraints
    )


def _add_tenant_constraints(sender, **kwargs):
    """Put a new TenantScopedModel's isolation into its constraints (class_prepared)."""
    meta = sender._meta
    # A proxy shares its model's table; a child of multi-table inheritance has no tenant column.
    if not issubclass(sender, TenantScopedModel) or meta.abstract or meta.proxy:
        return
    if "tenant" not in {field.name for field in meta.local_fields}:
        return
    _add_constraints(meta, TenantIsolation(name=f"{meta.db_table}_tenant_isolation"))
    if not _declares_id_tenant_unique(meta):
        unique = models.UniqueConstraint(fields=[meta.pk.name, "tenant"], name=f"{meta.model_name}_id_tenant_unique")
        _add_constraints(meta, unique)
    if not _declares_tenant_id_index(meta):
        # Index names are at most 30 characters.
        index = models.Index(fields=["tenant", meta.pk.name], name=f"{meta.model_name[:16]}_tenant_id_idx")
        meta.indexes = [*meta.indexes, index]
        meta.original_attrs["indexes"] = meta.indexes
    for field in meta.local_fields:
        if field.many_to_one and field.name != "tenant" and field.db_constraint:
            # The target may not be loaded yet: add the key once it is.
            lazy_related_operation(_add_same_tenant_key, sender, field.remote_field.model, field=field)


def _add_same_tenant_key(model, target, field):
    if issubclass(target, TenantScopedModel):
        name = same_tenant_foreign_key_name(model._meta.db_table, field.column)
        _add_constraints(model._meta, SameTenantForeignKey(field=field.name, name=name))


class_prepared.connect(_add_tenant_constraints)
