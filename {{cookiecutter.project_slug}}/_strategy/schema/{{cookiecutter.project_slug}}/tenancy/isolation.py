"""Tenant isolation, schema strategy: one PostgreSQL schema per tenant, via django-tenants.

Everything that depends on the strategy sits here (and in tenancy/models.py); the rest of
the project uses only the names of ``__all__``, the seam that tenancy/seam.py describes, and
never touches schemas or search paths itself.
"""

import functools
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import get_public_schema_name, schema_exists
from django_tenants.utils import tenant_context as _tenant_context
from psycopg import sql

from . import template_schema
from .cache_table import create_cache_table
from .models import PUBLIC_TENANT_SLUG, Tenant

# The seam: the only names the rest of the project may use (tenancy/seam.py says what each means).
__all__ = [
    "RESERVED_SLUGS",
    "bootstrap_steps",
    "current_tenant",
    "drop_tenant",
    "isolation_violations",
    "provision_tenant",
    "readiness_checks",
    "tenant_context",
    "tenant_models",
]

PUBLIC_SCHEMA = get_public_schema_name()
BASE_SCHEMA = settings.TENANT_BASE_SCHEMA
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


def schema_name_for(slug):
    return slug.replace("-", "_")


def provision_tenant(*, slug, name):
    """Create the tenant row and its schema: a copy, tables and rows, of the template schema.

    The copy is the template schema's DDL, read from the catalog once per migration state and replayed
    in one round trip (tenancy/template_schema.py): no migration runs, no PL/pgSQL, and the
    cost stays flat however many tenants one process creates. The copy includes the template
    schema's django_migrations rows, so the new schema is recorded as fully migrated.
    """
    _migrate_base_schema_if_behind()
    tenant = Tenant(schema_name=schema_name_for(slug), slug=slug, name=name)
    tenant.auto_create_schema = False  # the schema is made here, below
    with connection.cursor() as cursor:
        template_schema.create_schema_from(cursor, BASE_SCHEMA, tenant.schema_name)
    tenant.migration_state = current_migration_state()
    tenant.save(verbosity=0)
    return tenant


def drop_tenant(tenant):
    """Delete the tenant and every row of its data: its schema is dropped."""
    tenant.delete(force_drop=True)


def bootstrap_steps():
    """(name, step) pairs that bootstrap runs in order; a step takes ``verbosity``."""
    return [
        ("shared migrations (public schema)", _migrate_shared),
        ("shared cache table (public schema)", lambda verbosity: create_cache_table(verbosity, "default")),
        ("public tenant", _ensure_public_tenant),
        (f"tenant template schema ({BASE_SCHEMA})", _migrate_base_schema),
        ("tenant migrations (every tenant schema)", _migrate_tenants),
    ]


def _migrate_shared(verbosity):
    if PUBLIC_SCHEMA in pending_migrations(schemas=[PUBLIC_SCHEMA]):
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


def _migrate_base_schema_if_behind(verbosity=0):
    # A clone of a stale template would be recorded as fully migrated while missing tables.
    if BASE_SCHEMA in pending_migrations(schemas=[BASE_SCHEMA]):
        _migrate_base_schema(verbosity)


class TenantMigrationsFailed(RuntimeError):
    """Some tenant schemas could not be migrated; the others were."""


def _migrate_tenants(verbosity):
    """Migrate only the tenant schemas that are behind (found in one query), in parallel.

    Every schema is tried; the ones that fail are named together at the end, and the ones that
    succeed stay migrated. Each schema's migration state is recorded on its tenant row, which
    is what readiness reads (one row per tenant, no lock on any tenant's table).
    """
    schemas = tenant_schemas()
    behind = sorted(pending_migrations(schemas=schemas)) if schemas else []
    failures = {}
    if behind:
        failures = dict(_migrate_in_parallel(behind, verbosity))
    current = current_migration_state()
    (
        Tenant.objects.exclude(schema_name=PUBLIC_SCHEMA)
        .exclude(schema_name__in=failures)
        .exclude(migration_state=current)
        .update(migration_state=current)
    )
    if failures:
        raise TenantMigrationsFailed(
            f"{len(failures)} of {len(behind)} tenant schema(s) behind could not be migrated (the others were): "
            + "; ".join(f"{schema}: {error}" for schema, error in sorted(failures.items()))
            + ". Fix them and run bootstrap again."
        )


def bootstrap_workers():
    """Processes that migrate tenant schemas at once: BOOTSTRAP_WORKERS, or one per CPU (at most 8)."""
    return int(os.environ.get("BOOTSTRAP_WORKERS") or min(8, os.cpu_count() or 1))


def _migrate_in_parallel(schemas, verbosity):
    """[(schema, error)] of the schemas that failed to migrate."""
    workers = min(bootstrap_workers(), len(schemas))
    if workers <= 1:
        return [failure for schema in schemas if (failure := _migrate_one(schema, verbosity))]
    # Forked workers must not share this process's database connections: each opens its own.
    connections.close_all()
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        results = pool.map(
            _migrate_one, schemas, [verbosity] * len(schemas), chunksize=max(1, len(schemas) // (workers * 4))
        )
        return [failure for failure in results if failure]


def _migrate_one(schema, verbosity):
    """None, or (schema, why) when its migration failed."""
    try:
        call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=verbosity)
    except Exception as exc:  # noqa: BLE001 - every failure is collected and reported by _migrate_tenants
        return schema, f"{type(exc).__name__}: {str(exc).strip()}"
    finally:
        connections.close_all()
    return None


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


@functools.cache
def current_migration_state():
    """The fingerprint recorded on a tenant row when its schema is at this code's migrations."""
    return template_schema.migration_state(f"{app}.{name}" for app, name in _expected_migrations())


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


def readiness_checks():
    """(name, check) pairs run by /api/v1/ready/ after "database"; a check returns its problem or None.

    One role owns every schema here, so there are no grants to check: only migrations.
    """
    return [("migrations", readiness_problems)]


def readiness_problems():
    """{schema: why} for every schema that is not at this code's migrations, cheaply enough for
    a probe every few seconds at thousands of tenants.

    The public and template schemas are read directly; tenant schemas by the migration state
    that bootstrap or provisioning recorded on each tenant row, and by the catalog for schemas
    that vanished: one query over one table, no lock on any tenant's table.
    check_tenancy (isolation_violations) reads every schema's own migrations table instead.
    """
    pending = pending_migrations(schemas=[PUBLIC_SCHEMA, BASE_SCHEMA])
    current = current_migration_state()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.schema_name, n.nspname IS NULL FROM tenancy_tenant t "
            "LEFT JOIN pg_namespace n ON n.nspname = t.schema_name "
            "WHERE t.schema_name <> %s AND (t.migration_state <> %s OR n.nspname IS NULL) "
            "ORDER BY t.schema_name LIMIT 100",
            [PUBLIC_SCHEMA, current],
        )
        for schema, missing in cursor.fetchall():
            why = "(schema missing)" if missing else "(behind this release's migrations: run manage.py bootstrap)"
            pending[schema] = [why]
    return pending


def isolation_violations():
    """Every reason isolation is not guaranteed: a missing or not fully migrated schema."""
    pending = pending_migrations()
    return [f"schema {schema!r} is not fully migrated: {', '.join(names)}" for schema, names in pending.items()]
