"""Tests: a database of their own (test_<name>) on the same server, fast password hashing."""

from config.database import database, database_url, with_database_name

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("SECRET_KEY", default="test-only-secret-key-not-for-production-use-0123456789")
DEBUG = False

_url = database_url(embedded_ok=True)
_test_name = f"test_{database(_url)['NAME']}"
DATABASES = {"default": database(with_database_name(_url, _test_name))}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing is collected outside production
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
