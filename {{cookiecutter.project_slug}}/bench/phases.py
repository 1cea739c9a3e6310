"""The benchmark's measurements that run inside Django, one per ``manage.py shell`` process
(started by bench/__main__.py). Each prints one line: ``BENCH <json>``."""

import json
import os
import statistics
import time

{% if cookiecutter.tenancy_strategy == "rls" %}import psycopg
{% endif %}from django.conf import settings
from django.contrib.auth import get_user_model
{%- if cookiecutter.tenancy_strategy == "schema" %}
from django.db import connection
from django.test import Client, override_settings
from psycopg import sql
{%- else %}
from django.db import connections, transaction
from django.test import Client
{%- endif %}

from {{ cookiecutter.project_slug }}.projects.models import Project
from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context
from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant
from tests.request_statements import per_category, routing, statements_sent

PASSWORD = "a-long-unusual-password-42"


def report(**values):
    print("BENCH " + json.dumps(values))


def median_ms(values):
    return round(statistics.median(values) * 1000, 3)


# --- tenant creation --------------------------------------------------------------------


{%- if cookiecutter.tenancy_strategy == "schema" %}
def session_memory():
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
        return int(cursor.fetchone()[0])


def creation():
    """BENCH_CREATIONS tenants one after another in this process, as a signup view does."""
    count = int(os.environ.get("BENCH_CREATIONS", "300"))
    seconds, memory = [], [session_memory()]
    for index in range(count):
        started = time.perf_counter()
        create_tenant(f"made{index}", f"Made {index}")
        seconds.append(time.perf_counter() - started)
    memory.append(session_memory())
    window = min(20, count // 2)
    report(
        creations=count,
        first_ms=median_ms(seconds[:window]),
        last_ms=median_ms(seconds[-window:]),
        memory_mb=[round(value / 1e6, 1) for value in memory],
    )
{%- else %}


def creation():
    """BENCH_CREATIONS tenants one after another in this process, as a signup view does."""
    count = int(os.environ.get("BENCH_CREATIONS", "300"))
    seconds = []
    for index in range(count):
        started = time.perf_counter()
        create_tenant(f"made{index}", f"Made {index}")
        seconds.append(time.perf_counter() - started)
    window = min(20, count // 2)
    report(creations=count, first_ms=median_ms(seconds[:window]), last_ms=median_ms(seconds[-window:]))
{%- endif %}
{%- if cookiecutter.tenancy_strategy == "schema" %}


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
{%- endif %}


# --- statements per request ---------------------------------------------------------------


def seeded_tenant(slug="bench", rows=50):
    """A tenant with an owner and ``rows`` projects, and as many users (the twin's rows); its owner's token."""
    email = f"owner@{slug}.test"
    if not Tenant.objects.filter(slug=slug).exists():
        tenant = create_tenant(slug, slug.title(), owner_email=email, owner_password=PASSWORD)
        with tenant_context(tenant):
            Project.objects.bulk_create(Project(name=f"project {n}") for n in range(rows))
        get_user_model().objects.bulk_create(
            get_user_model()(email=f"twin{n}@{slug}.test", password="!") for n in range(rows)
        )
    credentials = {"email": email, "password": PASSWORD}
    return Client(HTTP_HOST=settings.BASE_DOMAIN).post("/api/v1/auth/token/", credentials).json()["token"]


def statements():
    """What a warm GET /api/v1/projects/ and its twin send to PostgreSQL, per category."""
    token = seeded_tenant()
    counted = {}
    for name, client, path in [
        ("tenant", Client(**routing("bench"), HTTP_AUTHORIZATION=f"Token {token}"), "/api/v1/projects/"),
        ("twin", Client(HTTP_HOST=settings.BASE_DOMAIN, HTTP_AUTHORIZATION=f"Token {token}"), "/bench/twin/"),
    ]:
        for _ in range(2):
            assert client.get(path).status_code == 200
        with statements_sent() as sent:
            response = client.get(path)
        assert response.status_code == 200, response.content
        counted[name] = {"total": len(sent), **per_category(sent)}
    report(**counted, token=token)


# --- many tenants -------------------------------------------------------------------------


{%- if cookiecutter.tenancy_strategy == "schema" %}


def many_tenants():
    """BENCH_SCHEMAS tenants made fast: raw SQL copies of the template schema (tables and
    migration rows, no foreign keys), for bootstrap and readiness at that scale."""
    count = int(os.environ.get("BENCH_SCHEMAS", "1000"))
    started = time.perf_counter()
    template = settings.TENANT_BASE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [template])
        tables = [row[0] for row in cursor.fetchall()]
    for start in range(0, count, 100):
        script = []
        for index in range(start, min(start + 100, count)):
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
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL(";\n").join(script).as_string(cursor.cursor.connection))
    # Recorded as not yet checked: the first bootstrap finds them up to date and records it.
    Tenant.objects.bulk_create(
        Tenant(slug=f"many{index}", name=f"Many {index}", schema_name=f"many{index}", migration_state="")
        for index in range(count)
    )
    report(tenants=count, seconds=round(time.perf_counter() - started, 1))
{%- else %}


def many_tenants():
    """BENCH_SCHEMAS tenants (rows), for bootstrap and readiness at that scale."""
    count = int(os.environ.get("BENCH_SCHEMAS", "1000"))
    started = time.perf_counter()
    Tenant.objects.bulk_create(Tenant(slug=f"many{index}", name=f"Many {index}") for index in range(count))
    report(tenants=count, seconds=round(time.perf_counter() - started, 1))
{%- endif %}


def readiness():
    """Median time of GET /api/v1/ready/ at this many tenants, in this process, warm."""
    client = Client(HTTP_HOST=settings.BASE_DOMAIN)
    status = client.get("/api/v1/ready/").status_code
    seconds = []
    for _ in range(30):
        started = time.perf_counter()
        client.get("/api/v1/ready/")
        seconds.append(time.perf_counter() - started)
    report(status=status, ready_ms=median_ms(seconds), tenants=Tenant.objects.count())


{%- if cookiecutter.tenancy_strategy == "rls" %}


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
                "INSERT INTO projects_project (name, created, done_task_count) "
                "SELECT 'row ' || n, now(), 0 FROM generate_series(1, 5000) n"
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
{%- endif %}
