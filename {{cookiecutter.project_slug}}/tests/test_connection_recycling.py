"""A connection is closed at the end of the request or job in which it has served
DB_MAX_TENANTS_PER_CONNECTION distinct tenants, and for_each_tenant's workers replace their
sessions on the same count, which bounds a backend's memory however many tenants it serves.

A PostgreSQL session keeps in its caches the tables it touched; where each tenant has its own,
a connection serving many tenants grows without end, unless it is recycled.
Each run is a process of its own serving a count and a short list of projects in each tenant:
GET /api/v1/projects/ through Django's WSGI handler, or a job of the worker (tests/connection_recycling.py).
Seconds are not asserted: what is, is where connections were closed and the memory they held.
"""

import json
import os

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from .connection_recycling import MEMORY_FUNCTION
from .roles import SESSION_GROWS_WITH_TENANTS
from .support import bootstrapped_database, database_admin_settings, manage_py

# The default of DB_MAX_TENANTS_PER_CONNECTION, over ten times as many tenants.
LIMIT = 200
TENANTS = 2_000
# The bound of docs/performance.md for a connection: 4 MB for a session with Django's tables
# and its first tenant, plus 50 kB for each further tenant it may serve.
BOUND = 4_000_000 + 50_000 * LIMIT
# Run in each tenant by for_each_tenant: the projects' count and first page, then what the
# session holds.
MEASURE_IN_TENANT = (
    "from django.db import connection; "
    "from {{ cookiecutter.project_slug }}.projects.models import Project; "
    "from tests.connection_recycling import memory; "
    "Project.objects.count(); "
    "list(Project.objects.order_by('id')[:5]); "
    "print(connection.connection.info.backend_pid, memory())"
)


@pytest.fixture(scope="module")
def database():
    env = bootstrapped_database("connection_recycling")
    with psycopg.connect(superuser_url(env), autocommit=True) as conn:
        # The view is readable by superusers only: a function that reads it as its owner, in
        # the session that calls it, so the serving connection reads its own backend's memory.
        conn.execute(
            sql.SQL(
                "CREATE FUNCTION public.{}() RETURNS bigint LANGUAGE sql SECURITY DEFINER "
                "AS 'SELECT sum(total_bytes)::bigint FROM pg_catalog.pg_backend_memory_contexts'"
            ).format(sql.Identifier(MEMORY_FUNCTION))
        )
        conn.execute(
            sql.SQL("GRANT EXECUTE ON FUNCTION public.{}() TO {}").format(
                sql.Identifier(MEMORY_FUNCTION), sql.Identifier(settings.DATABASES["default"]["USER"])
            )
        )
    made = manage_py("shell", "-c", f"from tests.connection_recycling import tenants; tenants({TENANTS})", **env)
    assert made.returncode == 0, made.stderr[-5000:]
    return env


def superuser_url(env):
    """A superuser of the test server: the embedded server's, or the admin role (CI's is one)."""
    name = "test_connection_recycling"
    if not os.environ.get("DATABASE_URL"):
        from config import dev_database

        return dev_database.superuser_url(name)
    params = database_admin_settings()
    return psycopg.conninfo.make_conninfo(
        dbname=name, user=params["USER"], password=params["PASSWORD"] or None, host=params["HOST"], port=params["PORT"]
    )


