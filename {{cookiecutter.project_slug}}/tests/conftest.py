"""Fixtures shared by the whole suite.

The test database is built the way production's is: by ``manage.py bootstrap``, not by
Django's test runner. Two tenants, acme and globex, each with an owner, exist for every
test; each test runs in a transaction that is rolled back. The helpers that tests import are
in tests/support.py, not here.
"""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connections
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.tenancy import tenant_cache
from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant, delete_tenant

from .support import PASSWORD, TENANT_SLUGS, owner_email, recreate_database, routing_headers, token_for


@dataclass
class TenantUnderTest:
    tenant: Tenant
    owner: object

    @property
    def slug(self):
        return self.tenant.slug


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
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
    """One object per tenant-scoped endpoint (tests/endpoints.py) and tenant, its text the
    tenant's marker ("acme-secret-project"), its foreign keys on the tenant's own objects; and
    an entry in each tenant's audit trail, its target the marker too.

    Ids are set apart per tenant, so "another tenant's id" is never also one of the attacker's
    own rows: an attack must fail by isolation, not by a missing id.
    """
    from django.apps import apps

    from {{ cookiecutter.project_slug }}.audit.trail import record
    from {{ cookiecutter.project_slug }}.tenancy.isolation import tenant_context

    from .endpoints import ENDPOINTS

    made = {}
    for offset, (slug, under_test) in enumerate(tenants.items(), start=1):
        ids = {}
        with tenant_context(under_test.tenant):
            for endpoint in ENDPOINTS:
                values, parents = endpoint.seed(f"{slug}-secret-{endpoint.model_name}", ids)
                foreign_keys = {f"{key}_id": pk for key, pk in parents.items()}
                model = apps.get_model(endpoint.model)
                ids[endpoint.name] = model.objects.create(pk=offset * 1_000_000, **values, **foreign_keys).pk
            record("project.deleted", f"{slug}-secret-audit-entry", actor=under_test.owner)
        made[slug] = {**ids, "marker": f"{slug}-secret"}
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


@pytest.fixture
def media_root(settings, tmp_path):
    """The test's own MEDIA_ROOT, read by fresh storages: STORAGES "changed" makes Django build them
    again (a storage may keep the root it first read), now and when the settings are restored."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {**settings.STORAGES}
    return tmp_path / "media"


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
