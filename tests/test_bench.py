"""``make bench`` and ``make bench-scale`` run to their table in each strategy's bake.

The figures in docs/performance.md come from these two targets; a benchmark that broke would go
unnoticed until a team ran it. Here each runs at small sizes (its measures all taken, none
judged: the baked tests assert the structure that keeps the figures where they are) and its
table must name every measure with a number.
"""

import itertools
import os
import re
import subprocess

import pytest

from .support import BAKE_IDS, BAKES

SMALL = {
    "BENCH_CREATIONS": "40",
    "BENCH_SCHEMAS": "30",
    "BENCH_FLEET": "12",
    "BENCH_MIGRATION_SCHEMAS": "8",
    "BENCH_SECONDS": "0.2",
}
BENCH_ROWS = {
    "both": [
        "tenant creation: last 20 of 40 in one process",
        "SQL statements, warm GET /api/v1/projects/",
        "throughput, GET /api/v1/projects/ / twin",
        "bootstrap with nothing to apply, 30 tenants",
        "readiness, ",
        "for_each_tenant, 12 tenants, --parallel 2 / one manage.py process",
    ],
    "schema": [
        "full migration / tenant creation (example app)",
        "full migration / tenant creation (+40 migrations)",
        "a new migration (AddField, indexed), 8 schemas",
        "for_each_tenant, 12 tenants, --parallel 2 / django-tenants' all_tenants_command",
    ],
    "rls": ["RLS / explicit WHERE tenant_id = (page of 50", "RLS / explicit WHERE tenant_id = (count"],
}
SCALE_ROWS = {
    "both": [
        "bootstrap with nothing to apply (s)",
        "readiness, GET /api/v1/ready/ (ms)",
        "for_each_tenant --parallel 2, a count in each tenant (s)",
        "check_tenancy (s)",
        "database size (MB)",
    ],
    "schema": [
        "a new migration (AddField, indexed), bootstrap (s)",
        "the same, migrate_schemas --executor=multiprocessing (s)",
        "the same, migrate_schemas / bootstrap (x)",
    ],
    "rls": [],
}
NUMBER = r"\d+(\.\d+)?"


@pytest.fixture(params=BAKES, ids=BAKE_IDS)
def baked_for_bench(request, bakery):
    return bakery(*request.param)


def table_rows(output, heading):
    """The lines of the table that follows ``heading``, past its header and rule, up to make's own
    message if any (``make[1]: Leaving directory``: the suite itself runs under ``make test``)."""
    lines = output.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(heading))
    table = [line for line in lines[start + 1 :] if line.strip()][2:]
    return list(itertools.takewhile(lambda line: not line.startswith("make["), table))


def assert_table(output, heading, expected, figures):
    """The table after ``heading`` has one row per ``expected`` measure, each matching ``figures``, and no other."""
    rows = table_rows(output, heading)
    for name in expected:
        matching = [row for row in rows if row.startswith(name)]
        assert len(matching) == 1, f"{name!r} is not one row of the table:\n{output}"
        assert re.search(figures, matching[0]), matching[0]
    assert len(rows) == len(expected), output


def test_make_bench_measures_everything_it_reports(baked_for_bench):
    result = baked_for_bench.make("bench", env=SMALL)
    expected = BENCH_ROWS["both"] + BENCH_ROWS[baked_for_bench.strategy]
    assert_table(result.stdout, "make bench:", expected, rf"\s({NUMBER}x?|{NUMBER} \({NUMBER}\))\s")


def test_make_bench_scale_measures_at_a_tenth_and_at_all_tenants(baked_for_bench):
    result = baked_for_bench.make("bench-scale", env={"BENCH_SCALE": "30", "BENCH_SCALE_MIGRATE_SCHEMAS": "1"})
    assert re.search(r"^measure\s+3\s+30\s+ratio$", result.stdout, re.MULTILINE), result.stdout
    expected = SCALE_ROWS["both"] + SCALE_ROWS[baked_for_bench.strategy]
    assert_table(result.stdout, "make bench-scale:", expected, rf"\s{NUMBER}\s+{NUMBER}\s+{NUMBER}x$")


def test_make_bench_scale_refuses_a_scale_too_small_to_divide(baked_for_bench):
    result = subprocess.run(
        ["make", "bench-scale"],
        cwd=baked_for_bench.path,
        env={**os.environ, "BENCH_SCALE": "5"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0, result.stdout
    assert "BENCH_SCALE=5: at least 20 tenants" in result.stderr, result.stderr
