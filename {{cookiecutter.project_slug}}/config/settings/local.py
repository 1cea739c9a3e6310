"""Development: DEBUG on, the embedded PostgreSQL unless DATABASE_URL is set."""

from django.core.management.utils import get_random_secret_key

from config.database import databases

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# The baked project's .env holds a stable key; without one, a per-process key still runs.
SECRET_KEY = env("SECRET_KEY", default=get_random_secret_key())

DATABASES = databases(embedded_ok=True)

# Serve static files from the apps in development, without collectstatic.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing is collected outside production
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
{%- if cookiecutter.frontend == "react" and cookiecutter.tenant_routing == "subdomain" %}
# The front end, served on http://localhost:<port>/, calls each tenant's host (acme.localhost:<port>):
# other origins, allowed here for any local port unless CORS_ALLOWED_ORIGINS says otherwise.
CORS_ALLOWED_ORIGIN_REGEXES = [] if CORS_ALLOWED_ORIGINS else [r"^http://localhost:\d+$"]  # noqa: F405
{%- endif %}
