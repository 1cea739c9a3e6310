"""Benchmark: creating a tenant by cloning the template schema vs running every migration.

Both are measured in the same run, on the same database, and reported as seconds per tenant
and as a ratio, so the figure survives a change of machine.
"""

import time

from django.test import override_settings

from {{ cookiecutter.project_slug }}.tenancy.services import create_tenant

TENANTS_PER_METHOD = 3


def seconds_per_tenant(prefix):
    started = time.perf_counter()
    for index in range(TENANTS_PER_METHOD):
        create_tenant(f"{prefix}{index}", f"{prefix} {index}")
    return (time.perf_counter() - started) / TENANTS_PER_METHOD


def test_cloning_is_faster_than_migrating(db, capsys):
    cloned = seconds_per_tenant("cloned")
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        migrated = seconds_per_tenant("migrated")
    with capsys.disabled():
        print(
            f"\ntenant creation: cloned {cloned:.3f} s/tenant, migrated {migrated:.3f} s/tenant, "
            f"migrated/cloned = {migrated / cloned:.1f}x"
        )
    assert cloned < migrated
