"""Tenant isolation, schema strategy: one PostgreSQL schema per tenant, via django-tenants.

Everything that depends on the strategy sits here (and in tenancy/models.py); the rest of
the project calls these functions and never touches schemas or search paths itself.
"""

import functools

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.clone import CloneSchema
from django_tenants.utils import get_public_schema_name, schema_exists
from django_tenants.utils import tenant_context as _tenant_context
from psycopg import sql

from .models import PUBLIC_TENANT_SLUG, Tenant

PUBLIC_SCHEMA = get_public_schema_name()
BASE_SCHEMA = settings.TENANT_BASE_SCHEMA
# A slug becomes a schema name; these would collide with the platform's own schemas.
RESERVED_SLUGS = {BASE_SCHEMA.replace("_", "-"), "pg-catalog", "information-schema"}


def current_tenant():
    """The tenant of the innermost tenant_context() (or the request), or None in the public schema."""
    tenant = getattr(connection, "tenant", None)
    if tenant is None or getattr(tenant, "schema_name", PUBLIC_SCHEMA) in (PUBLIC_SCHEMA, BASE_SCHEMA):
        return None
    return tenant


def tenant_context(tenant):
    """Run the block with the connection's search_path set to the tenant's schema.

    Use it wherever code runs outside a request: management commands, data migrations,
    background jobs. Requests get it from TenantMiddleware.
    """
    return _tenant_context(tenant)


def schema_name_for(slug):
    return slug.replace("-", "_")


def provision_tenant(*, slug, name):
    """Create the tenant row and its schema: a copy, tables and rows, of the template schema.

    The copy includes the template's django_migrations rows, so the new schema is recorded as
    fully migrated without running anything. django-tenants' own path (``save()`` with
    TENANT_CREATION_FAKES_MIGRATIONS) clones too, then runs a faked ``migrate_schemas`` that
    only re-records those rows; skipping it saves about a fifth of the time (see
    tests/test_tenant_provisioning_speed.py).
    """
    _migrate_base_schema_if_behind()
    tenant = Tenant(schema_name=schema_name_for(slug), slug=slug, name=name)
    tenant.auto_create_schema = False  # the schema is made here, below
    tenant.save(verbosity=0)
    CloneSchema().clone_schema(BASE_SCHEMA, tenant.schema_name, set_connection=False)
    return tenant


def drop_tenant(tenant):
    tenant.delete(force_drop=True)


def bootstrap_steps():
    return [
        ("shared migrations (public schema)", _migrate_shared),
        ("public tenant", _ensure_public_tenant),
        (f"tenant template schema ({BASE_SCHEMA})", _migrate_base_schema),
        ("tenant migrations (every tenant schema)", _migrate_tenants),
    ]


def _migrate_shared(verbosity):
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)


def _ensure_public_tenant(verbosity):
    Tenant.objects.get_or_create(
        schema_name=PUBLIC_SCHEMA, defaults={"slug": PUBLIC_TENANT_SLUG, "name": "Public (platform)"}
    )


def _migrate_base_schema(verbosity=0):
    """Keep the schema that new tenants are cloned from at the newest migration."""
    if not schema_exists(BASE_SCHEMA):
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(BASE_SCHEMA)))
    call_command("migrate_schemas", tenant=True, schema_name=BASE_SCHEMA, interactive=False, verbosity=verbosity)


def _migrate_base_schema_if_behind():
    # A clone of a stale template would be recorded as fully migrated while missing tables.
    if BASE_SCHEMA in pending_migrations(schemas=[BASE_SCHEMA]):
        _migrate_base_schema()


def _migrate_tenants(verbosity):
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=verbosity)


def tenant_models():
    """The models of the project's own tenant apps: TENANT_APPS without Django's contrib apps."""
    own_apps = {app for app in settings.TENANT_APPS if not app.startswith("django.") and ".apps." not in app}
    return [model for model in apps.get_models() if model._meta.app_config.name in own_apps]


def tenant_schemas():
    return list(Tenant.objects.exclude(schema_name=PUBLIC_SCHEMA).values_list("schema_name", flat=True))


@functools.cache
def _expected_migrations():
    """Every migration of the code base: the same in every process until the next deploy."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def pending_migrations(schemas=None):
    """{schema: [unapplied migrations]} for the public, template and every tenant schema.

    One query for all schemas: readiness probes run it every few seconds, and a loop of
    per-schema queries would grow with the tenant count.
    """
    if schemas is None:
        schemas = [PUBLIC_SCHEMA, BASE_SCHEMA, *tenant_schemas()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)",
            [schemas],
        )
        migrated = [row[0] for row in cursor.fetchall()]
        applied = {schema: set() for schema in schemas}
        if migrated:
            cursor.execute(
                sql.SQL(" UNION ALL ").join(
                    sql.SQL("SELECT {}, app, name FROM {}.django_migrations").format(
                        sql.Literal(schema), sql.Identifier(schema)
                    )
                    for schema in migrated
                )
            )
            for schema, app, name in cursor.fetchall():
                applied[schema].add((app, name))
    pending = {}
    for schema in schemas:
        if schema not in migrated:
            pending[schema] = ["(no migrations table: run manage.py bootstrap)"]
        elif missing := _expected_migrations() - applied[schema]:
            pending[schema] = sorted(f"{app}.{name}" for app, name in missing)
    return pending


def isolation_violations():
    """Every reason isolation is not guaranteed: a missing or not fully migrated schema."""
    pending = pending_migrations()
    return [f"schema {schema!r} is not fully migrated: {', '.join(names)}" for schema, names in pending.items()]
