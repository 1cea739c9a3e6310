"""The schema strategy's own rows of ``make bench``: what a tenant's schema costs to make, by
cloning the template schema, against a full migration run, with a small and a long migration
history; and a new migration over BENCH_MIGRATION_SCHEMAS (300) schemas, replayed by bootstrap,
against django-tenants' multiprocessing executor; and at each step of ``make bench-scale`` a new
migration. Called by bench/__main__.py and bench/scale.py, with their helpers."""

import os
import sys
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
        many = fresh("bench_migrations", extra_env=with_migrations_app(root, 40))
        provisioned = phase("strategy_phases.provisioning", many)
    rows.append(
        (
            "full migration / tenant creation (+40 migrations)",
            ratio(provisioned["migrated_ms"], provisioned["provisioned_ms"]),
            f"{provisioned['migrated_ms']:.0f} vs {provisioned['provisioned_ms']:.0f} ms",
        )
    )
    schemas = int(os.environ.get("BENCH_MIGRATION_SCHEMAS", "300"))
    rows.append(new_migration(schemas, phase=phase, fresh=fresh, ratio=ratio))
    return rows


def with_migrations_app(root, migrations):
    """Write bench/migrations_app.py's app with ``migrations`` migrations under ``root``; the
    environment that installs it in a benchmark process."""
    migrations_app.write(root, migrations)
    return {"PYTHONPATH": os.pathsep.join([str(root), str(PROJECT_DIR)]), "BENCH_EXTRA_APP": migrations_app.APP}


ALL_TENANTS_MIGRATED = (
    "from {{ cookiecutter.project_slug }}.tenancy.diagnostics import pending_migrations, tenant_schemas\n"
    "behind = pending_migrations(schemas=tenant_schemas())\n"
    "if behind:\n    raise SystemExit(f'not migrated: {sorted(behind)[:5]}')"
)


def new_migration(count, *, phase, fresh, ratio):
    """An AddField with an index, new after ``count`` tenants exist, brought to every schema by
    ``bootstrap`` (replayed) and by django-tenants' ``migrate_schemas --executor=multiprocessing``,
    each on a database of its own made the same way."""
    from bench.__main__ import manage  # the runner of bench/__main__.py (imported late: it imports this module)

    with tempfile.TemporaryDirectory() as root:
        extra_env = with_migrations_app(root, 1)
        envs = []
        for database in ("bench_replay", "bench_migrate_schemas"):
            env = fresh(database, extra_env=extra_env)
            phase("strategy_phases.many_tenants", env, BENCH_SCHEMAS=str(count))
            manage("bootstrap", env=env)  # records the new schemas as checked
            envs.append(env)
        migrations_app.add_indexed_field(root)
        ours, output = manage("bootstrap", env=envs[0])
        if "replayed" not in output:
            sys.exit(f"bench: bootstrap did not replay the new migration:\n{output}")
        theirs, _ = manage("migrate_schemas", "--executor=multiprocessing", env=envs[1])
        # Both left every tenant schema fully migrated (django-tenants' leaves the template schema out).
        manage("check_tenancy", env=envs[0])
        manage("shell", "-c", ALL_TENANTS_MIGRATED, env=envs[1])
    return (
        f"a new migration (AddField, indexed), {count} schemas: migrate_schemas --executor=multiprocessing / bootstrap",
        ratio(theirs, ours),
        f"{theirs:.1f} vs {ours:.1f} s; per schema {theirs * 1000 / count:.1f} vs {ours * 1000 / count:.1f} ms "
        "(whole processes)",
    )


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


def scale_environment(root):
    """The scale run's tenant app (bench/migrations_app.py), written under ``root``: each step of
    ``make bench-scale`` adds a migration to it."""
    return with_migrations_app(root, 1)


def scale_measures(env, root, step, *, manage):
    """A new migration (an indexed field) brought to every schema by ``bootstrap``, replayed; with
    BENCH_SCALE_MIGRATE_SCHEMAS=1, then another, the same but for its name, by django-tenants'
    multiprocessing executor (about an hour at 10,000 schemas: it is left out by default)."""
    migrations_app.add_indexed_field(root, f"ours{step}")
    ours, output = manage("bootstrap", env=env)
    if "replayed" not in output:
        sys.exit(f"bench: bootstrap did not replay the new migration:\n{output}")
    measured = {"a new migration (AddField, indexed), bootstrap (s)": ours}
    if os.environ.get("BENCH_SCALE_MIGRATE_SCHEMAS") != "1":
        return measured
    print(f"bench-scale: bootstrap replayed a new migration in {ours:.1f} s; now migrate_schemas", flush=True)
    migrations_app.add_indexed_field(root, f"theirs{step}")
    # Its cost per schema grows with the schemas: about an hour at 10,000 on 2 cores.
    theirs, _ = manage("migrate_schemas", "--executor=multiprocessing", env=env, timeout=4 * 3600)
    manage("shell", "-c", ALL_TENANTS_MIGRATED, env=env)
    return {
        **measured,
        "the same, migrate_schemas --executor=multiprocessing (s)": theirs,
        "the same, migrate_schemas / bootstrap (x)": theirs / ours,
    }
