"""Throttles: sign-ins, sign-ups and password resets per client address (sign-ins and reset mails
per account too); API requests per tenant and per user; workspaces created per user.

Their counters are shared by every web process, so a limit holds across processes and servers:
in Redis when REDIS_URL is set (DRF's own sliding window, in the "throttles" cache), otherwise
in the database cache's table, all of a request's counters in one statement
(api/throttle_counters.py). Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
(THROTTLE_RATE_* variables), read on every request so a test can change them. A throttled
request is a 429 with Retry-After.
"""

import hashlib
import math

from django.conf import settings
from django.core.cache import caches
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from .throttle_counters import DatabaseCounter, counts_in_database


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


class AddressThrottle(ConfiguredRateThrottle):
    """Requests from one client address (REMOTE_ADDR, or X-Forwarded-For by NUM_PROXIES)."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AccountThrottle(ConfiguredRateThrottle):
    """Requests naming one account's email, from anywhere, whether or not the account exists."""

    def get_cache_key(self, request, view):
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email:
            return None  # the serializer refuses the request anyway
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class LoginAddressThrottle(AddressThrottle):
    """Sign-in attempts from one client address."""

    scope = "login_address"


class LoginAccountThrottle(AccountThrottle):
    """Sign-in attempts for one account, from anywhere: password guessing spread over addresses."""

    scope = "login_account"


class SignUpAddressThrottle(AddressThrottle):
    """Sign-ups from one client address: accounts made in bulk, and probing which emails are taken."""

    scope = "signup_address"


class PasswordResetAddressThrottle(AddressThrottle):
    """Password reset requests and confirmations from one client address."""

    scope = "password_reset_address"


class PasswordResetAccountThrottle(AccountThrottle):
    """Reset mails asked for one email, from anywhere: nobody's mailbox is flooded with them."""

    scope = "password_reset_account"


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


class TenantCreationThrottle(UserThrottle):
    """Workspaces one user asks to create, taken slugs included: each one made is a tenant to provision."""

    scope = "tenant_create"


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


class SignUpThrottles(Throttles):
    """The sign-up view's throttle: per client address."""

    scopes = (SignUpAddressThrottle,)


class PasswordResetThrottles(Throttles):
    """The password reset views' throttles: per client address, and per email for the mails."""

    scopes = (PasswordResetAddressThrottle, PasswordResetAccountThrottle)


class ApiThrottles(Throttles):
    """Every API view's throttles (DEFAULT_THROTTLE_CLASSES): per tenant, per user, and without credentials."""

    scopes = (TenantThrottle, UserThrottle, AnonymousThrottle)


class TenantCreationThrottles(Throttles):
    """POST /api/v1/tenants/: the API's per-user budget, and the creations per user."""

    scopes = (UserThrottle, AnonymousThrottle, TenantCreationThrottle)


LOGIN_THROTTLES = [SignInThrottles]
SIGNUP_THROTTLES = [SignUpThrottles]
PASSWORD_RESET_THROTTLES = [PasswordResetThrottles]
TENANT_CREATION_THROTTLES = [TenantCreationThrottles]
