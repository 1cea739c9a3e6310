"""Bootstrap, schema strategy: the steps that bring a fresh or existing database up to date
(shared migrations, the public tenant, the template schema new tenants are cloned from, every
tenant schema that is behind)."""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from django.core.management import call_command
from django.db import connection, connections
from django_tenants.utils import schema_exists
from psycopg import sql

from .cache_table import create_cache_table
from .diagnostics import current_migration_state, pending_migrations, tenant_schemas
from .models import BASE_SCHEMA, PUBLIC_SCHEMA, PUBLIC_TENANT_SLUG, Tenant

__all__ = ["bootstrap_steps"]


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


def migrate_base_schema_if_behind(verbosity=0):
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
