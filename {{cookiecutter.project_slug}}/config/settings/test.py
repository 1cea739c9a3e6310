"""Tests: databases of their own (test_<name>) on the same server, fast password hashing."""

from config import local_env  # noqa: F401 - fills the environment from .env before base.py reads it
from config.database import databases
from config.email import email_settings

from .base import *  # noqa: F403
from .base import env

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env("SECRET_KEY", default="django-insecure-test-only-key-not-for-production-use-0123456789")
DEBUG = False

# DATABASES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/testing/overview/#the-test-database
DATABASES = databases(embedded_ok=True, name_prefix="test_")

# PASSWORDS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/testing/overview/#password-hashing
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# STATIC FILES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#storages
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing is collected outside production

# EMAIL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/testing/tools/#email-services
# Kept in memory (django.core.mail.outbox) by default; the served e2e tests set filemail://DIR.
vars().update(email_settings(env("EMAIL_URL", default="memorymail://")))
