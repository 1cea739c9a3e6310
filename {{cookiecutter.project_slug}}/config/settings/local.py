"""Development: DEBUG on, the embedded PostgreSQL unless DATABASE_URL is set."""

from config import local_env  # noqa: F401 - fills the environment from .env before base.py reads it
from config.database import databases
from config.email import email_settings

from .base import *  # noqa: F403
from .base import env

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A generated .env holds a random key; a clone has no .env and needs no secret to start. The
# fixed fallback is the same in every process (gunicorn's workers share sessions) and its
# "django-insecure-" prefix makes production settings refuse it.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-development-key-never-used-in-production")

# DATABASES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = databases(embedded_ok=True)

# STATIC FILES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#storages
# Serve static files from the apps in development, without collectstatic.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing is collected outside production

# EMAIL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/email/
# Printed by the server by default (make run shows every mail); EMAIL_URL picks another backend.
vars().update(email_settings(env("EMAIL_URL", default="consolemail://")))
{%- if cookiecutter.frontend == "react" %}

# CORS
# ------------------------------------------------------------------------------
# https://github.com/adamchainz/django-cors-headers#configuration
# The front end, served on http://localhost:<port>/, calls each tenant's host (acme.localhost:<port>):
# other origins, allowed here for any local port unless CORS_ALLOWED_ORIGINS says otherwise.
if TENANT_ROUTING == "subdomain" and not CORS_ALLOWED_ORIGINS:  # noqa: F405
    CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://localhost:\d+$"]
{%- endif %}
