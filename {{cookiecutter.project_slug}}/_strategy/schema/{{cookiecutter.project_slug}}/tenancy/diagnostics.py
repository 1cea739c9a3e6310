"""Diagnostics, schema strategy: what readiness and check_tenancy ask of a database (is every
schema at this code's migrations)."""

import functools

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from psycopg import sql

from . import template_schema
from .models import BASE_SCHEMA, PUBLIC_SCHEMA, Tenant

__all__ = ["isolation_violations", "readiness_checks"]


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


# Schemas read per query. PostgreSQL analyses a UNION ALL of n queries recursively: 10,000 of
# them exceeded its default max_stack_depth (2 MB), and 1,000 are read in about 0.2 s.
SCHEMAS_PER_QUERY = 1000


def pending_migrations(schemas=None):
    """{schema: [unapplied migrations]} for the public, template and every tenant schema.

    One query per SCHEMAS_PER_QUERY schemas, not one per schema: bootstrap and check_tenancy
    read every schema, and a round trip per schema would cost minutes at 10,000 tenants.
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
        for start in range(0, len(migrated), SCHEMAS_PER_QUERY):
            cursor.execute(
                sql.SQL(" UNION ALL ").join(
                    sql.SQL("SELECT {}, app, name FROM {}.django_migrations").format(
                        sql.Literal(schema), sql.Identifier(schema)
                    )
                    for schema in migrated[start : start + SCHEMAS_PER_QUERY]
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
