"""Throttles: sign-ins per client address and per account; API requests per tenant and per user.

Their counters are shared by every web process, so a limit holds across processes and servers:
in Redis when REDIS_URL is set (DRF's own sliding window, in the default cache), otherwise in
the database cache's table when that is the default cache, all of a request's counters in one
statement (fixed windows, each counter over a few rows: see DatabaseCounter). Rates come from
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (THROTTLE_RATE_* variables), read on every request so
a test can change them. A throttled request is a 429 with Retry-After.
"""

import hashlib
import math

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

# One statement per request for all its counters, where Django's database cache would send six
# per counter (a read; then, inside a savepoint, a count of the whole table, a lookup and the
# write). The rows are the cache table's own kind (key, value, expires), so the cache's culling
# removes expired ones; their keys ("throttle_<scope>_<ident>#<shard>") are not the cache's,
# which start with a version or a schema, so the cache never reads them.
#
# Each counter is spread over SHARDS rows, and a request adds to the one its database session
# picks (pg_backend_pid() modulo SHARDS), reading the others without a lock. An upserted row
# stays locked until the request's transaction commits: on one row, every request of a tenant
# would queue behind the one before it. Sessions that hold a row's lock at the same time are
# different backends, so they only meet when their pids fall in the same shard. Windows are
# aligned to the clock (a minute's window is a clock minute), so every shard of a counter
# counts the same window and their sum is the count. Rows are written in key order, so two
# requests never wait for each other in a cycle.
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


class ConfiguredRateThrottle(SimpleRateThrottle):
    """The scope's rate from settings at each request; no rate for the scope means no limit.

    With Redis it counts in the "throttles" cache, whose keys carry no tenant (the default
    cache's do): a user's budget is one across all their tenants, as in the database.
    """

    @property
    def cache(self):
        return caches["throttles"] if "throttles" in settings.CACHES else caches["default"]

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class Throttles(BaseThrottle):
    """Several scopes' throttles as one: in the database, all their counters in one statement.

    With Redis each scope is DRF's own throttle. A request is refused when any scope's budget is
    spent, and told to wait until the last of them has room again.
    """

    scopes = ()
    counter = DatabaseCounter()

    def allow_request(self, request, view):
        throttles = [scope() for scope in self.scopes]
        if not counts_in_database():
            self.waits = [throttle.wait() for throttle in throttles if not throttle.allow_request(request, view)]
            return not self.waits
        limits = {}
        for throttle in throttles:
            key = throttle.get_cache_key(request, view) if throttle.rate is not None else None
            if key is not None:
                limits[key] = throttle
        if not limits:
            return True
        counted = self.counter.hit({key: throttle.duration for key, throttle in limits.items()})
        self.waits = [remaining for key, (hits, remaining) in counted.items() if hits > limits[key].num_requests]
        return not self.waits

    def wait(self):
        waits = [wait for wait in self.waits if wait is not None]
        return max(math.ceil(max(waits)), 1) if waits else None


class LoginAddressThrottle(ConfiguredRateThrottle):
    """Sign-in attempts from one client address (REMOTE_ADDR, or X-Forwarded-For by NUM_PROXIES)."""

    scope = "login_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginAccountThrottle(ConfiguredRateThrottle):
    """Sign-in attempts for one account, from anywhere: password guessing spread over addresses."""

    scope = "login_account"

    def get_cache_key(self, request, view):
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email:
            return None  # the serializer refuses the request anyway
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class TenantThrottle(ConfiguredRateThrottle):
    """Every request of one tenant together: one tenant cannot take the service from the others."""

    scope = "tenant"

    def get_cache_key(self, request, view):
        tenant = getattr(request, "tenant", None)
        if tenant is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": tenant.pk}


class UserThrottle(ConfiguredRateThrottle):
    """Requests of one signed-in user."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonymousThrottle(ConfiguredRateThrottle):
    """Requests without credentials, by client address: schema and docs fetches, 401s."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignInThrottles(Throttles):
    """The sign-in view's throttles: per client address and per account."""

    scopes = (LoginAddressThrottle, LoginAccountThrottle)


class ApiThrottles(Throttles):
    """Every API view's throttles (DEFAULT_THROTTLE_CLASSES): per tenant, per user, and without credentials."""

    scopes = (TenantThrottle, UserThrottle, AnonymousThrottle)


LOGIN_THROTTLES = [SignInThrottles]
