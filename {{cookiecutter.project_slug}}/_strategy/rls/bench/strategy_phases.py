"""The rls strategy's measurements that run inside Django, one per ``manage.py shell``
process (started by bench/__main__.py, like bench/phases.py). Each prints one line: ``BENCH <json>``."""

import os
import time

import psycopg
from django.conf import settings
from django.db import connections, transaction

from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

from bench.phases import median_ms, report, serve_creations

# --- tenant creation --------------------------------------------------------------------


def creations():
    """Tenant creations on demand (bench/phases.py): a tenant is one row."""
    serve_creations()


# --- many tenants -------------------------------------------------------------------------


def many_tenants():
    """BENCH_SCHEMAS tenants (rows), for bootstrap and readiness at that scale; numbered from
    BENCH_SCHEMAS_FROM (0), so that a fleet can grow in steps."""
    first = int(os.environ.get("BENCH_SCHEMAS_FROM", "0"))
    count = int(os.environ.get("BENCH_SCHEMAS", "1000"))
    started = time.perf_counter()
    Tenant.objects.bulk_create(
        Tenant(slug=f"many{index}", name=f"Many {index}") for index in range(first, first + count)
    )
    report(tenants=count, seconds=round(time.perf_counter() - started, 1))


# --- RLS against an explicit filter -------------------------------------------------------


def rls_against_filter():
    """A page of 50 and a count on a 100,000-row shared table: under RLS, and with an explicit
    ``WHERE tenant_id =`` as a role that RLS does not apply to (the embedded superuser)."""
    from config import dev_database

    tenants = [create_tenant(f"rows{n}", f"Rows {n}") for n in range(20)]
    for tenant in tenants:
        with transaction.atomic(using="owner"), connections["owner"].cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant.pk)])
            cursor.execute(
                "INSERT INTO projects_project (name, created, done_task_count)"
                " SELECT 'row ' || n, now(), 0 FROM generate_series(1, 5000) n"
            )
    with connections["owner"].cursor() as cursor:
        cursor.execute("ANALYZE projects_project")
    tenant = tenants[7]
    page = "SELECT id, name FROM projects_project {} ORDER BY id LIMIT 50"
    count = "SELECT count(*) FROM projects_project {}"
    database = settings.DATABASES["default"]["NAME"]
    runtime = psycopg.connect(dev_database.role_url(settings.DATABASES["default"]["USER"], database))
    superuser = psycopg.connect(dev_database.superuser_url(database))
    timings = {"rls page": [], "filter page": [], "rls count": [], "filter count": []}
    with runtime, superuser:
        for _ in range(300):
            for kind, query in (("page", page), ("count", count)):
                with runtime.transaction():
                    runtime.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant.pk)])
                    started = time.perf_counter()
                    runtime.execute(query.format("")).fetchall()
                    timings[f"rls {kind}"].append(time.perf_counter() - started)
                with superuser.transaction():  # the same transaction shape as the RLS side
                    superuser.execute("SELECT 1")
                    started = time.perf_counter()
                    superuser.execute(query.format(f"WHERE tenant_id = {int(tenant.pk)}")).fetchall()
                    timings[f"filter {kind}"].append(time.perf_counter() - started)
    report(**{name: median_ms(values) for name, values in timings.items()})
