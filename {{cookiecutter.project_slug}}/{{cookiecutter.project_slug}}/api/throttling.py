"""Throttles: sign-ins per client address and per account; API requests per tenant and per user.

Their counters live in the default cache, which every web process shares (the database cache,
or Redis when REDIS_URL is set: config/settings/base.py), so a limit holds across processes
and servers. Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (THROTTLE_RATE_* variables),
read on every request so a test can change them. A throttled request is a 429 with Retry-After.
"""

import hashlib

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class ConfiguredRateThrottle(SimpleRateThrottle):
    """The scope's rate from settings at each request; no rate for the scope means no limit."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


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
