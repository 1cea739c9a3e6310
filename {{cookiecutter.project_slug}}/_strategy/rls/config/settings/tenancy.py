"""The rls strategy's settings: the apps, the router that sends migrations to the table owner,
tenant-aware file storage and cache keys.

Part of base.py, which imports it right after the three app lists that it reads.
docs/rls-strategy.md explains the strategy.
"""

from .base import DJANGO_APPS, LOCAL_APPS, PACKAGE, THIRD_PARTY_APPS

# APPS
# ------------------------------------------------------------------------------
# The project's apps first: their templates and management commands win over any others of
# the same name. Every table is shared; each tenant's rows are kept apart by Row Level
# Security. The task queue's tables are the platform's, not a tenant's (no tenant column, no
# policy): a job holds only its tenant's slug and ids, and the tenant admin does not show them.
INSTALLED_APPS = [*LOCAL_APPS, *DJANGO_APPS, *THIRD_PARTY_APPS]

# DATABASE ROUTERS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/db/multi-db/#automatic-database-routing
# Migrations and bootstrap run on the "owner" alias (the table owner); requests run on
# "default" (a role that owns nothing and cannot bypass Row Level Security).
DATABASE_ROUTERS = [f"{PACKAGE}.tenancy.routers.OwnerMigratesRouter"]

# FILES AND CACHE KEYS
# ------------------------------------------------------------------------------
# Each tenant's uploads go under MEDIA_ROOT/<tenant>/, never into a shared folder.
TENANT_FILE_STORAGE = f"{PACKAGE}.tenancy.storage.TenantFileSystemStorage"
# Every cache key carries the current tenant.
CACHE_KEY_FUNCTION = f"{PACKAGE}.tenancy.cache.make_key"
