"""The throttles' counters in the database (the default cache without REDIS_URL): rows of the
cache table, each counter spread over rows so that requests of one tenant do not queue on one
locked row (api/throttle_counters.py, docs/decisions/throttle-counters.md)."""

from uuid import uuid4

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from {{ cookiecutter.project_slug }}.api.throttle_counters import HIT, SHARDS, counts_in_database

from .support import assert_throttled, autocommit_connection, routing_headers, throttle_rates


@pytest.fixture(autouse=True)
def the_database_cache():
    assert counts_in_database(), (
        "these tests are about the database's throttle counters: run them without REDIS_URL "
        "(tests/test_throttling.py holds for either cache)"
    )


def test_counters_are_in_the_shared_database_cache(api, acme):
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        before = cursor.fetchone()[0]
    with throttle_rates(user="5/min"):
        assert api("acme", acme.owner).get("/api/v1/projects/", **routing_headers("acme")).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        assert cursor.fetchone()[0] > before


def test_a_counter_is_the_sum_of_its_shards(api, acme):
    """Each database session adds to its own row of a counter; the limit holds over all of them."""
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        # Two hits already counted by another session, in this minute's window.
        cursor.execute(
            f'INSERT INTO "{table}" (cache_key, value, expires) VALUES '
            "(%s, '2', to_timestamp((floor(extract(epoch FROM now()) / 60) + 1) * 60))",
            [f"throttle_user_{acme.owner.pk}#{(connection.connection.info.backend_pid + 1) % SHARDS}"],
        )
    client = api("acme", acme.owner)
    with throttle_rates(user="3/min"):
        assert client.get("/api/v1/projects/").status_code == 200
        assert_throttled(client.get("/api/v1/projects/"))


def sessions_on_different_shards():
    """Two new database sessions that count on different rows of the same counter."""
    opened, by_shard = [], {}
    for _ in range(4 * SHARDS):
        session = autocommit_connection(connection.settings_dict, connection.settings_dict["NAME"])
        session.autocommit = False  # each request's counting is in its transaction
        opened.append(session)
        by_shard.setdefault(session.info.backend_pid % SHARDS, session)
        if len(by_shard) == 2:
            break
    chosen = list(by_shard.values())
    for session in opened:
        if session not in chosen:
            session.close()
    assert len(chosen) == 2, f"{len(opened)} sessions, all on one of {SHARDS} shards"
    return chosen


def test_requests_of_one_tenant_do_not_queue_on_its_counter(db):
    """A counted row stays locked until the request's transaction ends; a second request of the
    same tenant, in another session, counts on another row and does not wait for it."""
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    key = f"throttle_tenant_test-{uuid4().hex}"

    def hit(session, shards=SHARDS):
        counter = key if shards == SHARDS else f"{key}-on-one-row"
        ((_key, hits, _remaining),) = session.execute(
            HIT.format(table=table), {"keys": [counter], "durations": [60], "shards": shards}
        ).fetchall()
        return hits

    first, second = sessions_on_different_shards()
    try:
        second.execute("SET lock_timeout = '200ms'")  # waiting for first's row fails there
        second.commit()
        assert hit(first) == 1  # first's transaction stays open, holding its row
        assert hit(second) == 1  # no wait; and first's hit is not committed yet
        first.commit()
        assert hit(second) == 3  # second's two and first's one
        second.commit()
        # The lock the shards avoid is real: on a single row, the second session would wait.
        assert hit(first, shards=1) == 1
        with pytest.raises(psycopg.errors.LockNotAvailable):
            hit(second, shards=1)
    finally:
        for session in (first, second):
            session.rollback()
            session.execute(f"DELETE FROM {table} WHERE cache_key LIKE %s", [f"{key}%"])
            session.commit()
            session.close()
