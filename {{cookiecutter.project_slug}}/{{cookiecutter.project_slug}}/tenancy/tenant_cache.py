"""The per-process cache of tenants by slug and by host: a warm request finds its tenant
without a statement.

Any save or delete of a Tenant or a Domain clears the cache of the process that made it (a
signal), and every entry expires after TENANT_CACHE_SECONDS, which bounds how long another
process can route by what it saw before the change. Misses are cached too (an unknown slug
or host costs one lookup per process and period, not one per request), and the cache holds
at most MAX_ENTRIES, so made-up slugs cannot grow it without bound.
"""

import threading
import time

from django.conf import settings

MAX_ENTRIES = 10_000
_entries = {}  # key -> (expires at, tenant or None)
_lock = threading.Lock()


def get_or_load(key, load):
    """The cached value of ``key``, or ``load()``'s, cached."""
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = load()
    seconds = settings.TENANT_CACHE_SECONDS
    if seconds > 0:
        with _lock:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            _entries[key] = (now + seconds, value)
    return value


def clear(**_signal_kwargs):
    with _lock:
        _entries.clear()


def holds(tenant_pk):
    """Whether this process still has the tenant ``tenant_pk`` cached (delete_tenant's proof asks)."""
    with _lock:
        return any(getattr(value, "pk", None) == tenant_pk for _expires, value in _entries.values())
