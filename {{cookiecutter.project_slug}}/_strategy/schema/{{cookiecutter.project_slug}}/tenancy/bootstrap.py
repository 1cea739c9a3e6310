"""Bootstrap, schema strategy: the steps that bring a fresh or existing database up to date
(shared migrations, the public tenant, the template schema new tenants are cloned from, every
tenant schema that is behind: new migrations replayed as SQL where they allow it)."""

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor

from django.core.management import call_command
from django.db import connection, connections
from django_tenants.utils import schema_exists
from psycopg import sql

from . import replay
from .cache_table import create_cache_table
from .diagnostics import current_migration_state, pending_migrations, tenant_schemas
from .models import BASE_SCHEMA, PUBLIC_SCHEMA, PUBLIC_TENANT_SLUG, Tenant

__all__ = ["bootstrap_steps"]


def bootstrap_steps(canary=0):
    """(name, step) pairs that bootstrap runs in order; a step takes ``verbosity``. ``canary``:
    how many tenant schemas behind are migrated first, one by one, stopping at the first failure."""
    return [
        ("shared migrations (public schema)", _migrate_shared),
        ("shared cache table (public schema)", lambda verbosity: create_cache_table(verbosity, "default")),
        ("public tenant", _ensure_public_tenant),
        (f"tenant template schema ({BASE_SCHEMA})", _migrate_base_schema),
        ("tenant migrations (every tenant schema)", lambda verbosity: _migrate_tenants(verbosity, canary)),
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


def _migrate_tenants(verbosity, canary=0):
    """Migrate only the tenant schemas that are behind (found in one query).

    Schemas behind by migrations that only change the schema get their SQL rendered once and
    replayed (tenancy/replay.py); the others are migrated by Django's executor, in parallel.
    With ``canary``, the first ``canary`` schemas behind are migrated one by one first, and the
    first failure stops everything. Otherwise every schema is tried; the ones that fail are named
    together at the end, and the ones that succeed stay migrated. Each schema's migration state
    is recorded on its tenant row, which is what readiness reads (one row per tenant, no lock on
    any tenant's table).
    """
    schemas = tenant_schemas()
    pending = pending_migrations(schemas=schemas) if schemas else {}
    behind = sorted(pending)
    plans = {}  # the migrations a schema lacks -> its Replay, or None for the executor

    def migrate(group):
        """[(schema, why)] of the schemas of ``group`` (all behind by the same migrations) that failed."""
        key, failed = frozenset(pending[group[0]]), []
        while key not in plans and group:
            try:
                plans[key], why = replay.render(group[0], key)
            except Exception as exc:  # noqa: BLE001 - the schema rendered in is broken: named; the next renders
                failed.append((group[0], replay.failure_reason(exc)))
                group = group[1:]
                continue
            way = f"replayed, rendered to SQL once in {group[0]}" if plans[key] else f"by the executor: {why}"
            sys.stdout.write(f"  {len(group)} schema(s) behind by {len(key)} migration(s), {way}\n")
        if not group:
            return failed
        if plans[key] is None:
            return failed + _migrate_in_parallel(group, verbosity)
        return failed + replay.replay(plans[key], group, current_migration_state(), _pending_of)

    for schema in behind[:canary]:
        failure = migrate([schema])
        if failure:
            raise TenantMigrationsFailed(
                f"canary {schema} could not be migrated: {failure[0][1]}. The other "
                f"{len(behind) - behind.index(schema) - 1} schema(s) still behind were not touched; "
                "fix it and run bootstrap again."
            )
    groups = {}
    for schema in behind[canary:]:
        groups.setdefault(frozenset(pending[schema]), []).append(schema)
    failures = {}
    for group in groups.values():
        failures.update(migrate(group))
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


def _pending_of(schemas):
    """The schemas among ``schemas`` still behind (one query)."""
    return pending_migrations(schemas=schemas)


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
        return schema, replay.failure_reason(exc)
    finally:
        connections.close_all()
    return None
