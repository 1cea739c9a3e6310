"""Benchmark: three ways to create a tenant's schema, measured in the same run.

- this project's provision_tenant(): a copy of the migrated template schema, nothing else;
- django-tenants' clone path (``save()`` with TENANT_CREATION_FAKES_MIGRATIONS): the same copy,
  then a faked ``migrate_schemas``;
- the baseline: a full migration run in an empty schema.

Interleaved (a slower moment of the machine hits all alike), after one warm-up each, reported
as median seconds per tenant and ratios. Asserted is what must never regress: provisioning runs
no DDL of its own, so it never costs a migration run (django-tenants silently falls back to
migrating when the template schema is missing). Seconds are reported, not asserted: with the
example app's few migrations the gap is tens of milliseconds, within a busy machine's noise, and
it grows with every migration a project adds.
"""

import statistics
import time

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from {{ cookiecutter.project_slug }}.tenancy.models import Tenant
from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

ROUNDS = 5


def provisioned(slug):
    create_tenant(slug, slug)


def django_tenants_clone(slug):
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=True):
        Tenant(schema_name=slug, slug=slug, name=slug).save(verbosity=0)


def migrated(slug):
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        Tenant(schema_name=slug, slug=slug, name=slug).save(verbosity=0)


def measure(create, slug):
    """(seconds, number of CREATE TABLE statements sent) for creating one tenant."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        create(slug)
        seconds = time.perf_counter() - started
    return seconds, sum(query["sql"].lstrip().upper().startswith("CREATE TABLE") for query in queries.captured_queries)


def test_provisioning_runs_no_migration_and_is_measured_against_migrating(db, capsys):
    ways = {"provisioned": provisioned, "django-tenants clone": django_tenants_clone, "migrated": migrated}
    seconds = {name: [] for name in ways}
    for name, create in ways.items():
        measure(create, f"warmup{len(seconds[name])}{name[:3]}")
    for index in range(ROUNDS):
        for name, create in ways.items():
            elapsed, tables_created = measure(create, f"{name[:3]}{index}")
            seconds[name].append(elapsed)
            if name == "provisioned":
                assert tables_created == 0, "provisioning a tenant must not run migrations"
            if name == "migrated":
                assert tables_created > 0
    median = {name: statistics.median(values) for name, values in seconds.items()}
    with capsys.disabled():
        print(
            f"\ntenant creation (median of {ROUNDS}): "
            + ", ".join(f"{name} {value:.3f} s/tenant" for name, value in median.items())
            + f"; migrated/provisioned = {median['migrated'] / median['provisioned']:.1f}x"
        )
