"""Benchmark: creating a tenant by cloning the template schema vs running every migration.

Both are measured in the same run, on the same database, interleaved (so that a slower
moment of the machine hits both alike), after one warm-up each, and reported as the median
seconds per tenant and their ratio. What is asserted is what must never regress: a cloned
tenant runs no DDL of its own (django-tenants silently falls back to migrating when the
template schema is missing), while a migrated one runs every CREATE TABLE.
"""

import statistics
import time

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

ROUNDS = 5


def create_and_measure(slug, *, clone):
    """(seconds, number of CREATE TABLE statements) for creating one tenant."""
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=clone), CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        create_tenant(slug, slug)
        seconds = time.perf_counter() - started
    return seconds, sum(query["sql"].lstrip().upper().startswith("CREATE TABLE") for query in queries.captured_queries)


def test_cloning_a_tenant_runs_no_migration_and_is_measured_against_migrating(db, capsys):
    create_and_measure("warmup-cloned", clone=True)
    create_and_measure("warmup-migrated", clone=False)
    cloned, migrated = [], []
    for index in range(ROUNDS):
        seconds, tables_created = create_and_measure(f"cloned{index}", clone=True)
        assert tables_created == 0, "a cloned tenant must not run migrations"
        cloned.append(seconds)
        seconds, tables_created = create_and_measure(f"migrated{index}", clone=False)
        assert tables_created > 0
        migrated.append(seconds)
    cloned_median, migrated_median = statistics.median(cloned), statistics.median(migrated)
    with capsys.disabled():
        print(
            f"\ntenant creation (median of {ROUNDS}): cloned {cloned_median:.3f} s/tenant, "
            f"migrated {migrated_median:.3f} s/tenant, migrated/cloned = {migrated_median / cloned_median:.2f}x"
        )
