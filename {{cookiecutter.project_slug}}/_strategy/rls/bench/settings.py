"""Settings of the benchmark's processes: the test settings, on the benchmark's own database,
plus a twin of the projects list without tenancy."""

from config.settings.test import *  # noqa: F403

PUBLIC_URLCONF = "bench.urls_public"
ALLOWED_HOSTS = ["*"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"handlers": [], "level": "CRITICAL"}}
