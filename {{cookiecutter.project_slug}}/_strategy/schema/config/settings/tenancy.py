"""The schema strategy's settings (django-tenants): where each app's tables live, the tenant
models and the router, tenant-aware file storage and cache keys.

Part of base.py, which imports it right after the three app lists that it reads.
https://django-tenants.readthedocs.io/en/latest/install.html
"""

from .base import DJANGO_APPS, LOCAL_APPS, PACKAGE, THIRD_PARTY_APPS

# APPS
# ------------------------------------------------------------------------------
# https://django-tenants.readthedocs.io/en/latest/install.html#configure-tenant-and-shared-applications
# These apps' tables live in each tenant's schema (contenttypes too: django-tenants needs it
# there); every other app's live once, in the public schema, the task queue's among them.
TENANT_APPS = [
    "django.contrib.contenttypes",
    f"{PACKAGE}.tenancy.apps.TenantAdminConfig",
    f"{PACKAGE}.projects",
]
# tenancy comes before django_tenants so that its create_tenant and delete_tenant commands
# (the project's contract) win over django-tenants' commands of the same names.
SHARED_APPS = [
    f"{PACKAGE}.tenancy",
    "django_tenants",
    *[app for app in LOCAL_APPS if app not in TENANT_APPS and app != f"{PACKAGE}.tenancy"],
    *DJANGO_APPS,
    *THIRD_PARTY_APPS,
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

# TENANTS
# ------------------------------------------------------------------------------
TENANT_MODEL = "tenancy.Tenant"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# New tenants are cloned from this schema, which bootstrap keeps fully migrated, and their
# migrations are recorded as applied: one clone instead of a full migration run per tenant.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True

# FILES AND CACHE KEYS
# ------------------------------------------------------------------------------
# https://django-tenants.readthedocs.io/en/latest/files.html
# Each tenant's uploads go under MEDIA_ROOT/<schema>/, never into a shared folder.
TENANT_FILE_STORAGE = "django_tenants.files.storage.TenantFileSystemStorage"
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
# Every cache key carries the current tenant's schema.
CACHE_KEY_FUNCTION = "django_tenants.cache.make_key"
