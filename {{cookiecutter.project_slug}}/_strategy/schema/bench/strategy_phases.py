"""The schema strategy's measurements that run inside Django, one per ``manage.py shell``
process (started by bench/__main__.py, like bench/phases.py). Each prints one line: ``BENCH <json>``."""

import os
import time

from django.conf import settings
from django.db import connection
from django.test import override_settings
from psycopg import sql

from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

from bench.phases import median_ms, report, serve_creations

# --- tenant creation --------------------------------------------------------------------


def session_memory():
    """The database session's memory, in MB: django-tenants' clone_schema() grew it per creation."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
        return round(int(cursor.fetchone()[0]) / 1e6, 1)


def creations():
    """Tenant creations on demand (bench/phases.py), with the session's memory before and after."""
    serve_creations(session_memory)


def provisioning():
    """Tenant creation against a full migration run of the same schema, interleaved (schema strategy)."""
    rounds, made, migrated = 5, [], []
    for index in range(rounds + 1):
        started = time.perf_counter()
        create_tenant(f"prov{index}", "p")
        provisioned = time.perf_counter() - started
        started = time.perf_counter()
        with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
            Tenant(schema_name=f"migr{index}", slug=f"migr{index}", name="m").save(verbosity=0)
        full = time.perf_counter() - started
        if index:  # the first round warms up
            made.append(provisioned)
            migrated.append(full)
    report(provisioned_ms=median_ms(made), migrated_ms=median_ms(migrated))


# --- many tenants -------------------------------------------------------------------------


def many_tenants():
    """BENCH_SCHEMAS tenants made fast: raw SQL copies of the template schema (tables and
    migration rows, no foreign keys), for bootstrap and readiness at that scale; numbered from
    BENCH_SCHEMAS_FROM (0), so that a fleet can grow in steps."""
    first = int(os.environ.get("BENCH_SCHEMAS_FROM", "0"))
    count = int(os.environ.get("BENCH_SCHEMAS", "1000"))
    started = time.perf_counter()
    template = settings.TENANT_BASE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [template])
        tables = [row[0] for row in cursor.fetchall()]
    for start in range(first, first + count, 100):
        script = []
        for index in range(start, min(start + 100, first + count)):
            schema = sql.Identifier(f"many{index}")
            script.append(sql.SQL("CREATE SCHEMA {}").format(schema))
            for table in tables:
                script.append(
                    sql.SQL("CREATE TABLE {}.{} (LIKE {}.{} INCLUDING ALL)").format(
                        schema, sql.Identifier(table), sql.Identifier(template), sql.Identifier(table)
                    )
                )
            for table in ("django_migrations", "django_content_type"):
                script.append(
                    sql.SQL("INSERT INTO {}.{} SELECT * FROM {}.{}").format(
                        schema, sql.Identifier(table), sql.Identifier(template), sql.Identifier(table)
                    )
                )
                # Their identity sequences where the rows end, so that a new migration's rows fit.
                script.append(
                    sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), max(id)) FROM {}.{}").format(
                        sql.Literal(f"many{index}.{table}"), schema, sql.Identifier(table)
                    )
                )
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL(";\n").join(script).as_string(cursor.cursor.connection))
    # Recorded as not yet checked: the first bootstrap finds them up to date and records it.
    Tenant.objects.bulk_create(
        Tenant(slug=f"many{index}", name=f"Many {index}", schema_name=f"many{index}", migration_state="")
        for index in range(first, first + count)
    )
    report(tenants=count, seconds=round(time.perf_counter() - started, 1))
