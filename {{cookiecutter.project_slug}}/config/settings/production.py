"""Production: everything from the environment, no embedded database, HTTPS only.

No .env file is read here: a developer's file (and its key) can never reach production.
"""

from django.core.exceptions import ImproperlyConfigured

from config.database import databases
from config.email import email_settings

from .base import *  # noqa: F403
from .base import env

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
DEBUG = False
# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set the SECRET_KEY environment variable (it is empty).")
if SECRET_KEY.startswith("django-insecure-"):
    # The local and test settings' fixed keys start so: never serve production with one.
    raise ImproperlyConfigured(
        "SECRET_KEY is a development key. Set a random one: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
BASE_DOMAIN = env("BASE_DOMAIN", default="{{ cookiecutter.domain_name }}")

# DATABASES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = databases(embedded_ok=False)

# SECURITY
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/security/#ssl-https
# TLS ends at the load balancer, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host-: the browser keeps these cookies only if set over HTTPS, for Path=/ and without a
# Domain, so no other subdomain (another tenant's, in subdomain routing) can set or read them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
# HSTS starts short: a mistake (a subdomain without HTTPS) is undone within the hour. Raise it
# step by step (1 week, 1 month, then 2 years) and only then set SECURE_HSTS_PRELOAD: preload
# lists are hard to leave (docs/production-settings.md).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# check --deploy warns while preload is off; off is this project's deliberate first step.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# EMAIL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/email/
# Required: invitations and password resets are mailed (smtp://USER:PASSWORD@HOST:587).
EMAIL_URL = env("EMAIL_URL", default="")
if not EMAIL_URL:
    raise ImproperlyConfigured(
        "Set EMAIL_URL (smtp://USER:PASSWORD@HOST:PORT): invitations and password resets are mailed."
    )
vars().update(email_settings(EMAIL_URL))
APP_URL = env("APP_URL", default=f"https://{BASE_DOMAIN}")

# DJANGO REST FRAMEWORK
# ------------------------------------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # TLS ends at one load balancer, which appends the client's address to X-Forwarded-For.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=1),
}

# LOGGING
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/logging/
# One JSON object per log line (docs/logging.md).
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="json")  # noqa: F405