def serve(database, *, limit, tenants, order=None, measure=False, path="requests"):
    extra = {"RECYCLING_ORDER": " ".join(map(str, order))} if order else {}
    if measure:
        extra["RECYCLING_MEASURE"] = "1"
    result = manage_py(
        "shell",
        "-c",
        "from tests.connection_recycling import main; main()",
        RECYCLING_TENANTS=str(tenants),
        RECYCLING_PATH=path,
        DB_MAX_TENANTS_PER_CONNECTION=str(limit),
        THROTTLE_RATE_USER="100000/min",  # one user makes every request
        **extra,
        **database,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_connection_is_closed_after_its_third_distinct_tenant(database):
    # Tenants 0, 1, 0, 1, 2: the fifth request is the third distinct tenant; 3 then starts afresh.
    after = serve(database, limit=3, tenants=4, order=[0, 1, 0, 1, 2, 3, 3])
    pids = [request["pid"] for request in after]
    assert None not in pids[:4] and len(set(pids[:4])) == 1, pids
    assert pids[4] is None, pids
    assert pids[5] is not None and pids[5] == pids[6] and pids[5] != pids[0], pids


def test_without_a_limit_one_connection_serves_every_tenant(database):
    pids = {request["pid"] for request in serve(database, limit=0, tenants=10)}
    assert len(pids) == 1 and None not in pids, pids


def memory_peak(after):
    return max(unit["bytes"] for unit in after if unit["pid"] is not None)


def assert_recycled_every_limit(backends):
    """``backends``: the backend pid after each tenant, None where the connection was closed.
    Each run of LIMIT tenants had one backend of its own, closed after its last tenant."""
    closed = [index for index, pid in enumerate(backends) if pid is None]
    assert closed == list(range(LIMIT - 1, TENANTS, LIMIT)), closed
    runs = [set(backends[start : start + LIMIT - 1]) for start in range(0, TENANTS, LIMIT)]
    assert all(len(run) == 1 for run in runs), runs
    assert len(set.union(*runs)) == TENANTS // LIMIT, runs


def test_requests_across_2000_tenants_stay_under_the_bound(database):
    after = serve(database, limit=LIMIT, tenants=TENANTS, measure=True)
    assert_recycled_every_limit([request["pid"] for request in after])
    assert memory_peak(after) < BOUND, f"{memory_peak(after):,} bytes, bound {BOUND:,}"


def test_jobs_across_2000_tenants_grow_without_the_limit_and_stay_under_the_bound_with_it(database):
    unbounded = serve(database, limit=0, tenants=TENANTS, measure=True, path="jobs")
    assert len({job["pid"] for job in unbounded}) == 1, "without a limit, one connection serves every job"
    first, peak = unbounded[0]["bytes"], memory_peak(unbounded)
    if SESSION_GROWS_WITH_TENANTS:
        assert peak > BOUND, f"{peak:,} bytes: {TENANTS} tenants no longer grow a session past {BOUND:,}"
    else:
        # One set of tables for every tenant: the session does not grow with the tenants.
        assert peak - first < 1_000_000, f"{first:,} bytes at the first tenant, {peak:,} at the peak"

    bounded = serve(database, limit=LIMIT, tenants=TENANTS, measure=True, path="jobs")
    assert_recycled_every_limit([job["pid"] for job in bounded])
    assert memory_peak(bounded) < BOUND, f"{memory_peak(bounded):,} bytes, bound {BOUND:,}"


def test_for_each_tenant_replaces_its_sessions_every_limit_tenants(database):
    limit = {"DB_MAX_TENANTS_PER_CONNECTION": str(LIMIT)}
    done = manage_py("for_each_tenant", "--json", "shell", "-c", MEASURE_IN_TENANT, **limit, **database)
    assert done.returncode == 0, done.stderr[-5000:]
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == TENANTS and all(result["exit_code"] == 0 for result in results), done.stdout[-3000:]
    # One worker (--parallel 1) ran the tenants in this order: (backend pid, bytes) after each.
    measured = [tuple(map(int, result["stdout"].split()[-2:])) for result in results]
    backends = [pid for pid, _ in measured]
    runs = [set(backends[start : start + LIMIT]) for start in range(0, TENANTS, LIMIT)]
    assert all(len(run) == 1 for run in runs) and len(set.union(*runs)) == TENANTS // LIMIT, runs
    peak = max(size for _, size in measured)
    assert peak < BOUND, f"{peak:,} bytes, bound {BOUND:,}"
