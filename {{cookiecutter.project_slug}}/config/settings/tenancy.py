"""The tenancy strategy's settings:{% if cookiecutter.tenancy_strategy == "schema" %} django-tenants' tenant models and the apps whose tables
live in each tenant's schema,{% endif %} the database routers, tenant-aware file storage and cache keys.

base.py imports them, and makes INSTALLED_APPS from its app lists{% if cookiecutter.tenancy_strategy == "schema" %} and TENANT_APPS{% endif %}.
{%- if cookiecutter.tenancy_strategy == "schema" %}
https://django-tenants.readthedocs.io/en/latest/install.html
{%- else %}
docs/rls-strategy.md explains the strategy.
{%- endif %}
"""
{%- if cookiecutter.tenancy_strategy == "schema" %}

# TENANTS
# ------------------------------------------------------------------------------
# https://django-tenants.readthedocs.io/en/latest/install.html#configure-tenant-and-shared-applications
# These apps' tables live in each tenant's schema (contenttypes too: django-tenants needs it
# there); every other app's live once, in the public schema, the task queue's among them.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "{{ cookiecutter.project_slug }}.tenancy.apps.TenantAdminConfig",
    "{{ cookiecutter.project_slug }}.projects",
    "{{ cookiecutter.project_slug }}.audit",
]
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
{%- else %}

# DATABASE ROUTERS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/db/multi-db/#automatic-database-routing
# Migrations and bootstrap run on the "owner" alias (the table owner); requests run on
# "default" (a role that owns nothing and cannot bypass Row Level Security).
DATABASE_ROUTERS = ["{{ cookiecutter.project_slug }}.tenancy.db_routers.OwnerMigratesRouter"]

# FILES AND CACHE KEYS
# ------------------------------------------------------------------------------
# Each tenant's uploads go under MEDIA_ROOT/<tenant>/, never into a shared folder.
TENANT_FILE_STORAGE = "{{ cookiecutter.project_slug }}.tenancy.storage.TenantFileSystemStorage"
# Every cache key carries the current tenant.
CACHE_KEY_FUNCTION = "{{ cookiecutter.project_slug }}.tenancy.storage.make_cache_key"
{%- endif %}
