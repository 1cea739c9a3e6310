"""A connection is closed at the end of the request in which it has served
DB_MAX_TENANTS_PER_CONNECTION distinct tenants, which bounds its backend's memory.

A PostgreSQL session keeps in its caches the tables it touched; where each tenant has its own,
a connection serving many tenants grows without end, unless it is recycled.
Each run is a process of its own serving GET /api/v1/projects/ (a count and a short list)
through Django's WSGI handler (tests/connection_recycling.py).
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

LIMIT = 25
TENANTS = 200
# The bound of docs/performance.md for a connection: 4 MB for a session with Django's tables
# and its first tenant, plus 50 kB for each further tenant it may serve.
BOUND = 4_000_000 + 50_000 * LIMIT


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


def serve(database, *, limit, tenants, order=None, measure=False):
    extra = {"RECYCLING_ORDER": " ".join(map(str, order))} if order else {}
    if measure:
        extra["RECYCLING_MEASURE"] = "1"
    result = manage_py(
        "shell",
        "-c",
        "from tests.connection_recycling import main; main()",
        RECYCLING_TENANTS=str(tenants),
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
    return max(request["bytes"] for request in after if request["pid"] is not None)


def test_the_limit_bounds_a_connection_s_memory(database):
    after = serve(database, limit=LIMIT, tenants=TENANTS, measure=True)
    assert memory_peak(after) < BOUND, f"{memory_peak(after):,} bytes, bound {BOUND:,}"
    assert len({request["pid"] for request in after} - {None}) == TENANTS // LIMIT


def test_without_the_limit_the_memory_grows_past_the_bound(database):
    peak = memory_peak(serve(database, limit=0, tenants=TENANTS, measure=True))
    if SESSION_GROWS_WITH_TENANTS:
        assert peak > BOUND, f"{peak:,} bytes: {TENANTS} tenants no longer grow a session past {BOUND:,}"
    else:
        # One set of tables for every tenant: the session does not grow with the tenants.
        assert peak < BOUND, f"{peak:,} bytes, bound {BOUND:,}"
