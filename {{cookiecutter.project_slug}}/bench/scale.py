"""``make bench-scale``: what operators run over the whole fleet, at BENCH_SCALE (10,000) tenants,
against the same at a tenth of them, in one run (1 to 9 minutes at 10,000 on 2 cores, most of it making the tenants).

One database of its own (``test_bench_scale``), grown in two steps: a tenth of the tenants,
measured; then all of them, measured the same way. Each row gives both figures and their ratio:
1x is flat, 10x grows with every tenant. docs/performance.md reports the figures at 10,000.
"""

import os
import sys
import tempfile
import time

import psycopg

from bench import strategy
from bench.__main__ import FLEET_COMMAND, fresh, manage, phase, setup

DATABASE = "bench_scale"  # the settings add the test_ prefix


def database_mb():
    """The benchmark database's size on disk, catalogs included, in MB."""
    from config import dev_database

    with psycopg.connect(dev_database.superuser_url()) as conn:
        return conn.execute("SELECT pg_database_size(%s)", [f"test_{DATABASE}"]).fetchone()[0] / 1e6


def measure(env, root, step, tenants):
    """The step's figures, with ``tenants`` tenants in the database."""
    manage("bootstrap", env=env)  # records the tenants just made as checked
    idle, _ = manage("bootstrap", env=env)
    ready = phase("phases.readiness", env)
    every, output = manage("for_each_tenant", "--parallel", "2", "--json", *FLEET_COMMAND, env=env)
    ran = sum(1 for line in output.splitlines() if line.startswith("{"))
    if ran != tenants:
        sys.exit(f"bench: for_each_tenant ran in {ran} tenants, not {tenants}:\n{output}")
    checked, _ = manage("check_tenancy", env=env)
    return {
        "bootstrap with nothing to apply (s)": idle,
        "readiness, GET /api/v1/ready/ (ms)": ready["ready_ms"],
        "for_each_tenant --parallel 2, a count in each tenant (s)": every,
        "check_tenancy (s)": checked,
        # The strategy's own measures (bench/strategy.py).
        **strategy.scale_measures(env, root, step, manage=manage),
        "database size (MB)": database_mb(),
    }


def main():
    setup()
    scale = int(os.environ.get("BENCH_SCALE", "10000"))
    if scale < 20:
        sys.exit(f"bench: BENCH_SCALE={scale}: at least 20 tenants, measured at a tenth of them and at all of them.")
    started = time.perf_counter()
    steps = {}
    with tempfile.TemporaryDirectory() as root:
        env = fresh(DATABASE, extra_env=strategy.scale_environment(root))
        made = 0
        for step, tenants in enumerate((scale // 10, scale), start=1):
            made_at = time.perf_counter()
            phase("strategy_phases.many_tenants", env, BENCH_SCHEMAS_FROM=str(made), BENCH_SCHEMAS=str(tenants - made))
            print(f"bench-scale: {tenants} tenants made in {time.perf_counter() - made_at:.0f} s", flush=True)
            made = tenants
            steps[tenants] = measure(env, root, step, tenants)
            # Printed as taken: a run that stops later keeps what it measured.
            taken = ", ".join(f"{name} {value:.1f}" for name, value in steps[tenants].items())
            print(f"bench-scale: at {tenants} tenants: {taken}", flush=True)
    small, large = steps
    rows = [
        (name, f"{at_small:.1f}", f"{steps[large][name]:.1f}", f"{steps[large][name] / at_small:.2f}x")
        for name, at_small in steps[small].items()
    ]
    width = max(len(row[0]) for row in rows)
    print(f"\nmake bench-scale: {strategy.NAME} strategy, {time.perf_counter() - started:.0f} s\n")
    print(f"{'measure'.ljust(width)}  {f'{small:,}':>10}  {f'{large:,}':>10}  ratio")
    print(f"{'-' * width}  {'-' * 10}  {'-' * 10}  {'-' * 6}")
    for name, at_small, at_large, grown in rows:
        print(f"{name.ljust(width)}  {at_small:>10}  {at_large:>10}  {grown}")


if __name__ == "__main__":
    main()
