"""Tenant isolation, schema strategy: one PostgreSQL schema per tenant, via django-tenants.

This module is the request path and a tenant's lifecycle (``__all__``). tenancy/bootstrap.py
prepares a database and tenancy/diagnostics.py proves it isolates. The rest of the project
never touches schemas or search paths itself.
"""

from contextlib import contextmanager, nullcontext

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.transaction import TransactionManagementError
from django_tenants.utils import schema_context as _schema_context
from django_tenants.utils import tenant_context as _tenant_context

from . import template_schema
from .bootstrap import migrate_base_schema_if_behind
from .diagnostics import current_migration_state
from .models import BASE_SCHEMA, PUBLIC_SCHEMA, Tenant

__all__ = [
    "RESERVED_SLUGS",
    "current_tenant",
    "drop_tenant",
    "provision_tenant",
    "tenant_context",
    "tenant_models",
    "tenant_session",
]

# A slug becomes a schema name; these would collide with the platform's own schemas.
RESERVED_SLUGS = frozenset({BASE_SCHEMA.replace("_", "-"), "pg-catalog", "information-schema"})


def current_tenant():
    """The tenant of the innermost tenant_context() (or the request), or None in the public schema."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "schema_name", PUBLIC_SCHEMA) in (PUBLIC_SCHEMA, BASE_SCHEMA):
        return None
    return tenant


@contextmanager
def tenant_context(tenant, using=DEFAULT_DB_ALIAS):
    """Run the block as ``tenant``, atomically: in a transaction (a savepoint when nested) on
    the connection ``using``, whose search_path is the tenant's schema.

    Use it wherever code runs outside a request: management commands, data migrations,
    background jobs. Requests get it from TenantMiddleware. The search_path is set for the
    transaction only (tenancy/postgresql/base.py): it ends with it, so a pooled connection
    never carries it into the next request, behind PgBouncer in transaction mode too.
    """
    # The tenant outside the transaction: its end (COMMIT, or RELEASE of a nested one) runs
    # while the search_path is still the tenant's, so it is not set once more just for that.
    with _tenant_context(tenant, database=using), transaction.atomic(using=using):
        yield


@contextmanager
def tenant_session(tenant, using=DEFAULT_DB_ALIAS):
    """Run the block as ``tenant`` in autocommit, for a command that manages its own
    transactions: the session's search_path is the tenant's schema (each transaction the
    block opens sets it too), and the connection is closed at the end, so that no setting of
    the session outlives the block."""
    conn = connections[using]
    if conn.in_atomic_block:
        raise TransactionManagementError("tenant_session() sets the session's tenant: use it outside any transaction.")
    try:
        with _tenant_context(tenant, database=using):
            yield
    finally:
        conn.close()


def schema_name_for(slug):
    return slug.replace("-", "_")


def provision_tenant(*, slug, name):
    """Create the tenant row and its schema: a copy, tables and rows, of the template schema.

    The copy is the template schema's DDL, read from the catalog once per migration state and replayed
    in one round trip (tenancy/template_schema.py): no migration runs, no PL/pgSQL, and the
    cost stays flat however many tenants one process creates. The copy includes the template
    schema's django_migrations rows, so the new schema is recorded as fully migrated.
    """
    migrate_base_schema_if_behind()
    tenant = Tenant(schema_name=schema_name_for(slug), slug=slug, name=name)
    tenant.auto_create_schema = False  # the schema is made here, below
    # From the public schema, whichever tenant the connection serves: a workspace may be made
    # by a request on a tenant's host (a public path answers there too).
    in_public = connection.schema_name == PUBLIC_SCHEMA
    with nullcontext() if in_public else _schema_context(PUBLIC_SCHEMA), connection.cursor() as cursor:
        template_schema.create_schema_from(cursor, BASE_SCHEMA, tenant.schema_name)
        tenant.migration_state = current_migration_state()
        tenant.save(verbosity=0)
    return tenant


def drop_tenant(tenant):
    """Delete the tenant and every row of its data: its schema is dropped."""
    tenant.delete(force_drop=True)


def tenant_models():
    """The models of the project's own tenant apps: TENANT_APPS without Django's contrib apps."""
    own_apps = {app for app in settings.TENANT_APPS if not app.startswith("django.") and ".apps." not in app}
    return [model for model in apps.get_models() if model._meta.app_config.name in own_apps]
