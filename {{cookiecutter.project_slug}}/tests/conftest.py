"""Fixtures shared by the whole suite.

The test database is built the way production's is: by ``manage.py bootstrap``, not by
Django's test runner. Two tenants, acme and globex, each with an owner, exist for every
test; each test runs in a transaction that is rolled back.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from psycopg import sql
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.tenancy import tenant_cache
from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant, delete_tenant

from config.database import database_url, with_database_name

PROJECT_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery-staple"
TENANT_SLUGS = ("acme", "globex")


@dataclass
class TenantUnderTest:
    tenant: Tenant
    owner: object

    @property
    def slug(self):
        return self.tenant.slug


def owner_email(slug):
    return f"owner@{slug}.test"


def database_admin_settings():
    """Connection settings of the role that may create databases (the owner, under rls)."""
    alias = "owner" if "owner" in settings.DATABASES else "default"
    return connections[alias].settings_dict


def autocommit_connection(params, dbname):
    """A plain psycopg connection with a Django alias's credentials, outside Django's transactions."""
    conninfo = {
        "dbname": dbname,
        "user": params["USER"],
        "password": params["PASSWORD"] or None,
        "host": params["HOST"] or params["OPTIONS"].get("host"),
        "port": params["PORT"] or None,
    }
    return psycopg.connect(**{k: v for k, v in conninfo.items() if v}, autocommit=True)


def admin_connection():
    return autocommit_connection(database_admin_settings(), "postgres")


def recreate_database(name):
    with admin_connection() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_runtime_role():
    """With a separate owner (rls), create the runtime role of DATABASE_URL if it is missing.

    A CI PostgreSQL service starts with only its superuser; production roles are made by the
    DBA (the template's docs/production-roles.md). The role gets no privilege here: bootstrap grants them.
    """
    if "owner" not in settings.DATABASES:
        return
    runtime = settings.DATABASES["default"]
    with admin_connection() as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [runtime["USER"]]).fetchone():
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD {}").format(
                    sql.Identifier(runtime["USER"]), sql.Literal(runtime["PASSWORD"] or None)
                )
            )


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    ensure_runtime_role()
    recreate_database(settings.DATABASES["default"]["NAME"])
    with django_db_blocker.unblock():
        call_command("bootstrap", verbosity=0)
        for slug in TENANT_SLUGS:
            create_tenant(slug, slug.title(), owner_email=owner_email(slug), owner_password=PASSWORD)
        get_user_model().objects.create_user(email="outsider@example.test", password=PASSWORD)
    yield
    connections.close_all()


@pytest.fixture(autouse=True)
def fresh_tenant_cache():
    """Each test's tenants are rolled back at its end: none may be served to the next from the cache."""
    tenant_cache.clear()
    yield
    tenant_cache.clear()


@pytest.fixture
def tenants(db):
    User = get_user_model()
    return {
        slug: TenantUnderTest(Tenant.objects.get(slug=slug), User.objects.get(email=owner_email(slug)))
        for slug in TENANT_SLUGS
    }


@pytest.fixture
def acme(tenants):
    return tenants["acme"]


@pytest.fixture
def globex(tenants):
    return tenants["globex"]


@pytest.fixture
def data(tenants):
    """One project and one task per tenant, each named with a marker unique to its tenant.

    Ids are set apart per tenant, so "another tenant's id" is never also one of the attacker's
    own rows: an attack must fail by isolation, not by a missing id.
    """
    from {{ cookiecutter.project_slug }}.projects.models import Project, Task
    from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context

    made = {}
    for offset, (slug, under_test) in enumerate(tenants.items(), start=1):
        with tenant_context(under_test.tenant):
            project = Project.objects.create(pk=offset * 1_000_000, name=f"{slug}-secret-project")
            task = Task.objects.create(pk=offset * 1_000_000, project=project, title=f"{slug}-secret-task")
        made[slug] = {"projects": project.pk, "tasks": task.pk, "marker": f"{slug}-secret"}
    return made


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Data committed for real, which other processes (a worker, for_each_tenant's children) see.

    A test that uses it runs outside the usual rolled-back transaction; its projects, its jobs
    and any tenant it makes are removed afterwards. Per tenant: one project with ``done`` done
    tasks and one open task.
    """
    from {{ cookiecutter.project_slug }}.projects.models import Project, Task
    from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context

    with django_db_blocker.unblock():
        made = {}
        for offset, slug in enumerate(TENANT_SLUGS, start=1):
            tenant = Tenant.objects.get(slug=slug)
            with tenant_context(tenant):
                project = Project.objects.create(pk=offset * 2_000_000, name=f"{slug}-committed-project")
                tasks = [Task(project=project, title=f"{slug} done {n}", done=True) for n in range(offset + 1)]
                Task.objects.bulk_create([*tasks, Task(project=project, title=f"{slug} open", done=False)])
            made[slug] = CommittedTenant(tenant, project.pk, done=offset + 1)
        yield made
        for slug, each in made.items():
            with tenant_context(Tenant.objects.get(slug=slug)):
                Project.objects.filter(pk=each.project).delete()
        for tenant in Tenant.objects.customers().exclude(slug__in=TENANT_SLUGS):
            delete_tenant(tenant.slug)
        with connections["default"].cursor() as cursor:
            cursor.execute("DELETE FROM procrastinate_jobs")


@dataclass
class CommittedTenant:
    tenant: Tenant
    project: int  # the id of its committed project
    done: int  # how many of that project's tasks are done


def routing_headers(slug):
    """What a request carries to name the tenant ``slug``, for the project's routing."""
    if settings.TENANT_ROUTING == "header":
        return {"HTTP_HOST": settings.BASE_DOMAIN, "HTTP_X_TENANT_ID": slug}
    return {"HTTP_HOST": f"{slug}.{settings.BASE_DOMAIN}"}


def bootstrapped_database(name):
    """The manage.py environment of a new database ``test_<name>`` on the same server, bootstrapped.

    For tests that need committed data or a process of their own (each request's transaction
    outermost), without touching the suite's database.
    """
    recreate_database(f"test_{name}")
    variables = ["DATABASE_URL", *(["DATABASE_OWNER_URL"] if "owner" in settings.DATABASES else [])]
    env = {variable: with_database_name(database_url(variable, embedded_ok=True), name) for variable in variables}
    result = manage_py("bootstrap", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return env


def manage_py(*args, **env):
    """``manage.py`` in its own process under test settings: the exit status a deploy script sees."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def token_for(user):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


@pytest.fixture
def api(db):
    """api(slug, user=None): a client that names tenant ``slug`` and signs in with a real token."""

    def make(slug, user=None):
        client = APIClient(**routing_headers(slug))
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return client

    return make


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the e2e tests (tests/e2e/) after every other test, whatever else reordered them.

    pytest-playwright's sync API keeps an asyncio event loop running in the main thread from
    its first use to the end of the session, and Django refuses database access from a thread
    with a running loop (SynchronousOnlyOperation): a database test after an e2e test would fail.
    """
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


def pytest_sessionfinish(session, exitstatus):
    """No skipped test may pass unnoticed: a skip hides a hole in the isolation proof."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"FAILED: {len(skipped)} test(s) were skipped; this suite allows none.", red=True)
        session.exitstatus = 1
