"""Erasing a tenant, with proof: what delete_tenant removes besides its rows (media folder, cache
entries, queued jobs), and the checks that nothing of the tenant remains (docs/tenant-data.md)."""

import copy
import dataclasses
import os
import shutil

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.files.storage import default_storage
from django.db import connection

from . import isolation, tenant_cache
from .background import TENANT_ARGUMENT, TENANT_ID_ARGUMENT
from .leftovers import leftover_data
from .models import Domain, Membership, Tenant

# A job is the tenant's when its stored arguments name the tenant (tenancy/background.py).
TENANT_JOBS = "FROM procrastinate_jobs WHERE args ->> %s = %s OR args ->> %s = %s"
# A cache entry is the tenant's when its key starts with the tenant's scope (CACHE_KEY_FUNCTION).
TENANT_CACHE_ENTRIES = "FROM {table} WHERE starts_with(cache_key, %s)"


@dataclasses.dataclass(frozen=True)
class TenantTrace:
    """Where a tenant keeps data, noted before it is deleted: the tenant's row goes with it."""

    tenant: Tenant  # a copy, which keeps its id after the deletion
    media_folder: str
    cache_prefix: str

    def job_parameters(self):
        return [TENANT_ID_ARGUMENT, str(self.tenant.pk), TENANT_ARGUMENT, self.tenant.slug]


@dataclasses.dataclass(frozen=True)
class Check:
    """One place looked at, and what of the tenant is still there (nothing when erased)."""

    name: str
    remaining: list

    def __str__(self):
        return f"{self.name}: " + ("; ".join(self.remaining) if self.remaining else "none left")


def trace_of(tenant):
    with isolation.tenant_context(tenant):
        # The tenant's scope is the first part of every key the cache's KEY_FUNCTION makes.
        scope = caches["default"].make_key("", version=1).split(":", 1)[0]
        return TenantTrace(copy.copy(tenant), default_storage.location, f"{scope}:")


# --- erasing what the tenant's rows do not take with them -----------------------------------


def erase_queued_jobs(trace):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE {TENANT_JOBS}", trace.job_parameters())


def erase_cache_entries(trace):
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{trace.cache_prefix}*"):
            client.delete(key)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DELETE " + _tenant_cache_entries(cache), [trace.cache_prefix])


def erase_media(folder):
    """The tenant's media folder and everything in it; files are not in the transaction, so after it."""
    if os.path.lexists(folder):
        shutil.rmtree(folder)


# --- the proof ------------------------------------------------------------------------------


def verify_erased(trace):
    """Every place a tenant keeps data, looked at again: a Check per place."""
    return [
        Check("tenant, domains and memberships", _tenant_rows(trace.tenant.pk)),
        Check("tenant data", leftover_data(trace.tenant)),
        Check(f"media folder {trace.media_folder}", _media_files(trace.media_folder)),
        Check(f"cache keys {trace.cache_prefix}*", _cache_keys(trace)),
        Check("tenants cached by this process", _cached_tenant(trace.tenant.pk)),
        Check("queued jobs", _queued_jobs(trace)),
    ]


def _tenant_rows(pk):
    found = {
        "tenant row": Tenant.objects.filter(pk=pk).count(),
        "domain rows": Domain.objects.filter(tenant_id=pk).count(),
        "membership rows": Membership.objects.filter(tenant_id=pk).count(),
    }
    return [f"{count} {what}" for what, count in found.items() if count]


def _media_files(folder):
    if not os.path.lexists(folder):
        return []
    files = sorted(
        os.path.relpath(os.path.join(parent, name), folder) for parent, _, names in os.walk(folder) for name in names
    )
    return [f"{len(files)} file(s): {', '.join(files[:5])}" if files else "the empty folder"]


def _cache_keys(trace):
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client()
        keys = sorted(key.decode() for key in client.scan_iter(match=f"{trace.cache_prefix}*"))
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key " + _tenant_cache_entries(cache) + " ORDER BY 1", [trace.cache_prefix])
            keys = [key for (key,) in cursor.fetchall()]
    return [f"{len(keys)} key(s): {', '.join(keys[:5])}"] if keys else []


def _tenant_cache_entries(cache):
    if not isinstance(cache, DatabaseCache):
        raise TypeError(f"{type(cache).__name__} is not a cache this project can erase a tenant from.")
    return TENANT_CACHE_ENTRIES.format(table=connection.ops.quote_name(settings.CACHES["default"]["LOCATION"]))


def _cached_tenant(pk):
    return ["the tenant"] if tenant_cache.holds(pk) else []


def _queued_jobs(trace):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, task_name, status {TENANT_JOBS} ORDER BY id", trace.job_parameters())
        jobs = cursor.fetchall()
    return [f"job {job_id} ({task}, {status})" for job_id, task, status in jobs]
