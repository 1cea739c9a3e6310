"""The schema strategy's own rows of ``make bench``: what a tenant's schema costs to make, by
cloning the template schema, against a full migration run, with a small and a long migration
history. Called by bench/__main__.py, with its helpers."""

import os
import tempfile
from pathlib import Path

from bench import migrations_app

PROJECT_DIR = Path(__file__).resolve().parent.parent
# How the reports name the strategy.
NAME = "schema"


def creation_detail(made):
    """The detail of the tenant-creation row: a schema per tenant also costs session memory."""
    return (
        f"{made['last_ms']:.1f} vs {made['new_ms']:.1f} ms, alternately; the same process's "
        f"first {made['window']} {made['first_ms']:.1f} ms; "
        f"session memory {made['memory_mb'][0]} -> {made['memory_mb'][1]} MB"
    )


def measures(env, *, phase, fresh, ratio):
    """Full migration / tenant creation, with the example app and with 40 generated migrations more."""
    rows = []
    provisioned = phase("strategy_phases.provisioning", env)
    rows.append(
        (
            "full migration / tenant creation (example app)",
            ratio(provisioned["migrated_ms"], provisioned["provisioned_ms"]),
            f"{provisioned['migrated_ms']:.0f} vs {provisioned['provisioned_ms']:.0f} ms",
        )
    )
    with tempfile.TemporaryDirectory() as root:
        migrations_app.write(root, 40)
        many = fresh(
            "bench_migrations",
            extra_env={
                "PYTHONPATH": os.pathsep.join([str(root), str(PROJECT_DIR)]),
                "BENCH_EXTRA_APP": migrations_app.APP,
            },
        )
        provisioned = phase("strategy_phases.provisioning", many)
    rows.append(
        (
            "full migration / tenant creation (+40 migrations)",
            ratio(provisioned["migrated_ms"], provisioned["provisioned_ms"]),
            f"{provisioned['migrated_ms']:.0f} vs {provisioned['provisioned_ms']:.0f} ms",
        )
    )
    return rows


def fleet_measures(ran, *, manage, command, ratio):
    """for_each_tenant against django-tenants' all_tenants_command: one process, every schema in
    turn, with no reset between them."""
    seconds, output = manage("all_tenants_command", "--no-public", *command, env=ran["env"])
    tenants = output.count("Applying command to: ")
    ours = (ran["every_s"] - ran["first_s"]) * 1000 / (ran["tenants"] - 1)
    theirs = (seconds - ran["one_s"]) * 1000 / (tenants - 1)
    return [
        (
            f"for_each_tenant, {ran['tenants']} tenants, --parallel 2 / django-tenants' all_tenants_command",
            ratio(ran["every_s"] / ran["tenants"], seconds / tenants),
            f"{ran['every_s']:.1f} vs {seconds:.1f} s ({tenants} schemas); each tenant more {ours:.1f} vs "
            f"{theirs:.1f} ms; start-up {ran['first_s']:.1f} vs {ran['one_s']:.1f} s",
        )
    ]
