"""A database connection is recycled once it has served DB_MAX_TENANTS_PER_CONNECTION distinct tenants.

A PostgreSQL session keeps, in its catalog and plan caches, what it has touched: where each
tenant has its own tables, tens of kB a tenant (one connection that served 2,000 tenants held
55 MB). CONN_MAX_AGE bounds a connection's age, not that. Once the connection has served the
limit, it is marked obsolete: Django closes it when the request ends (close_old_connections,
which procrastinate's Django integration also runs around each job) and the next request opens
a fresh one. for_each_tenant replaces its workers' sessions on the same count
(tenancy/command_pool.py). docs/performance.md gives the sizing rule.
"""

import weakref

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

# Keyed by the driver's connection object: a new connection starts with an empty set.
_served = weakref.WeakKeyDictionary()


def tenants_per_connection():
    """The limit; 0 means a connection is never recycled for the tenants it served."""
    return settings.DB_MAX_TENANTS_PER_CONNECTION


def note_tenant(tenant, using=DEFAULT_DB_ALIAS):
    """Count ``tenant`` as served by the open connection ``using``; at the limit, mark it to be
    closed when the request or job ends (not now: the request's transaction is still open)."""
    conn = connections[using]
    limit = tenants_per_connection()
    if not limit or conn.connection is None:
        return
    served = _served.setdefault(conn.connection, set())
    served.add(tenant.pk)
    if len(served) >= limit:
        conn.close_at = 0  # in the past: close_if_unusable_or_obsolete() closes it
