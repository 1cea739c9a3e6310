"""Throttles: sign-ins per client address and per account; API requests per tenant and per user.

Their counters are shared by every web process, so a limit holds across processes and servers:
in Redis when REDIS_URL is set (DRF's own sliding window, in the default cache), otherwise in
the database cache's table when that is the default cache, one row per counter, counted by one
upsert (fixed windows: see DatabaseCounter). Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
(THROTTLE_RATE_* variables), read on every request so a test can change them. A throttled request
is a 429 with Retry-After.
"""

import hashlib
import math

from django.conf import settings
from django.db import connection
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

# One statement per throttle, where Django's database cache sends six (a read; then, inside a
# savepoint, a count of the whole table, a lookup and the write). The row is the cache table's
# own kind (key, value, expires), so the cache's culling removes expired counters; the keys
# (DRF's "throttle_<scope>_<ident>") are not the cache's, which start with a version or a
# schema, so the cache never reads them.
HIT = """
INSERT INTO {table} AS counter (cache_key, value, expires)
VALUES (%(key)s, '1', now() + make_interval(secs => %(duration)s))
ON CONFLICT (cache_key) DO UPDATE SET
    value = CASE WHEN counter.expires > now() THEN (counter.value::integer + 1)::text ELSE '1' END,
    expires = CASE WHEN counter.expires > now() THEN counter.expires ELSE EXCLUDED.expires END
RETURNING counter.value::integer, extract(epoch FROM counter.expires - now())
"""
HIT = " ".join(HIT.split())  # one line in the database's and the tests' statement logs


class DatabaseCounter:
    """Requests per fixed window, in the database: counts one hit and says how many so far.

    A fixed window (the first hit opens it for the rate's duration) rather than DRF's sliding
    log, because it is one integer that one statement can add to: a client may get up to twice
    its rate across a window's end, never more.
    """

    def hit(self, key, duration):
        """(hits in the current window, seconds until it ends)."""
        table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
        with connection.cursor() as cursor:
            cursor.execute(HIT.format(table=table), {"key": key, "duration": duration})
            hits, remaining = cursor.fetchone()
        return hits, max(float(remaining), 0.0)


def counts_in_database():
    return settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


class ConfiguredRateThrottle(SimpleRateThrottle):
    """The scope's rate from settings at each request; no rate for the scope means no limit."""

    counter = DatabaseCounter()

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if not counts_in_database():
            return super().allow_request(request, view)
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        hits, self.remaining = self.counter.hit(self.key, self.duration)
        return hits <= self.num_requests

    def wait(self):
        if not counts_in_database():
            return super().wait()
        return max(math.ceil(self.remaining), 1)


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


LOGIN_THROTTLES = [LoginAddressThrottle, LoginAccountThrottle]
