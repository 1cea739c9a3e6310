"""The throttles' counters in the database: all of a request's counters in one statement, in
the database cache's table (docs/decisions/throttle-counters.md says why and how)."""

from django.conf import settings
from django.db import connection

# Rows per counter: a request adds to the one its session picks and reads the others, so
# concurrent requests rarely wait on one row's lock.
SHARDS = 16
HIT = """
WITH asked AS (
    SELECT key, key || '#' || mod(pg_backend_pid(), %(shards)s) AS shard_key,
           to_timestamp((floor(extract(epoch FROM now()) / duration) + 1) * duration) AS window_end
    FROM unnest(%(keys)s::text[], %(durations)s::integer[]) AS asked (key, duration)
), hit AS (
    INSERT INTO {table} AS counter (cache_key, value, expires)
    SELECT shard_key, '1', window_end FROM asked ORDER BY shard_key
    ON CONFLICT (cache_key) DO UPDATE SET
        value = CASE WHEN counter.expires >= EXCLUDED.expires THEN (counter.value::integer + 1)::text ELSE '1' END,
        expires = greatest(counter.expires, EXCLUDED.expires)
    RETURNING counter.cache_key, counter.value::integer AS hits, counter.expires
)
SELECT asked.key, hit.hits + coalesce((
    SELECT sum(other.value::integer) FROM {table} AS other
    WHERE other.expires = hit.expires AND other.cache_key = ANY(ARRAY(
        SELECT asked.key || '#' || shard FROM generate_series(0, %(shards)s - 1) AS shard
        WHERE shard <> mod(pg_backend_pid(), %(shards)s)
    ))
), 0), extract(epoch FROM hit.expires - now())
FROM asked JOIN hit ON hit.cache_key = asked.shard_key
"""
HIT = " ".join(HIT.split())  # one line in the database's and the tests' statement logs


class DatabaseCounter:
    """Requests per fixed window, in the database: counts one hit on each counter, in one statement.

    A fixed window rather than DRF's sliding log, because it is one integer that one statement
    can add to: a client may get up to twice its rate across a window's end, never more.
    """

    def hit(self, durations):
        """{key: (hits in its current window, seconds until that window ends)} for {key: duration}."""
        table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
        keys = list(durations)
        with connection.cursor() as cursor:
            cursor.execute(
                HIT.format(table=table),
                {"keys": keys, "durations": [durations[key] for key in keys], "shards": SHARDS},
            )
            rows = cursor.fetchall()
        return {key: (hits, max(float(remaining), 0.0)) for key, hits, remaining in rows}


def counts_in_database():
    return settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
