"""Tenant isolation, rls strategy: shared tables, a tenant column in every tenant-scoped table,
and PostgreSQL Row Level Security that lets a statement see and write only the rows of the
tenant set for its transaction.

This module is the request path and a tenant's lifecycle (``__all__``). tenancy/bootstrap.py
prepares a database, tenancy/diagnostics.py proves it isolates, tenancy/rls.py holds the SQL
and tenancy/models.py TenantScopedModel. Requests run as the runtime role (DATABASE_URL);
migrations as the owner (DATABASE_OWNER_URL).
"""

import contextvars
from contextlib import contextmanager

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.transaction import TransactionManagementError

from . import rls
from .models import Tenant, TenantScopedModel

__all__ = [
    "RESERVED_SLUGS",
    "current_tenant",
    "drop_tenant",
    "provision_tenant",
    "tenant_context",
    "tenant_models",
    "tenant_session",
]

# A tenant is a row: its slug names no database object, so none collides with the platform's.
RESERVED_SLUGS = frozenset()
_current_tenant = contextvars.ContextVar("current_tenant", default=None)


def current_tenant():
    """The tenant of the innermost tenant_context(), or None."""
    return _current_tenant.get()


@contextmanager
def tenant_context(tenant, using=DEFAULT_DB_ALIAS):
    """Run the block as ``tenant``, atomically: in a transaction (a savepoint when nested) on
    the connection ``using``, whose ``app.tenant_id`` is the tenant's id.

    Use it wherever code runs outside a request: management commands, data migrations,
    background jobs. Requests get it from TenantMiddleware. The setting is made with
    ``set_config(..., true)``: local to the transaction, so it ends with the transaction and a
    pooled connection never carries it into the next request. A nested context restores the
    outer tenant when it ends.
    """
    conn = connections[using]
    previous = _current_tenant.get()
    token = _current_tenant.set(tenant)
    nested = conn.in_atomic_block
    try:
        with transaction.atomic(using=using):
            _set_tenant_setting(conn, tenant)
            yield
            if nested:
                _set_tenant_setting(conn, previous)
    finally:
        _current_tenant.reset(token)


@contextmanager
def tenant_session(tenant, using=DEFAULT_DB_ALIAS):
    """Run the block as ``tenant`` in autocommit, for a command that manages its own
    transactions: ``app.tenant_id`` is set for the session (every transaction the block opens
    sees it), and the connection is closed at the end, so that the setting never outlives
    the block."""
    conn = connections[using]
    if conn.in_atomic_block:
        raise TransactionManagementError("tenant_session() sets the session's tenant: use it outside any transaction.")
    token = _current_tenant.set(tenant)
    try:
        _set_tenant_setting(conn, tenant, local=False)
        yield
    finally:
        conn.close()
        _current_tenant.reset(token)


def _set_tenant_setting(conn, tenant, *, local=True):
    with conn.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, %s)", [rls.TENANT_SETTING, str(tenant.pk) if tenant else "", local])


def provision_tenant(*, slug, name):
    """A tenant is one row: its data is tagged with its id, no schema or table to create."""
    return Tenant.objects.create(slug=slug, name=name)


def drop_tenant(tenant):
    """Delete the tenant and every row of its data."""
    # Inside the tenant: RLS lets the deletion cascade see (and delete) the tenant's rows only.
    with tenant_context(tenant):
        tenant.delete()


def tenant_models():
    """The models whose rows belong to one tenant."""
    return [model for model in apps.get_models() if issubclass(model, TenantScopedModel)]
